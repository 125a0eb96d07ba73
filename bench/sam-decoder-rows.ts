import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DenseGrid, type PixelPatchMapping } from '../src-main/core/embedding-types';
import { convertSamDecoder } from '../src-main/core/models/convert/sam/convert-sam';
import { seededRandom } from '../src-main/core/random';
import {
  buildDecoderFeeds,
  segmentWithDecoder,
  type MaskDecoderIo,
} from '../src-main/core/segment/sam-decoder';
import { SamReference } from '../tests/fixtures/sam/sam-reference';
import { relativeError, samSessions } from '../tests/fixtures/sam/sam-runner';
import { VIT_H_SAM, writeSyntheticSamCheckpoint } from '../tests/fixtures/sam/synthetic-sam-checkpoint';
import { type measure, type Measured } from './bench-kit';

type Measure = typeof measure;
type Add = (c: string, m: Measured, note?: string) => void;

/**
 * The real decoder path at SAM ViT-H's sizes: a synthetic checkpoint in the hub layout (1280-d neck
 * input, 256-d two-way transformer, 4 mask tokens) generated here, converted by convertSamDecoder, run by
 * onnxruntime-node on the CPU for a 1024×768 photo (64×48 RADIO grid at 1024 px, patch 16).
 * RADIOLABEL_BENCH_SAM_PARITY=1 adds the float64 reference's error at these sizes.
 */
export async function samDecoderRows(measure: Measure, add: Add): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rl-bench-sam-'));
  try {
    const samDir = path.join(dir, 'sam');
    writeSyntheticSamCheckpoint(samDir, VIT_H_SAM);
    const t0 = performance.now();
    const conv = convertSamDecoder({
      samDir,
      outDir: path.join(dir, 'bundle'),
      encoderGrid: { heightPatches: 64, widthPatches: 64, patchSizePx: 16, channels: 1280 },
    });
    const convertMs = performance.now() - t0;
    const io = conv.maskDecoder as MaskDecoderIo;
    const sessions = await samSessions(path.join(dir, 'bundle'));
    try {
      const mapping: PixelPatchMapping = {
        imageWidthPx: 1024,
        imageHeightPx: 768,
        inputWidthPx: 1024,
        inputHeightPx: 768,
        patchPx: 16,
      };
      const rand = seededRandom(4);
      const grid: DenseGrid = {
        data: Float32Array.from({ length: 64 * 48 * 1280 }, () => rand() * 2 - 1),
        gridW: 64,
        gridH: 48,
        dims: 1280,
      };
      const neckFeeds = {
        sam_features: { type: 'float32' as const, dims: [1, 48, 64, 1280], data: grid.data },
      };
      add(
        'SAM ViT-H neck (1280→256, once per image), 64×48 grid',
        await measure(() => sessions.run(neckFeeds, 'neck'), 5, 1),
        `conversion of neck + decoder ${convertMs.toFixed(0)} ms, ${conv.files.map((f) => `${f.name} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ')}`,
      );
      const neckOut = (await sessions.run(neckFeeds, 'neck')).image_embeddings!;
      const emb = { type: 'float32' as const, dims: neckOut.dims, data: neckOut.data };
      const click = { samFeatures: grid, mapping, clicks: [{ xPx: 400, yPx: 300, positive: true }] };
      const feeds = buildDecoderFeeds(io, click, emb);
      add(
        'SAM ViT-H decoder graph per click (ORT run only), 1024 frame',
        await measure(() => sessions.run(feeds, 'decoder'), 10),
      );
      add(
        'click → mask, real SAM decoder path (neck cached), 1024×768',
        await measure(() => segmentWithDecoder(sessions.run, io, click), 10),
        'feeds + decoder + SAM choice + postprocess of the chosen mask to the image',
      );
      const box = {
        samFeatures: grid,
        mapping,
        clicks: [],
        box: { x: 200, y: 150, widthPx: 500, heightPx: 400 },
      };
      add(
        'box → mask, real SAM decoder path (neck cached)',
        await measure(() => segmentWithDecoder(sessions.run, io, box), 10),
      );

      // One parity figure at the real sizes (the tests check tiny sizes on every run): minutes of float64
      // loops, so only on request.
      if (process.env.RADIOLABEL_BENCH_SAM_PARITY !== '1') return;
      const ref = new SamReference(samDir);
      const t1 = performance.now();
      const refEmb = ref.neck(grid.data, 48, 64, 1280);
      const out = ref.decode(refEmb, ref.sparsePrompt([{ x: 400, y: 300, label: 1 }]), ref.densePrompt());
      const refMs = performance.now() - t1;
      const got = await sessions.run(feeds, 'decoder');
      const refMasks = new Float64Array(4 * 256 * 256);
      out.masks.forEach((m, k) => refMasks.set(m, k * 256 * 256));
      const maskErr = relativeError(got.low_res_masks!.data, refMasks);
      const iouErr = relativeError(got.iou_predictions!.data, out.iou);
      const neckErr = relativeError(neckOut.data, refEmb);
      add(
        'float64 reference, neck + decoder, one click (for the parity figure)',
        { wallMs: [refMs], cpuMs: [refMs] },
        `max rel error vs ORT: neck ${neckErr.toExponential(1)}, masks ${maskErr.toExponential(1)}, IoU ${iouErr.toExponential(1)}`,
      );
    } finally {
      await sessions.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
