import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DenseGrid, type PixelPatchMapping } from '../../../../../src-main/core/embedding-types';
import {
  convertSamDecoder,
  type SamConversion,
} from '../../../../../src-main/core/models/convert/sam/convert-sam';
import { parseManifest } from '../../../../../src-main/core/models/manifest';
import { seededRandom } from '../../../../../src-main/core/random';
import { maskIou } from '../../../../../src-main/core/segment/mask-ops';
import { type BoxPrompt, type ClickPoint } from '../../../../../src-main/core/segment/prompts';
import {
  buildDecoderFeeds,
  segmentWithDecoder,
  type DecoderFeed,
  type LowResLogits,
  type MaskDecoderIo,
} from '../../../../../src-main/core/segment/sam-decoder';
import { postprocessMask, SamReference, selectMask } from '../../../../fixtures/sam/sam-reference';
import { relativeError, samSessions, type SamSessions } from '../../../../fixtures/sam/sam-runner';
import { TINY_SAM, writeSyntheticSamCheckpoint } from '../../../../fixtures/sam/synthetic-sam-checkpoint';

// A non-square photo (310×220) stretched to a 256×192 encoder input: a 16×12 grid of 16-px patches,
// zero-padded into the tiny SAM's 16×16 embedding grid (frame 256 px, 16 px per cell).
const mapping: PixelPatchMapping = {
  imageWidthPx: 310,
  imageHeightPx: 220,
  inputWidthPx: 256,
  inputHeightPx: 192,
  patchPx: 16,
};
const GRID = { w: 16, h: 12, c: TINY_SAM.visionHidden };
const FRAME = TINY_SAM.imageSize;
const LOW = 4 * (TINY_SAM.imageSize / TINY_SAM.patchSize);

let dir: string;
let conversion: SamConversion;
let io: MaskDecoderIo;
let sessions: SamSessions;
let ref: SamReference;
let samFeatures: DenseGrid;
let neckFeed: DecoderFeed;
let refEmbedding: Float64Array;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-sam-parity-'));
  writeSyntheticSamCheckpoint(path.join(dir, 'sam'), TINY_SAM);
  conversion = convertSamDecoder({
    samDir: path.join(dir, 'sam'),
    outDir: path.join(dir, 'bundle'),
    encoderGrid: { heightPatches: GRID.h, widthPatches: GRID.w, patchSizePx: 16, channels: GRID.c },
  });
  io = conversion.maskDecoder;
  sessions = await samSessions(path.join(dir, 'bundle'));
  ref = new SamReference(path.join(dir, 'sam'));
  const rand = seededRandom(99);
  samFeatures = {
    data: Float32Array.from({ length: GRID.w * GRID.h * GRID.c }, () => rand() * 2 - 1),
    gridW: GRID.w,
    gridH: GRID.h,
    dims: GRID.c,
  };
  const neckOut = (
    await sessions.run(
      { sam_features: { type: 'float32', dims: [1, GRID.h, GRID.w, GRID.c], data: samFeatures.data } },
      'neck',
    )
  ).image_embeddings!;
  neckFeed = { type: 'float32', dims: neckOut.dims, data: neckOut.data };
  refEmbedding = ref.neck(samFeatures.data, GRID.h, GRID.w, GRID.c);
});

afterAll(async () => {
  await sessions.release();
  rmSync(dir, { recursive: true, force: true });
});

/** Image pixels → the reference's frame pixels, written out independently of buildDecoderFeeds. */
const toFrame = (x: number, y: number): [number, number] => [
  ((x * mapping.inputWidthPx) / mapping.imageWidthPx) * (FRAME / 16 / mapping.patchPx),
  ((y * mapping.inputHeightPx) / mapping.imageHeightPx) * (FRAME / 16 / mapping.patchPx),
];

interface Case {
  readonly name: string;
  readonly clicks: ClickPoint[];
  readonly box?: BoxPrompt;
  readonly withPrevious?: boolean;
}
const CASES: Case[] = [
  { name: 'one click', clicks: [{ xPx: 150, yPx: 100, positive: true }] },
  {
    name: 'two clicks (+/−)',
    clicks: [
      { xPx: 150, yPx: 100, positive: true },
      { xPx: 60, yPx: 40, positive: false },
    ],
  },
  { name: 'box', clicks: [], box: { x: 40, y: 30, widthPx: 200, heightPx: 150 } },
  {
    name: 'box + click',
    clicks: [{ xPx: 120, yPx: 90, positive: true }],
    box: { x: 40, y: 30, widthPx: 200, heightPx: 150 },
  },
  { name: 'click + previous mask', clicks: [{ xPx: 200, yPx: 160, positive: true }], withPrevious: true },
];

function previousLogits(): LowResLogits {
  const rand = seededRandom(5);
  return { side: LOW, data: Float32Array.from({ length: LOW * LOW }, () => (rand() * 2 - 1) * 8) };
}

function reference(c: Case): { masks: Float64Array[]; iou: Float64Array; numPoints: number } {
  const points = c.clicks.map((k) => {
    const [x, y] = toFrame(k.xPx, k.yPx);
    return { x, y, label: k.positive ? 1 : 0 };
  });
  const box = c.box
    ? ([...toFrame(c.box.x, c.box.y), ...toFrame(c.box.x + c.box.widthPx, c.box.y + c.box.heightPx)] as [
        number,
        number,
        number,
        number,
      ])
    : undefined;
  const sparse = ref.sparsePrompt(points, box);
  const dense = ref.densePrompt(c.withPrevious ? previousLogits().data : undefined);
  return { ...ref.decode(refEmbedding, sparse, dense), numPoints: sparse.length };
}

describe('SAM converted from a hub-layout checkpoint vs a float64 reference (non-square image)', () => {
  it('writes a manifest section the bundle schema accepts', () => {
    const m = parseManifest(
      {
        format_version: 1,
        id: 'sam-test',
        name: 'x',
        license: 'x',
        source_url: 'x',
        encoder: {
          file: 'e.onnx',
          sha256: '0'.repeat(64),
          input: { name: 'pixel_values', normalized_in_graph: true },
          patch_size: 16,
          resolution: { kind: 'fixed', width: 256, height: 192 },
          outputs: {
            summary: { name: 's' },
            features: { name: 'f' },
            sam_features: { name: 'sam_features' },
          },
        },
        mask_decoder: conversion.maskDecoder,
      },
      'test',
    );
    expect(m.mask_decoder?.neck?.file).toBe('sam_neck.onnx');
    expect(m.mask_decoder?.embedding_grid).toBe(16);
    expect(m.mask_decoder?.postprocess).toBe('sam');
  });

  it('neck: zero-padded grid → image embedding within 1e-4 relative', () => {
    expect(neckFeed.dims).toEqual([1, TINY_SAM.hidden, 16, 16]);
    const err = relativeError(neckFeed.data as Float32Array, refEmbedding);
    console.log(`[sam parity] neck image_embeddings: max rel error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  for (const c of CASES) {
    it(`${c.name}: low-res masks (4) and IoU predictions within 1e-4 relative; app mask = SAM postprocess`, async () => {
      const input = {
        samFeatures,
        mapping,
        clicks: c.clicks,
        ...(c.box ? { box: c.box } : {}),
        ...(c.withPrevious ? { previous: previousLogits() } : {}),
      };
      const feeds = buildDecoderFeeds(io, input, neckFeed);
      const out = await sessions.run(feeds, 'decoder');
      const masks = out.low_res_masks!;
      const iou = out.iou_predictions!;
      expect(masks.dims).toEqual([1, 4, LOW, LOW]);
      const r = reference(c);
      const refMasks = new Float64Array(4 * LOW * LOW);
      r.masks.forEach((m, k) => refMasks.set(m, k * LOW * LOW));
      const maskErr = relativeError(masks.data, refMasks);
      const iouErr = relativeError(iou.data, r.iou);
      console.log(
        `[sam parity] ${c.name}: masks max rel error ${maskErr.toExponential(2)}, iou ${iouErr.toExponential(2)}`,
      );
      expect(maskErr).toBeLessThan(1e-4);
      expect(iouErr).toBeLessThan(1e-4);

      // The app path: same feeds, SAM's mask choice, SAM's postprocess to 310×220.
      const res = await segmentWithDecoder(sessions.run, io, input);
      const k = selectMask(r.iou, r.numPoints);
      expect(res.score).toBeCloseTo(r.iou[k]!, 5);
      const validW = GRID.w * 16;
      const validH = GRID.h * 16;
      const { imageWidthPx: W, imageHeightPx: H } = mapping;
      const fromOrt = postprocessMask(
        masks.data.subarray(k * LOW * LOW, (k + 1) * LOW * LOW),
        LOW,
        FRAME,
        validW,
        validH,
        W,
        H,
      );
      expect(Buffer.from(res.mask).equals(Buffer.from(fromOrt))).toBe(true);
      const fromRef = postprocessMask(r.masks[k]!, LOW, FRAME, validW, validH, W, H);
      const area = fromRef.reduce((a, b) => a + b, 0);
      expect(area).toBeGreaterThan(0.02 * W * H);
      expect(area).toBeLessThan(0.98 * W * H);
      expect(maskIou(res.mask, fromRef)).toBeGreaterThanOrEqual(0.999);
      expect(res.lowRes.data).toEqual(masks.data.subarray(k * LOW * LOW, (k + 1) * LOW * LOW));
    });
  }

  it('runs the neck once per image, however many clicks', async () => {
    const before = sessions.calls.neck;
    const grid: DenseGrid = { ...samFeatures, data: samFeatures.data.slice() };
    for (const x of [40, 90, 140]) {
      await segmentWithDecoder(sessions.run, io, {
        samFeatures: grid,
        mapping,
        clicks: [{ xPx: x, yPx: 50, positive: true }],
      });
    }
    expect(sessions.calls.neck - before).toBe(1);
  });
});
