import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../../src-main/core/errors';
import { type ConvertProgress } from '../../../../../src-main/core/models/convert';
import { convertRadioInWorker, convertSamInWorker } from '../../../../../src-main/core/models/convert-worker';
import { type ConvertCheckpointOptions } from '../../../../../src-main/core/models/converters';
import { bundleManifestSchema } from '../../../../../src-main/core/models/manifest';
import { rejectionOf } from '../../../../fixtures/rejection';
import { TINY_RADIO, writeSyntheticRadio } from '../../../../fixtures/radio/synthetic-radio';
import { TINY_SIGLIP2, writeSyntheticSiglip2 } from '../../../../fixtures/radio/synthetic-siglip2';
import { OFFICIAL_SAM } from '../../../../fixtures/models/official-hub';
import { writeSyntheticSamCheckpoint } from '../../../../fixtures/sam/synthetic-sam-checkpoint';

// The built-in converters run in a worker thread: the app's thread stays free, progress and cancel
// still reach the caller, and a bad checkpoint is a model error that names its file.
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-convert-worker-'));
  writeSyntheticRadio(path.join(tmp, 'ckpt'), TINY_RADIO);
  writeSyntheticSiglip2(path.join(tmp, 'text'), TINY_SIGLIP2);
  writeSyntheticSamCheckpoint(path.join(tmp, 'sam'), OFFICIAL_SAM);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function options(outDir: string, extra: Partial<ConvertCheckpointOptions> = {}): ConvertCheckpointOptions {
  mkdirSync(outDir, { recursive: true });
  return {
    checkpointDir: path.join(tmp, 'ckpt'),
    textTowerDir: path.join(tmp, 'text'),
    outDir,
    resolution: 64,
    dtype: 'fp32',
    adaptors: { language: 'siglip2-g', sam: 'sam' },
    meta: {
      id: 'tiny-worker',
      name: 'Tiny (worker)',
      license: 'test',
      sourceUrl: 'tests',
      description: 'test',
    },
    ...extra,
  };
}

/** Blocks this thread (no event loop turns) until `file` exists; fails after a generous bound. */
function blockUntilExists(file: string, boundMs: number): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + boundMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline)
      throw new Error(`${file} did not appear within ${boundMs} ms while this thread was blocked`);
    Atomics.wait(cell, 0, 0, 10);
  }
}

describe('checkpoint conversion in a worker thread', () => {
  it('converts the whole bundle while the calling thread is blocked, reporting every block', async () => {
    const outDir = path.join(tmp, 'blocked');
    const events: ConvertProgress[] = [];
    const done = convertRadioInWorker(options(outDir, { onProgress: (p) => events.push(p) }));
    // Nothing on this thread runs until the manifest exists: only another thread can have written it.
    blockUntilExists(path.join(outDir, 'manifest.json'), 120_000);
    const manifest = bundleManifestSchema.parse(await done);
    expect(manifest.id).toBe('tiny-worker');
    expect(Object.keys(manifest.encoder.outputs).sort()).toEqual([
      'features',
      'sam_features',
      'summary',
      'text_dense',
      'text_summary',
    ]);
    expect(readdirSync(outDir).sort()).toEqual([
      'encoder.onnx',
      'encoder.onnx.data',
      'manifest.json',
      'text.onnx',
      'text.onnx.data',
      'tokenizer.json',
    ]);
    const layers = events.flatMap((e) => (e.kind === 'layer' ? [`${e.part} ${e.done}/${e.total}`] : []));
    expect(layers).toEqual([
      ...Array.from({ length: TINY_RADIO.depth }, (_, i) => `encoder ${i + 1}/${TINY_RADIO.depth}`),
      ...Array.from({ length: TINY_SIGLIP2.layers }, (_, i) => `text ${i + 1}/${TINY_SIGLIP2.layers}`),
    ]);
    expect(events.filter((e) => e.kind === 'stage').map((e) => (e.kind === 'stage' ? e.stage : ''))).toEqual([
      'inspect',
      'encoder',
      'text',
      'manifest',
    ]);
  });

  it('a cancel reaches the converter between blocks; what it wrote is removed', async () => {
    const outDir = path.join(tmp, 'cancelled');
    const controller = new AbortController();
    const events: ConvertProgress[] = [];
    const conversion = convertRadioInWorker(
      options(outDir, { signal: controller.signal, onProgress: (p) => events.push(p) }),
    );
    // Queued right behind the start message, so the worker has it before its first block boundary (the
    // converter has opened encoder.onnx.data by then): no race with a conversion this small.
    controller.abort();
    const err = await rejectionOf(conversion);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'cancelled', message: 'The conversion was cancelled.' });
    expect(readdirSync(outDir)).toEqual([]);
    expect(events.some((e) => e.kind === 'stage' && e.stage === 'manifest')).toBe(false);
  });

  it('a checkpoint that does not convert is a model error naming its file', async () => {
    const broken = path.join(tmp, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'config.json'), '{"args": 3}');
    writeFileSync(path.join(broken, 'model.safetensors'), Buffer.alloc(16));
    const err = await rejectionOf(
      convertRadioInWorker(
        options(path.join(tmp, 'broken-out'), { checkpointDir: broken, textTowerDir: undefined }),
      ),
    );
    expect(err).toMatchObject({ code: 'model_error' });
    expect((err as Error).message).toContain(broken);
  });

  it('converts the SAM neck and decoder in a worker too', async () => {
    const outDir = path.join(tmp, 'sam-out');
    const sam = await convertSamInWorker({
      samDir: path.join(tmp, 'sam'),
      outDir,
      encoderGrid: {
        heightPatches: 4,
        widthPatches: 4,
        patchSizePx: 16,
        channels: OFFICIAL_SAM.visionHidden,
      },
    });
    expect(sam.maskDecoder).toMatchObject({ file: 'sam_decoder.onnx', embedding_grid: 16, input_size: 256 });
    expect(readdirSync(outDir).sort()).toEqual(['sam_decoder.onnx', 'sam_neck.onnx']);
  });
});
