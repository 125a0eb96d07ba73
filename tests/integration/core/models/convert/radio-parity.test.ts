import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../../../src-main/core/inference/tokenizer';
import {
  convertRadioCheckpoint,
  type ConvertRadioOptions,
} from '../../../../../src-main/core/models/convert';
import type { BundleManifest } from '../../../../../src-main/core/models/manifest';
import { seededRandom } from '../../../../../src-main/core/random';
import { cosine, relError } from '../../../../fixtures/radio/compare';
import { referenceRadio, type ReferenceOutputs } from '../../../../fixtures/radio/reference-radio';
import { referenceSiglipText } from '../../../../fixtures/radio/reference-siglip';
import {
  TINY_RADIO,
  TINY_RADIO_VARIANT,
  writeSyntheticRadio,
} from '../../../../fixtures/radio/synthetic-radio';
import {
  buildVocab,
  TINY_SIGLIP2,
  writeSyntheticSiglip2,
} from '../../../../fixtures/radio/synthetic-siglip2';

// The converted graphs (onnxruntime-node, external data loaded from the bundle folder) against the
// float64 reference forward passes, on checkpoints in the official HF layout.
let dir: string;
const vocabIds = buildVocab().vocab;
const meta = { id: 'tiny-radio', name: 'tiny', license: 'test only', sourceUrl: 'tests/fixtures/radio' };

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-radio-parity-'));
  writeSyntheticRadio(path.join(dir, 'ckpt'), TINY_RADIO);
  writeSyntheticRadio(path.join(dir, 'variant'), TINY_RADIO_VARIANT);
  writeSyntheticSiglip2(path.join(dir, 'text'), TINY_SIGLIP2);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pixels(h: number, w: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: 3 * h * w }, () => r());
}

async function convert(
  name: string,
  o: Partial<ConvertRadioOptions>,
): Promise<{ out: string; manifest: BundleManifest }> {
  const out = path.join(dir, name);
  const manifest = await convertRadioCheckpoint({
    checkpointDir: path.join(dir, 'ckpt'),
    outDir: out,
    resolution: 64,
    meta,
    ...o,
  });
  return { out, manifest };
}

async function runEncoder(
  file: string,
  x: Float32Array,
  h: number,
  w: number,
): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(file);
  try {
    return await s.run({ pixel_values: new ort.Tensor('float32', x, [1, 3, h, w]) });
  } finally {
    await s.release();
  }
}

async function encoderErrors(
  out: string,
  ckpt: string,
  h: number,
  w: number,
  heads: { language?: string; sam?: string },
) {
  const x = pixels(h, w, h * 1000 + w);
  const got = await runEncoder(path.join(out, 'encoder.onnx'), x, h, w);
  const want = referenceRadio(path.join(dir, ckpt), x, h, w, heads);
  const errors: Record<string, number> = {};
  for (const key of Object.keys(want) as (keyof ReferenceOutputs)[]) {
    const t = got[key];
    expect(t, `output ${key}`).toBeDefined();
    errors[key] = relError(t!.data as Float32Array, want[key]!);
  }
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  return { errors, got };
}

describe('RADIO encoder parity with the float64 reference', () => {
  const heads = { language: 'siglip2-g', sam: 'sam' };

  it.each([
    [64, 96],
    [96, 64],
    [160, 112],
  ])('fp32 at %i×%i (H×W): every output within 1e-4 relative', async (h, w) => {
    const { out, manifest } = await convert(`fp32-${h}x${w}`, {
      resolution: { heightPx: h, widthPx: w },
      textTowerDir: path.join(dir, 'text'),
    });
    expect(manifest.encoder.resolution).toEqual({ kind: 'fixed', width: w, height: h });
    const { errors, got } = await encoderErrors(out, 'ckpt', h, w, heads);
    const N = (h / 16) * (w / 16);
    expect(got.summary!.dims).toEqual([1, 3 * 64]);
    expect(got.features!.dims).toEqual([1, N, 64]);
    expect(got.text_dense!.dims).toEqual([1, N, 32]);
    expect(got.text_summary!.dims).toEqual([1, 32]);
    expect(got.sam_features!.dims).toEqual([1, N, 40]);
    for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(1e-4);
  });

  it('fp16 weights: every output within 1e-2 relative, half the weight bytes', async () => {
    const fp32 = path.join(dir, 'fp32-64x96');
    const { out, manifest } = await convert('fp16', {
      resolution: { heightPx: 64, widthPx: 96 },
      dtype: 'fp16',
      adaptors: { language: 'siglip2-g' },
    });
    const { errors } = await encoderErrors(out, 'ckpt', 64, 96, heads);
    for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(1e-2);
    expect(Math.max(...Object.values(errors))).toBeGreaterThan(1e-6); // really stored as fp16
    const size = (d: string) => readFileSync(path.join(d, 'encoder.onnx.data')).length;
    expect(size(out)).toBeLessThan(0.6 * size(fp32));
    expect(manifest.encoder.external_data).toHaveLength(1);
  });

  it('int8 weights: encoder and text tower keep their direction (cosine > 0.999) — figures in `npm run bench -- convert`', async () => {
    const { out, manifest } = await convert('int8', {
      resolution: { heightPx: 64, widthPx: 96 },
      dtype: 'int8',
      textTowerDir: path.join(dir, 'text'),
    });
    const x = pixels(64, 96, 5);
    const got = await runEncoder(path.join(out, 'encoder.onnx'), x, 64, 96);
    const want = referenceRadio(path.join(dir, 'ckpt'), x, 64, 96, heads);
    for (const key of ['summary', 'features', 'text_dense', 'sam_features'] as const) {
      expect(cosine(got[key]!.data as Float32Array, want[key]!), key).toBeGreaterThan(0.999);
    }
    const ids = ['a', '▁photo', '▁of', '▁a', '▁cat'].map((t) => vocabIds[t]!).concat([1]);
    const padded = [...ids, ...Array<number>(64 - ids.length).fill(0)];
    const s = await ort.InferenceSession.create(path.join(out, manifest.text!.file));
    const res = await s.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(padded, BigInt), [1, 64]),
    });
    await s.release();
    const text = referenceSiglipText(path.join(dir, 'text'), padded);
    expect(cosine(res.text_embeds!.data as Float32Array, text)).toBeGreaterThan(0.999);
  });

  it('the other branches (final norm, FeatSharp ×2, BF16 backbone, no normaliser/LayerScale, head_idx from teachers) match too', async () => {
    const out = path.join(dir, 'variant-out');
    const notes: string[] = [];
    await convertRadioCheckpoint({
      checkpointDir: path.join(dir, 'variant'),
      outDir: out,
      resolution: { heightPx: 96, widthPx: 64 },
      adaptors: { language: 'siglip2-g' },
      meta,
      onProgress: (e) => e.kind === 'note' && notes.push(e.message),
    });
    const { errors, got } = await encoderErrors(out, 'variant', 96, 64, {
      language: 'siglip2-g',
      sam: 'sam',
    });
    expect(got.sam_features!.dims).toEqual([1, 24 * 4, 12]);
    expect(got.summary!.dims).toEqual([1, 48]);
    for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(1e-4);
    expect(notes.some((n) => n.includes('pre_norm'))).toBe(true);
  });
});

describe('SigLIP2 text tower parity', () => {
  it('tokenises like SigLIP2 (no <bos>, <eos> kept, right-padded to 64) and matches the reference at batch 3', async () => {
    const out = path.join(dir, 'fp32-64x96');
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as BundleManifest;
    const spec = m.text!;
    expect(spec).toMatchObject({
      max_length: 64,
      padding: 'max_length',
      padding_side: 'right',
      pad_token_id: 0,
      dim: 32,
    });
    expect(spec.attention_mask).toBeUndefined(); // SigLIP2's processor returns input_ids only
    const tok = await TextTokenizer.load(out, spec, m.id, 'tiny');
    const { vocab } = buildVocab();
    const prompts = ['a photo of a cat', 'dog', 'itap of a red car'];
    const batch = tok.encodeBatch(prompts);
    const row = (r: number) => Array.from(batch.ids.subarray(r * 64, (r + 1) * 64), Number);
    expect(row(1).slice(0, 5)).toEqual([vocab.dog, 1, 0, 0, 0]);
    expect(row(0).slice(0, 7)).toEqual([
      vocab.a,
      vocab['▁photo'],
      vocab['▁of'],
      vocab['▁a'],
      vocab['▁cat'],
      1,
      0,
    ]);

    const s = await ort.InferenceSession.create(path.join(out, spec.file));
    const res = await s.run({ [spec.input_ids]: new ort.Tensor('int64', batch.ids, batch.dims) });
    await s.release();
    const got = res[spec.output]!;
    expect(got.dims).toEqual([3, 32]);
    prompts.forEach((_, r) => {
      const want = referenceSiglipText(path.join(dir, 'text'), row(r));
      expect(relError((got.data as Float32Array).subarray(r * 32, (r + 1) * 32), want)).toBeLessThan(1e-4);
    });
    expect(existsSync(path.join(out, 'text.onnx.data'))).toBe(true);
  });
});
