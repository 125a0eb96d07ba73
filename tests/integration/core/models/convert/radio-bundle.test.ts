import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../../../../src-main/cli/commands';
import { runCli } from '../../../../../src-main/cli/run-cli';
import {
  createInferenceEngine,
  tagImage,
  type InferenceEngine,
} from '../../../../../src-main/core/inference';
import { MemoryEmbeddingCache } from '../../../../fixtures/inference/memory-cache';
import { preprocessImageFile } from '../../../../../src-main/core/inference/preprocess';
import { canonicalize, TextTokenizer } from '../../../../../src-main/core/inference/tokenizer';
import { convertRadioCheckpoint } from '../../../../../src-main/core/models/convert';
import type { BundleManifest } from '../../../../../src-main/core/models/manifest';
import { decodeRle } from '../../../../../src-main/core/segment/rle';
import { segmentImageFile } from '../../../../../src-main/core/segment/segment-image';
import { cosine } from '../../../../fixtures/radio/compare';
import { referenceRadio } from '../../../../fixtures/radio/reference-radio';
import { referenceSiglipText } from '../../../../fixtures/radio/reference-siglip';
import { TINY_RADIO, writeSyntheticRadio } from '../../../../fixtures/radio/synthetic-radio';
import { TINY_SIGLIP2, writeSyntheticSiglip2 } from '../../../../fixtures/radio/synthetic-siglip2';
import { shapeOnTexture } from '../../inference/synthetic-images';

// A converted tiny checkpoint, installed and used the way a user would: `models install <folder>`,
// `models verify`, then the app's engine (embed, text prompt "cat", click, tags).
const ID = 'tiny-radio-e2e';
let dir: string;
let bundle: string;
let manifest: BundleManifest;
let engine: InferenceEngine;
let photo: string;

async function cli(...argv: string[]): Promise<{ code: number; out: Record<string, unknown>; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(
    allCommands,
    argv,
    { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    dir,
  );
  return {
    code,
    out: stdout.length ? (JSON.parse(stdout.join('\n')) as Record<string, unknown>) : {},
    err: stderr.join('\n'),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-radio-bundle-'));
  writeSyntheticRadio(path.join(dir, 'ckpt'), TINY_RADIO);
  writeSyntheticSiglip2(path.join(dir, 'text'), TINY_SIGLIP2);
  bundle = path.join(dir, 'converted');
  manifest = await convertRadioCheckpoint({
    checkpointDir: path.join(dir, 'ckpt'),
    textTowerDir: path.join(dir, 'text'),
    outDir: bundle,
    resolution: { heightPx: 64, widthPx: 96 },
    meta: { id: ID, name: 'Tiny RADIO (synthetic)', license: 'test only', sourceUrl: 'tests/fixtures/radio' },
  });
  photo = path.join(dir, 'photo.png');
  await shapeOnTexture(photo, { widthPx: 300, heightPx: 200, rgb: [200, 60, 40], rect: [40, 30, 140, 120] });
  engine = createInferenceEngine({ dataDir: dir, cache: new MemoryEmbeddingCache() });
});

afterAll(async () => {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('a converted RADIO bundle in the app', () => {
  it('installs from its folder and passes `models verify` (files, sha256, external data, graph names)', async () => {
    const install = await cli('models', 'install', bundle, '--json');
    expect(install.code, install.err).toBe(0);
    const verify = await cli('models', 'verify', ID, '--json');
    expect(verify.code, verify.err).toBe(0);
    expect(verify.out).toMatchObject({ ok: true, id: ID });
    expect(manifest.encoder.external_data.map((d) => d.file)).toEqual(['encoder.onnx.data']);
    expect(manifest.text?.external_data.map((d) => d.file)).toEqual(['text.onnx.data']);
  });

  it('embeds a photo exactly as the reference forward pass does on the same pixels', async () => {
    const e = await engine.embedImageFile(photo, ID);
    expect([e.features.gridH, e.features.gridW, e.features.dims]).toEqual([4, 6, 64]);
    expect([e.textDense!.gridH, e.textDense!.gridW, e.textDense!.dims]).toEqual([4, 6, 32]);
    expect([e.samFeatures!.gridH, e.samFeatures!.gridW, e.samFeatures!.dims]).toEqual([4, 6, 40]);
    const pre = await preprocessImageFile(photo, manifest);
    const want = referenceRadio(path.join(dir, 'ckpt'), pre.pixels, 64, 96, {
      language: 'siglip2-g',
      sam: 'sam',
    });
    expect(cosine(e.summary, want.summary)).toBeGreaterThan(0.99999);
    expect(cosine(e.features.data, want.features)).toBeGreaterThan(0.99999);
    expect(cosine(e.textDense!.data, want.text_dense!)).toBeGreaterThan(0.99999);
    expect(cosine(e.textSummary!, want.text_summary!)).toBeGreaterThan(0.99999);
    expect(cosine(e.samFeatures!.data, want.sam_features!)).toBeGreaterThan(0.99999);
  });

  it('"cat" becomes the template-averaged SigLIP2 embedding in the text_dense space', async () => {
    const [cat] = await engine.embedTexts(ID, ['Cat']);
    const spec = manifest.text!;
    const tok = await TextTokenizer.load(bundle, spec, ID, 'tiny');
    const mean = new Float64Array(spec.dim);
    for (const tpl of spec.templates) {
      const ids = tok.encodeOne(canonicalize(tpl.replace('{}', 'cat'), spec.canonicalize));
      const padded = [...ids, ...Array<number>(spec.max_length - ids.length).fill(spec.pad_token_id)];
      const v = referenceSiglipText(path.join(dir, 'text'), padded);
      const n = Math.hypot(...v);
      v.forEach((x, i) => (mean[i] = mean[i]! + x / n / spec.templates.length));
    }
    expect(cat!.length).toBe(32);
    expect(cosine(cat!, mean)).toBeGreaterThan(0.99999);
  });

  it('segments with the text prompt "cat": heatmap = softmax(100·cos) of text_dense against "cat" and "background"', async () => {
    const res = await segmentImageFile(engine, photo, ID, { kind: 'text', prompts: ['cat'] });
    expect(res.method).toBe('text');
    const heat = res.heatmaps![0]!;
    expect([heat.gridW, heat.gridH]).toEqual([6, 4]);
    const e = await engine.embedImageFile(photo, ID);
    const [cat, background] = await engine.embedTexts(ID, ['cat', 'background']);
    const cell = (i: number) => e.textDense!.data.subarray(i * 32, (i + 1) * 32);
    const expected = Array.from({ length: 24 }, (_, i) => {
      const p = 1 / (1 + Math.exp(100 * (cosine(cell(i), background!) - cosine(cell(i), cat!))));
      return Math.round(255 * p);
    });
    expect(new Set(expected).size).toBeGreaterThan(1); // the map is not flat
    Array.from(heat.data).forEach((v, i) =>
      expect(Math.abs(v - expected[i]!), `cell ${i}`).toBeLessThanOrEqual(1),
    );
  });

  it('segments by click (similarity path: the bundle has no mask decoder) and the mask holds the click', async () => {
    const res = await segmentImageFile(engine, photo, ID, {
      kind: 'prompt',
      clicks: [{ xPx: 90, yPx: 70, positive: true }],
    });
    expect(res.method).toBe('similarity');
    expect(res.instances).toHaveLength(1);
    const mask = decodeRle(res.instances[0]!.rle);
    expect(mask[70 * 300 + 90]).toBe(1);
  });

  it('tags the photo by cosine between text_summary and the label embeddings', async () => {
    const labels = ['cat', 'dog', 'car', 'tree'];
    const tags = await tagImage(engine, photo, ID, labels);
    const e = await engine.embedImageFile(photo, ID);
    const texts = await engine.embedTexts(ID, labels);
    const expected = labels
      .map((label, i) => ({ label, score: cosine(e.textSummary!, texts[i]!) }))
      .sort((a, b) => b.score - a.score);
    expect(tags.map((t) => t.label)).toEqual(expected.map((t) => t.label));
    tags.forEach((t, i) => expect(t.score).toBeCloseTo(expected[i]!.score, 5));
  });
});
