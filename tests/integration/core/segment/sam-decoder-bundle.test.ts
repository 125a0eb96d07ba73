import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CocoRle } from '@contract';
import { type DenseGrid, type PixelPatchMapping } from '../../../../src-main/core/embedding-types';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import { maskIou } from '../../../../src-main/core/segment/mask-ops';
import { type BoxPrompt, type ClickPoint } from '../../../../src-main/core/segment/prompts';
import { decodeRle } from '../../../../src-main/core/segment/rle';
import {
  buildDecoderFeeds,
  type DecoderFeed,
  type MaskDecoderIo,
} from '../../../../src-main/core/segment/sam-decoder';
import { SAM_BUNDLE_INPUT, writeSamBundle } from '../../../fixtures/sam/sam-bundle';
import { postprocessMask, SamReference, selectMask } from '../../../fixtures/sam/sam-reference';
import { samSessions, type SamSessions } from '../../../fixtures/sam/sam-runner';
import { TINY_SAM, writeSyntheticSamCheckpoint } from '../../../fixtures/sam/synthetic-sam-checkpoint';
import { ROOT, serviceFixture } from '../service/service-fixture';

const FRAME = TINY_SAM.imageSize;
const SIDE = TINY_SAM.imageSize / TINY_SAM.patchSize;
const LOW = 4 * SIDE;

interface Case {
  readonly name: string;
  readonly clicks: ClickPoint[];
  readonly box?: BoxPrompt;
}
const CASES: Case[] = [
  { name: 'one click', clicks: [{ xPx: 300, yPx: 210, positive: true }] },
  {
    name: 'two clicks (+/−)',
    clicks: [
      { xPx: 300, yPx: 210, positive: true },
      { xPx: 520, yPx: 90, positive: false },
    ],
  },
  { name: 'box', clicks: [], box: { x: 100, y: 80, widthPx: 360, heightPx: 260 } },
  {
    name: 'box + click',
    clicks: [{ xPx: 250, yPx: 200, positive: true }],
    box: { x: 100, y: 80, widthPx: 360, heightPx: 260 },
  },
];

describe('clicks and boxes through a converted SAM decoder (service → engine → ORT)', () => {
  const fx = serviceFixture('sam-decoder');
  let tmp: string;
  let bundleDir: string;
  let engine: InferenceEngine;
  let sessions: SamSessions;
  let ref: SamReference;
  let io: MaskDecoderIo;
  let imageId = 0;
  let grid: DenseGrid;
  let mapping: PixelPatchMapping;
  let neckFeed: DecoderFeed;
  let refEmbedding: Float64Array;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-sam-bundle-'));
    const samDir = path.join(tmp, 'sam');
    bundleDir = path.join(tmp, 'bundle');
    writeSyntheticSamCheckpoint(samDir, TINY_SAM);
    io = writeSamBundle(bundleDir, samDir, TINY_SAM.visionHidden).conversion.maskDecoder;
    await fx.call('projects', 'openSample');
    const installed = await fx.call<{ id: string; hasMaskDecoder: boolean }>('models', 'install', {
      source: bundleDir,
    });
    expect(installed).toMatchObject({ id: 'sam-tiny', hasMaskDecoder: true });
    await fx.call('models', 'select', { modelId: 'sam-tiny' });
    imageId = (await fx.call<{ items: { id: number }[] }>('images', 'list', { limit: 1, sort: 'name' }))
      .items[0]!.id;

    // The reference side: the same encoder pass on the same file, then SAM in float64.
    engine = createInferenceEngine({ dataDir: fx.dataDir });
    const emb = await engine.embedImageFile(path.join(ROOT, 'resources/sample/sample-01.png'), 'sam-tiny');
    grid = emb.samFeatures!;
    mapping = emb.mapping;
    sessions = await samSessions(bundleDir);
    const neckOut = (
      await sessions.run(
        { sam_features: { type: 'float32', dims: [1, grid.gridH, grid.gridW, grid.dims], data: grid.data } },
        'neck',
      )
    ).image_embeddings!;
    neckFeed = { type: 'float32', dims: neckOut.dims, data: neckOut.data };
    ref = new SamReference(samDir);
    refEmbedding = ref.neck(grid.data, grid.gridH, grid.gridW, grid.dims);
  });

  afterAll(async () => {
    await sessions.release();
    await engine.dispose();
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('embeds the 640×480 sample at 256×192: a 16×12 SAM grid of the checkpoint width', () => {
    expect(mapping).toEqual({
      imageWidthPx: 640,
      imageHeightPx: 480,
      inputWidthPx: SAM_BUNDLE_INPUT.widthPx,
      inputHeightPx: SAM_BUNDLE_INPUT.heightPx,
      patchPx: 16,
    });
    expect([grid.gridW, grid.gridH, grid.dims]).toEqual([16, 12, TINY_SAM.visionHidden]);
  });

  it('passes models verify: files, graph names, and a smoke run through the neck and the decoder', async () => {
    const { manifest } = await engine.verifyModel('sam-tiny');
    expect(manifest.mask_decoder?.neck?.file).toBe('sam_neck.onnx');
  });

  for (const c of CASES) {
    it(`${c.name}: segmentClick returns the decoder's mask (= SAM postprocess of its logits, IoU ≥ 0.999 vs float64)`, async () => {
      const r = await fx.call<{ instances: { label: string; rle: CocoRle }[] }>('inference', 'segmentClick', {
        imageId,
        clicks: c.clicks.map((k) => ({ x: k.xPx, y: k.yPx, positive: k.positive })),
        ...(c.box ? { box: [c.box.x, c.box.y, c.box.widthPx, c.box.heightPx] } : {}),
      });
      expect(r.instances).toHaveLength(1);
      expect(r.instances[0]!.label).toBe(c.clicks.length === 0 ? 'box' : 'click');
      const served = decodeRle(r.instances[0]!.rle);

      // Float64 reference: frame = image px → encoder input px → 16 frame px per patch.
      const s = FRAME / SIDE / mapping.patchPx;
      const fx_ = (x: number): number => ((x * mapping.inputWidthPx) / mapping.imageWidthPx) * s;
      const fy_ = (y: number): number => ((y * mapping.inputHeightPx) / mapping.imageHeightPx) * s;
      const sparse = ref.sparsePrompt(
        c.clicks.map((k) => ({ x: fx_(k.xPx), y: fy_(k.yPx), label: k.positive ? 1 : 0 })),
        c.box
          ? [fx_(c.box.x), fy_(c.box.y), fx_(c.box.x + c.box.widthPx), fy_(c.box.y + c.box.heightPx)]
          : undefined,
      );
      const out = ref.decode(refEmbedding, sparse, ref.densePrompt());
      const k = selectMask(out.iou, sparse.length);
      const [W, H] = [mapping.imageWidthPx, mapping.imageHeightPx];
      const [validW, validH] = [grid.gridW * (FRAME / SIDE), grid.gridH * (FRAME / SIDE)];
      const expected = postprocessMask(out.masks[k]!, LOW, FRAME, validW, validH, W, H);
      const area = expected.reduce((a, b) => a + b, 0);
      expect(area).toBeGreaterThan(0.02 * W * H);
      expect(area).toBeLessThan(0.98 * W * H);
      expect(maskIou(served, expected)).toBeGreaterThanOrEqual(0.999);

      // The same decoder run directly: the service's mask is exactly SAM's postprocess of its logits.
      const input = { samFeatures: grid, mapping, clicks: c.clicks, ...(c.box ? { box: c.box } : {}) };
      const direct = (await sessions.run(buildDecoderFeeds(io, input, neckFeed), 'decoder')).low_res_masks!;
      const logits = direct.data.subarray(k * LOW * LOW, (k + 1) * LOW * LOW);
      const fromLogits = postprocessMask(logits, LOW, FRAME, validW, validH, W, H);
      expect(Buffer.from(served).equals(Buffer.from(fromLogits))).toBe(true);
    });
  }
});
