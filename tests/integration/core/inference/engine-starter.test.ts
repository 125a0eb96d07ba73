import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInferenceEngine,
  OutOfVocabularyError,
  tagImage,
  type InferenceEngine,
} from '../../../../src-main/core/inference';
import { MemoryEmbeddingCache } from '../../../fixtures/inference/memory-cache';
import { shapeOnTexture, solid } from './synthetic-images';

let dir: string;
let engine: InferenceEngine;
const cache = new MemoryEmbeddingCache();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-engine-'));
  engine = createInferenceEngine({ dataDir: dir, cache });
  await shapeOnTexture(path.join(dir, 'red-square.png'), {
    widthPx: 320,
    heightPx: 256,
    rgb: [220, 30, 30],
    rect: [96, 64, 224, 192],
  });
  await solid(path.join(dir, 'red.png'), 64, 64, [230, 20, 25]);
  await solid(path.join(dir, 'blue.png'), 64, 64, [20, 40, 220]);
});

afterAll(async () => {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function cosineGrid(
  grid: { data: Float32Array; dims: number; gridH: number; gridW: number },
  t: Float32Array,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < grid.gridH * grid.gridW; i++) {
    let dot = 0;
    let n = 0;
    for (let d = 0; d < grid.dims; d++) {
      const v = grid.data[i * grid.dims + d]!;
      dot += v * t[d]!;
      n += v * v;
    }
    out.push(n > 0 ? dot / Math.sqrt(n) : 0);
  }
  return out;
}

describe('inference engine on the starter bundle', () => {
  it('lists the starter bundle with its honest name', async () => {
    const models = await engine.listModels();
    const starter = models.find((m) => m.id === 'starter');
    expect(starter).toMatchObject({
      name: 'Starter — colour & texture (not semantic)',
      isStarter: true,
      hasText: true,
      hasMaskDecoder: false,
    });
    expect(engine.provider).toEqual({ requested: 'cpu', active: 'cpu' });
  });

  it('embeds an image: grid from the resolution policy, "red" highest exactly on the red patches', async () => {
    const e = await engine.embedImageFile(path.join(dir, 'red-square.png'), 'starter');
    // 320×256 → short side 512: 640×512 input, 40×32 patches.
    expect(e.mapping).toEqual({
      imageWidthPx: 320,
      imageHeightPx: 256,
      inputWidthPx: 640,
      inputHeightPx: 512,
      patchPx: 16,
    });
    expect([e.features.gridW, e.features.gridH, e.features.dims]).toEqual([40, 32, 24]);
    expect(e.textDense?.dims).toBe(11);
    const [red] = await engine.embedTexts('starter', ['red']);
    const cos = cosineGrid(e.textDense!, red!);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let row = 0; row < 32; row++) {
      for (let col = 0; col < 40; col++) {
        const truth = col >= 12 && col < 28 && row >= 8 && row < 24;
        const pred = cos[row * 40 + col]! > 0.5;
        if (truth && pred) tp++;
        else if (pred) fp++;
        else if (truth) fn++;
      }
    }
    expect(tp / (tp + fp + fn)).toBeGreaterThanOrEqual(0.95);
  });

  it('tags a red image "red" first and a blue image "blue" first', async () => {
    const labels = ['green', 'blue', 'red', 'grey'];
    const red = await tagImage(engine, path.join(dir, 'red.png'), 'starter', labels);
    expect(red[0]!.label).toBe('red');
    expect(red[0]!.score).toBeGreaterThan(0.9);
    const blue = await tagImage(engine, path.join(dir, 'blue.png'), 'starter', labels);
    expect(blue[0]!.label).toBe('blue');
    expect(blue.reduce((s, t) => s + t.probability, 0)).toBeCloseTo(1, 5);
  });

  it('embeds synonyms alike and refuses unknown words', async () => {
    const [grey, gray, violet, purple, red] = await engine.embedTexts('starter', [
      'grey',
      'Gray!',
      'violet',
      'purple',
      'RED',
    ]);
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot(grey!, gray!)).toBeCloseTo(1, 5);
    expect(dot(violet!, purple!)).toBeCloseTo(1, 5);
    expect(dot(red!, grey!)).toBeCloseTo(0, 5);
    expect(cache.getText('starter', 'red')).toBeDefined();
    await expect(engine.embedTexts('starter', ['red car'])).rejects.toThrow(OutOfVocabularyError);
    await expect(engine.embedTexts('starter', ['red car'])).rejects.toThrow(
      '"car" is not in the starter vocabulary (model "starter")',
    );
  });

  it('serves cache hits without the model, decoded from fp16', async () => {
    const key = { imageId: 1, modelId: 'starter', resolution: '512' };
    const file = path.join(dir, 'red-square.png');
    const miss = await engine.embedImageFile(file, 'starter', { cacheKey: key });
    const stored = cache.get(key)!;
    expect(stored.tensors.features!.data).toBeInstanceOf(Uint16Array);
    expect(stored.tensors.features!.dims).toEqual([32, 40, 24]);
    rmSync(file); // a hit must not even read the image
    const hit = await engine.embedImageFile(file, 'starter', { cacheKey: key });
    expect(hit.features.gridW).toBe(40);
    let maxErr = 0;
    miss.features.data.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - hit.features.data[i]!))));
    expect(maxErr).toBeLessThan(2e-3);
    expect(hit.textSummary?.length).toBe(11);
  });

  it('names the file when the image cannot be read, and the model when it does not exist', async () => {
    await expect(engine.embedImageFile(path.join(dir, 'nope.png'), 'starter')).rejects.toThrow('nope.png');
    await expect(engine.embedImageFile(path.join(dir, 'red.png'), 'no-such-model')).rejects.toThrow(
      'model bundle "no-such-model": id: no such model',
    );
  });
});
