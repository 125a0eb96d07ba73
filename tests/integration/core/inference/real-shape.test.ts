import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_SHAPE, writeRealShapeBundle } from '../../../../models/tools/real-shape-bundle';
import { createInferenceEngine, tagImage, type InferenceEngine } from '../../../../src-main/core/inference';
import { solid } from './synthetic-images';

let dir: string;
let engine: InferenceEngine;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-real-shape-'));
  writeRealShapeBundle(path.join(dir, 'bundles', 'real-shape'));
  await solid(path.join(dir, 'photo.png'), 640, 480, [90, 140, 60]);
  engine = createInferenceEngine({ dataDir: dir, modelDirs: [path.join(dir, 'bundles')] });
});

afterAll(async () => {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('a bundle with RADIO real shapes', () => {
  it('verifies (files, sha256, graph names and ranks)', async () => {
    const { manifest } = await engine.verifyModel('real-shape');
    expect(manifest.mask_decoder?.inputs.image_embeddings).toBe('image_embeddings');
  });

  it('embeds a 640×480 image at 512×512: 1024 patches × 768, text_dense × 1152, SAM grid 32×32×256', async () => {
    const e = await engine.embedImageFile(path.join(dir, 'photo.png'), 'real-shape');
    expect(e.mapping).toEqual({
      imageWidthPx: 640,
      imageHeightPx: 480,
      inputWidthPx: 512,
      inputHeightPx: 512,
      patchPx: 16,
    });
    expect([e.features.gridH, e.features.gridW, e.features.dims]).toEqual([32, 32, REAL_SHAPE.featureDims]);
    expect(e.features.data.length).toBe(1024 * 768);
    expect([e.textDense!.gridH, e.textDense!.gridW, e.textDense!.dims]).toEqual([
      32,
      32,
      REAL_SHAPE.textDims,
    ]);
    expect([e.samFeatures!.gridH, e.samFeatures!.gridW, e.samFeatures!.dims]).toEqual([32, 32, 256]);
    expect(e.summary.length).toBe(768);
    expect(e.textSummary!.length).toBe(1152);
    expect(Number.isFinite(e.features.data[12345]!)).toBe(true);
  });

  it('embeds text through a 64-token int64 tower into unit 1152-d vectors, template-averaged', async () => {
    const [cat, dog, cat2] = await engine.embedTexts('real-shape', ['cat', 'dog', 'Cat!']);
    expect(cat!.length).toBe(1152);
    expect(Math.hypot(...cat!)).toBeCloseTo(1, 5);
    expect(cat).toEqual(cat2);
    expect(cat).not.toEqual(dog);
    const tags = await tagImage(engine, path.join(dir, 'photo.png'), 'real-shape', ['cat', 'dog', 'tree']);
    expect(tags.map((t) => t.label).sort()).toEqual(['cat', 'dog', 'tree']);
  });

  it('embeds long label lists in chunks with the same result as one by one', async () => {
    const words =
      'a an the of photo picture image cat dog car person tree sky road building grass water red green blue'.split(
        ' ',
      );
    const labels = Array.from(
      { length: 45 },
      (_, i) => `${words[i % words.length]} ${words[(i * 7) % words.length]} ${i}`,
    );
    const all = await engine.embedTexts('real-shape', labels); // 45 labels × 2 templates = 90 prompts: 2 runs
    const [last] = await engine.embedTexts('real-shape', [labels[44]!]);
    expect(all).toHaveLength(45);
    expect(all[44]).toEqual(last);
    const fresh = createInferenceEngine({ dataDir: dir, modelDirs: [path.join(dir, 'bundles')] });
    try {
      const [alone] = await fresh.embedTexts('real-shape', [labels[44]!]);
      alone!.forEach((v, i) => expect(v).toBeCloseTo(last![i]!, 5));
    } finally {
      await fresh.dispose();
    }
  });

  it('runs the mask decoder with feeds named per the manifest', async () => {
    const e = await engine.embedImageFile(path.join(dir, 'photo.png'), 'real-shape');
    const g = e.samFeatures!;
    const nchw = new Float32Array(g.data.length);
    for (let i = 0; i < g.gridH * g.gridW; i++)
      for (let c = 0; c < g.dims; c++) nchw[c * g.gridH * g.gridW + i] = g.data[i * g.dims + c]!;
    const out = await engine.runMaskDecoder('real-shape', {
      image_embeddings: { type: 'float32', dims: [1, 256, 32, 32], data: nchw },
      point_coords: { type: 'float32', dims: [1, 1, 2], data: Float32Array.from([100, 200]) },
      point_labels: { type: 'float32', dims: [1, 1], data: Float32Array.from([1]) },
    });
    expect(out.masks!.dims).toEqual([1, 1, 128, 128]);
    expect(out.iou_predictions!.dims).toEqual([1, 1]);
    expect(nchw.length).toBe(256 * 1024); // the caller's buffer is copied, not detached
  });
});
