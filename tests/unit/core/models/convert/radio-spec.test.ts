import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkpoint } from '../../../../../src-main/core/models/convert/checkpoint';
import { convertRadioCheckpoint } from '../../../../../src-main/core/models/convert';
import { radioConfigSchema } from '../../../../../src-main/core/models/convert/radio-config';
import { inspectRadio } from '../../../../../src-main/core/models/convert/radio-spec';
import { TINY_RADIO, writeSyntheticRadio } from '../../../../fixtures/radio/synthetic-radio';

// What the converter reads from a checkpoint's config AND weights, and how it refuses what it cannot
// convert (each message names the file and the field or tensor).
let dir: string;
let ckptDir: string;
let config: Record<string, unknown>;
const meta = { id: 'x', name: 'x', license: 'x', sourceUrl: 'x' };

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-radio-spec-'));
  ckptDir = path.join(dir, 'ckpt');
  writeSyntheticRadio(ckptDir, TINY_RADIO);
  config = JSON.parse(readFileSync(path.join(ckptDir, 'config.json'), 'utf8')) as Record<string, unknown>;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inspect(
  mutate: (c: Record<string, unknown> & { args: Record<string, unknown> }) => void = () => undefined,
) {
  const c = structuredClone(config) as Record<string, unknown> & { args: Record<string, unknown> };
  mutate(c);
  const ckpt = Checkpoint.open(ckptDir);
  try {
    return inspectRadio(radioConfigSchema.parse(c), ckpt, 'config.json');
  } finally {
    ckpt.close();
  }
}

describe('inspectRadio', () => {
  it('reads the architecture from the weights and the config (adaptor_names is null, as NVIDIA pushes)', () => {
    const s = inspect();
    expect(s).toMatchObject({
      embedDim: 64,
      numHeads: 4,
      patchSize: 16,
      posGrid: 8,
      cpeMode: true,
      numClsTokens: 4,
      numRegisters: 4,
      finalNorm: false,
      featureNormalizer: true,
      summaryIdxs: [0, 1, 2],
      minResolutionStep: 16,
    });
    expect(s.blocks).toHaveLength(2);
    expect(s.blocks[0]).toMatchObject({ qkvBias: true, projBias: true, mlpNorm: false, lnScale: 1 });
    expect(s.blocks[0]!.layerScale?.ls1).toBe('radio_model.model.blocks.0.ls1.grandma');
    expect([...s.adaptors.keys()]).toEqual(['clip', 'sam', 'siglip2-g']);
    expect(s.adaptors.get('siglip2-g')).toMatchObject({
      tokenIndex: 1,
      head: { version: 'v2', inputDim: 64, hiddenDim: 64, outputDim: 32, numInner: 1, upsampleFactor: 1 },
    });
    expect(s.inputMean[0]).toBeCloseTo(0.48145466, 6);
  });

  it('takes head_idx from args.teachers when adaptor_configs lacks the adaptor (hf_hub.py rule)', () => {
    const s = inspect((c) => {
      c.adaptor_configs = {};
    });
    expect(s.adaptors.get('sam')?.tokenIndex).toBe(3);
  });

  it('uses vitdet_window_size in the resolution step', () => {
    expect(inspect((c) => (c.vitdet_window_size = 8)).minResolutionStep).toBe(128);
  });

  it.each([
    [
      (c: Record<string, unknown>) => (c.patch_size = 14),
      'patch_size: 14, but the patch embedding is for 16-px patches',
    ],
    [
      (c: { args: Record<string, unknown> }) => (c.args.model = 'eradio'),
      'args.model: "eradio" is not a supported ViT',
    ],
    [
      (c: { args: Record<string, unknown> }) => (c.args.register_multiple = 16),
      'give 12 registers after 4 class tokens, but "radio_model.model.patch_generator.cls_token.token" holds 4',
    ],
    [
      (c: { args: Record<string, unknown> }) => (c.args.model_kwargs = { embed_dim: 64, num_heads: 5 }),
      'width 64 is not divisible by 5 heads',
    ],
    [
      (c: { args: Record<string, unknown> }) => (c.args.mlp_version = 'attn'),
      'MLP version "attn" is not supported',
    ],
    [
      (c: Record<string, unknown>) => (c.adaptor_names = ['dino_v2']),
      'config names adaptor "dino_v2", but there are no',
    ],
    [
      (c: { args: Record<string, unknown> }) => (c.args.model_norm = true),
      'missing tensor "radio_model.model.norm.weight"',
    ],
  ] as const)('refuses a bad config (%#)', (mutate, message) => {
    expect(() =>
      inspect(mutate as (c: Record<string, unknown> & { args: Record<string, unknown> }) => void),
    ).toThrow(message);
  });

  it('refuses adaptor_configs that disagree with the weights', () => {
    expect(() =>
      inspect((c) => {
        const a = (c.adaptor_configs as Record<string, { summary: { output_dim: number } }>)['clip']!;
        a.summary.output_dim = 99;
      }),
    ).toThrow(
      'adaptor_configs.clip.summary: config says in/hidden/out/inner 64/48/99/0, the weights have 64/48/24/0',
    );
  });
});

describe('convertRadioCheckpoint refusals', () => {
  it('refuses a resolution off the patch grid and leaves no folder behind', async () => {
    const out = path.join(dir, 'bad-res');
    await expect(
      convertRadioCheckpoint({ checkpointDir: ckptDir, outDir: out, resolution: 100, meta }),
    ).rejects.toThrow('resolution height 100 must be a positive multiple of 16');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an adaptor the checkpoint does not have, leaving nothing behind', async () => {
    const out = path.join(dir, 'bad-lang');
    await expect(
      convertRadioCheckpoint({
        checkpointDir: ckptDir,
        outDir: out,
        resolution: 64,
        adaptors: { language: 'nope' },
        meta,
      }),
    ).rejects.toThrow(
      'adaptors.language: the checkpoint has no adaptor "nope" (it has clip, sam, siglip2-g)',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names a folder without weights and leaves no output folder behind', async () => {
    const out = path.join(dir, 'no-weights');
    await expect(
      convertRadioCheckpoint({ checkpointDir: path.join(dir, 'nowhere'), outDir: out, resolution: 64, meta }),
    ).rejects.toThrow('has neither model.safetensors nor model.safetensors.index.json');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a non-empty output folder without touching it', async () => {
    const out = path.join(dir, 'busy');
    await convertRadioCheckpoint({ checkpointDir: ckptDir, outDir: out, resolution: 64, meta });
    writeFileSync(path.join(out, 'mine.txt'), 'keep');
    await expect(
      convertRadioCheckpoint({ checkpointDir: ckptDir, outDir: out, resolution: 64, meta }),
    ).rejects.toThrow('is not empty');
    expect(readdirSync(out).sort()).toEqual([
      'encoder.onnx',
      'encoder.onnx.data',
      'manifest.json',
      'mine.txt',
    ]);
  });

  it('stops between blocks when its signal is aborted and removes what it wrote', async () => {
    const out = path.join(dir, 'aborted');
    const ac = new AbortController();
    const seen: number[] = [];
    await expect(
      convertRadioCheckpoint({
        checkpointDir: ckptDir,
        outDir: out,
        resolution: 64,
        meta,
        signal: ac.signal,
        onProgress: (e) => {
          if (e.kind === 'layer') {
            seen.push(e.done);
            ac.abort(new Error('user cancelled'));
          }
        },
      }),
    ).rejects.toThrow('user cancelled');
    expect(seen).toEqual([1]);
    expect(existsSync(out)).toBe(false);
  });
});
