import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import { MemoryEmbeddingCache } from '../../../fixtures/inference/memory-cache';
import { radiolabel } from '../../../fixtures/cli/radiolabel';
import { connectedComponents } from '../../../../src-main/core/segment/components';
import { maskIou, unionMasks } from '../../../../src-main/core/segment/mask-ops';
import { decodeRle, rleArea } from '../../../../src-main/core/segment/rle';
import { segmentImageFile, type SegmentImageResult } from '../../../../src-main/core/segment/segment-image';
import { classMask, makeScene, writeScenePng, type Scene } from '../../../fixtures/segment/synthetic-scene';

// The real starter bundle (colour/texture features) on generated scenes with pixel ground truth.
const W = 640;
const H = 512;
let dir: string;
let engine: InferenceEngine;
let scene: Scene;
let bridged: Scene;
let sceneFile: string;
let bridgedFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-segment-'));
  engine = createInferenceEngine({ dataDir: dir, cache: new MemoryEmbeddingCache() });
  scene = makeScene(W, H, W, H, 3);
  bridged = makeScene(W, H, W, H, 4, true);
  sceneFile = path.join(dir, 'scene.png');
  bridgedFile = path.join(dir, 'bridged.png');
  await writeScenePng(scene, sceneFile);
  await writeScenePng(bridged, bridgedFile);
});

afterAll(async () => {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Cached encoder passes: each file is embedded once across the tests. */
const cached = (file: string) => ({
  cacheKey: { imageId: file === sceneFile ? 1 : 2, modelId: 'starter', resolution: 'default' },
});

function unionOfInstances(res: SegmentImageResult, label?: string): Uint8Array {
  return res.instances
    .filter((i) => label === undefined || i.label === label)
    .map((i) => decodeRle(i.rle))
    .reduce((a, b) => unionMasks(a, b), new Uint8Array(W * H));
}

function overlap(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i]! & b[i]!;
  return n;
}

function ringOf(s: Scene): Uint8Array {
  const red = classMask(s, 'red');
  const cc = connectedComponents(red, W, H);
  const l = cc.labels[80 * W + 170]!;
  return red.map((_, i) => (cc.labels[i] === l ? 1 : 0));
}

describe('segmentation with the starter bundle', () => {
  it('--text red: IoU ≥ 0.9 with the drawn red shapes, no instance on other colours', async () => {
    const res = await segmentImageFile(
      engine,
      sceneFile,
      'starter',
      { kind: 'text', prompts: ['red'] },
      cached(sceneFile),
    );
    expect(res).toMatchObject({ width: W, height: H, model: 'starter', method: 'text' });
    expect(res.instances.map((i) => i.label)).toEqual(['red', 'red']);
    const got = unionOfInstances(res);
    expect(maskIou(got, classMask(scene, 'red'))).toBeGreaterThanOrEqual(0.9);
    for (const other of ['blue', 'green'] as const) expect(overlap(got, classMask(scene, other))).toBe(0);
    for (const inst of res.instances) {
      expect(inst.rle.size).toEqual([H, W]);
      expect(rleArea(inst.rle)).toBe(inst.area);
      expect(inst.polygons.length).toBeGreaterThan(0);
    }
    // The ring's hole is a hole: two rings for that instance.
    expect(res.instances.some((i) => i.polygons.length === 2)).toBe(true);
  });

  it('several colour prompts each find their shapes', async () => {
    const res = await segmentImageFile(
      engine,
      sceneFile,
      'starter',
      {
        kind: 'text',
        prompts: ['blue', 'green'],
      },
      cached(sceneFile),
    );
    expect(maskIou(unionOfInstances(res, 'blue'), classMask(scene, 'blue'))).toBeGreaterThanOrEqual(0.9);
    expect(maskIou(unionOfInstances(res, 'green'), classMask(scene, 'green'))).toBeGreaterThanOrEqual(0.9);
    expect(overlap(unionOfInstances(res), classMask(scene, 'red'))).toBe(0);
  });

  it('a click inside a shape gives IoU ≥ 0.9 with that shape', async () => {
    const res = await segmentImageFile(
      engine,
      sceneFile,
      'starter',
      {
        kind: 'prompt',
        clicks: [{ xPx: 170, yPx: 80, positive: true }],
      },
      cached(sceneFile),
    );
    expect(res.method).toBe('similarity');
    expect(res.instances).toHaveLength(1);
    expect(maskIou(decodeRle(res.instances[0]!.rle), ringOf(scene))).toBeGreaterThanOrEqual(0.9);
  });

  it('a negative click removes the region it hits', async () => {
    const pos = { xPx: 170, yPx: 80, positive: true };
    const before = await segmentImageFile(
      engine,
      bridgedFile,
      'starter',
      { kind: 'prompt', clicks: [pos] },
      cached(bridgedFile),
    );
    const rect = new Uint8Array(W * H);
    for (let y = 300; y < 460; y++) for (let x = 380; x < 580; x++) rect[y * W + x] = 1;
    expect(overlap(decodeRle(before.instances[0]!.rle), rect)).toBeGreaterThan(30_000);
    const after = await segmentImageFile(
      engine,
      bridgedFile,
      'starter',
      {
        kind: 'prompt',
        clicks: [pos, { xPx: 520, yPx: 420, positive: false }],
      },
      cached(bridgedFile),
    );
    const mask = decodeRle(after.instances[0]!.rle);
    expect(overlap(mask, rect)).toBe(0);
    expect(overlap(mask, ringOf(bridged)) / rleArea(after.instances[0]!.rle)).toBeGreaterThan(0.8);
  });

  it('a box selects the object inside it', async () => {
    const res = await segmentImageFile(
      engine,
      sceneFile,
      'starter',
      {
        kind: 'prompt',
        clicks: [],
        box: { x: 380, y: 40, widthPx: 240, heightPx: 220 },
      },
      cached(sceneFile),
    );
    expect(res.instances[0]!.label).toBe('box');
    expect(maskIou(decodeRle(res.instances[0]!.rle), classMask(scene, 'blue'))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('radiolabel segment (through the CLI runner)', () => {
  async function cli(...argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
    const run = await radiolabel(dir, ['segment', ...argv]);
    return { code: run.code, out: run.json ?? null, err: run.stderr };
  }

  it('prints width, height, model and instances', async () => {
    const { code, out } = await cli(
      sceneFile,
      '--model',
      'starter',
      '--text',
      'red',
      '--no-refine',
      '--json',
    );
    expect(code).toBe(0);
    const res = out as {
      width: number;
      height: number;
      model: string;
      method: string;
      instances: Record<string, unknown>[];
    };
    expect(Object.keys(res)).toEqual(['width', 'height', 'model', 'method', 'instances']);
    expect([res.width, res.height, res.model, res.method]).toEqual([W, H, 'starter', 'text']);
    expect(Object.keys(res.instances[0]!)).toEqual(['label', 'score', 'area', 'bbox', 'rle', 'polygons']);
    expect(res.instances.map((i) => i.label)).toEqual(['red', 'red']);
  });

  it('gives clear errors and exit code 2 for bad input', async () => {
    const cases: [string[], RegExp][] = [
      [
        [path.join(dir, 'missing.png'), '--model', 'starter', '--text', 'red'],
        /image not found: .*missing\.png/,
      ],
      [[sceneFile, '--model', 'nope', '--text', 'red'], /unknown model "nope" \(installed: .*starter/],
      [
        [sceneFile, '--model', 'starter', '--click', '700,10'],
        /click 1 at \(700, 10\) is outside the 640×512 image/,
      ],
      [[sceneFile, '--model', 'starter', '--text', 'zebra'], /"zebra" is not in the .* vocabulary/],
      [[sceneFile, '--model', 'starter', '--click', '1;2'], /--click must be x,y/],
      [[sceneFile, '--model', 'starter', '--box', '1,2,0,5'], /--box: a box needs a positive width/],
      [
        [sceneFile, '--model', 'starter', '--threshold', '2', '--text', 'red'],
        /--threshold: Too big: expected number to be <1 \(got "2"\)/,
      ],
      [[sceneFile, '--model', 'starter'], /--text: give text prompts, or clicks and\/or a box/],
    ];
    for (const [argv, message] of cases) {
      const { code, err, out } = await cli(...argv);
      expect({ code, out }, argv.join(' ')).toEqual({ code: 2, out: null });
      expect(err).toMatch(message);
    }
  });
});
