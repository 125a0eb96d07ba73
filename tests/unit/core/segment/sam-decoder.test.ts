import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DenseGrid, type PixelPatchMapping } from '../../../../src-main/core/embedding-types';
import { type BundleManifest } from '../../../../src-main/core/models/manifest';
import { maskIou } from '../../../../src-main/core/segment/mask-ops';
import { decodeRle } from '../../../../src-main/core/segment/rle';
import { segmentEmbeddedImage } from '../../../../src-main/core/segment/segment-image';
import {
  buildDecoderFeeds,
  segmentWithDecoder,
  type DecoderOutputs,
  type DecoderFeed,
} from '../../../../src-main/core/segment/sam-decoder';
import {
  TINY_DECODER_IO,
  buildTinyDecoder,
  tinyDecoderRunner,
} from '../../../fixtures/segment/tiny-sam-decoder';

// Image 300×300, encoder input 256×256, patch 16 → 16×16 grid; the decoder frame is 256 (scale 1).
const W = 300;
const mapping: PixelPatchMapping = {
  imageWidthPx: W,
  imageHeightPx: W,
  inputWidthPx: 256,
  inputHeightPx: 256,
  patchPx: 16,
};
const G = 16;
// Three regions in grid cells: channel k is +1 inside region k, −1 outside.
const regions: [number, number, number, number][] = [
  [0, 0, 8, 8], // top-left quarter
  [8, 0, 16, 8], // top-right quarter
  [0, 8, 16, 16], // bottom half
];
function regionMaskPx(k: number): Uint8Array {
  const [x0, y0, x1, y1] = regions[k]!;
  const m = new Uint8Array(W * W);
  const s = W / G;
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++) {
      const gx = (x + 0.5) / s;
      const gy = (y + 0.5) / s;
      if (gx >= x0 && gx < x1 && gy >= y0 && gy < y1) m[y * W + x] = 1;
    }
  return m;
}
const samFeatures: DenseGrid = (() => {
  const data = new Float32Array(G * G * 3);
  for (let gy = 0; gy < G; gy++)
    for (let gx = 0; gx < G; gx++) {
      regions.forEach(([x0, y0, x1, y1], k) => {
        data[(gy * G + gx) * 3 + k] = gx >= x0 && gx < x1 && gy >= y0 && gy < y1 ? 1 : -1;
      });
    }
  return { data, gridH: G, gridW: G, dims: 3 };
})();
// iou0 = mean x / 256, iou1 = mean y / 256 ... biased so that the best mask follows the click.
const weights = {
  wc: [
    [1 / 256, -1 / 256, 0],
    [0, 0, 0],
  ] as const,
  wl: [0, 0, 1],
  bias: [0, 0.25, -1],
};

let runner: Awaited<ReturnType<typeof tinyDecoderRunner>>;
beforeAll(async () => {
  runner = await tinyDecoderRunner(buildTinyDecoder(G, G, weights));
});
afterAll(async () => {
  await runner.release();
});

describe('mask decoder path (generated ONNX with SAM I/O)', () => {
  it('builds SAM feeds: labels 1/0, padding point −1, box corners 2/3, frame coordinates', () => {
    const feeds = buildDecoderFeeds(TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [{ xPx: 150, yPx: 75, positive: true }],
    });
    expect(feeds.point_labels!.data).toEqual(Float32Array.of(1, -1));
    expect([...(feeds.point_coords!.data as Float32Array)].map((v) => Math.round(v * 100) / 100)).toEqual([
      128, 64, 0, 0,
    ]);
    expect(feeds.image_embeddings!.dims).toEqual([1, 3, 16, 16]);
    expect(feeds.mask_input!.dims).toEqual([1, 1, 64, 64]);
    expect(feeds.has_mask_input!.data).toEqual(Float32Array.of(0));
    const boxed = buildDecoderFeeds(TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [{ xPx: 30, yPx: 30, positive: false }],
      box: { x: 0, y: 150, widthPx: 300, heightPx: 150 },
    });
    expect(boxed.point_labels!.data).toEqual(Float32Array.of(0, 2, 3));
    expect([...(boxed.point_coords!.data as Float32Array)].map((v) => Math.round(v * 100) / 100)).toEqual([
      25.6, 25.6, 0, 128, 256, 256,
    ]);
    // NCHW transpose of the HWC grid: channel 2 at cell (0, 15) is the bottom-half region.
    expect(boxed.image_embeddings!.data[2 * 256 + 15 * 16 + 0]).toBe(1);
  });

  it('runs the decoder, picks the best of its masks by iou and returns the others', async () => {
    // A click at the right: mean x = (270·256/300)/2 → iou0 = 0.45, iou1 = 0.25−0.45 < 0, iou2 = −1 + mean label 0.
    const res = await segmentWithDecoder(runner.run, TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [{ xPx: 270, yPx: 40, positive: true }],
    });
    expect(res.score).toBeCloseTo((270 * 256) / 300 / 2 / 256, 5);
    expect(maskIou(res.mask, regionMaskPx(0))).toBeGreaterThan(0.98);
    expect(res.alternatives.map((a) => a.score)).toEqual([
      expect.closeTo(0.25 - 0.45, 5),
      expect.closeTo(-1, 5),
    ]);
    expect(maskIou(res.alternatives[0]!.mask, regionMaskPx(1))).toBeGreaterThan(0.98);
    expect(res.lowRes.side).toBe(64);
    // A left click flips the choice.
    const left = await segmentWithDecoder(runner.run, TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [{ xPx: 10, yPx: 40, positive: true }],
    });
    expect(maskIou(left.mask, regionMaskPx(1))).toBeGreaterThan(0.98);
  });

  it('a box (labels 2/3) selects via the label term, and the previous logits feed mask_input', async () => {
    const box = { x: 0, y: 150, widthPx: 300, heightPx: 150 };
    const res = await segmentWithDecoder(runner.run, TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [],
      box,
    });
    expect(maskIou(res.mask, regionMaskPx(2))).toBeGreaterThan(0.98); // iou2 = −1 + 2.5
    // Feed back a previous low-res mask of +10 everywhere: every logit becomes positive.
    const refined = await segmentWithDecoder(runner.run, TINY_DECODER_IO, {
      samFeatures,
      mapping,
      clicks: [],
      box,
      previous: { side: 64, data: new Float32Array(64 * 64).fill(10) },
    });
    expect(refined.areaPx).toBe(W * W);
  });

  it('reports a decoder that lacks the masks output', async () => {
    const broken = (_f: Record<string, DecoderFeed>): Promise<DecoderOutputs> => Promise.resolve({});
    await expect(
      segmentWithDecoder(broken, TINY_DECODER_IO, {
        samFeatures,
        mapping,
        clicks: [{ xPx: 1, yPx: 1, positive: true }],
      }),
    ).rejects.toThrow(/gave no "masks" output/);
  });
});

describe('segmentEmbeddedImage routes clicks to the decoder when the bundle has one', () => {
  it('uses mask_decoder + sam_features and labels the instance "click"', async () => {
    const manifest = {
      id: 'tiny',
      mask_decoder: { ...TINY_DECODER_IO, file: 'd.onnx', sha256: '0'.repeat(64) },
      encoder: { outputs: {} },
    };
    const features: DenseGrid = { data: new Float32Array(G * G * 2).fill(1), gridW: G, gridH: G, dims: 2 };
    const res = await segmentEmbeddedImage(
      {
        embedTexts: () => Promise.reject(new Error('unused')),
        runMaskDecoder: (_id, feeds) => runner.run(feeds),
      },
      {
        modelId: 'tiny',
        manifest: manifest as unknown as BundleManifest,
        embedding: { modelId: 'tiny', mapping, summary: new Float32Array(2), features, samFeatures },
        image: { data: new Uint8Array(W * W * 3), widthPx: W, heightPx: W },
      },
      { kind: 'prompt', clicks: [{ xPx: 270, yPx: 40, positive: true }] },
      { tolerancePx: 0 },
    );
    expect(res.method).toBe('decoder');
    expect(res.instances).toHaveLength(1);
    expect(res.instances[0]!.label).toBe('click');
    expect(maskIou(decodeRle(res.instances[0]!.rle), regionMaskPx(0))).toBeGreaterThan(0.98);
    expect(res.lowRes?.side).toBe(64);
  });
});

describe("SAM's conventions in the decoder path (embedding grid, orig_im_size, grid bounds)", () => {
  const samIo = {
    inputs: {
      image_embeddings: 'image_embeddings',
      point_coords: 'point_coords',
      point_labels: 'point_labels',
      orig_im_size: 'orig_im_size',
    },
    outputs: { masks: 'masks', scores: 'iou_predictions' },
    input_size: 1024,
    embedding_grid: 64,
    multimask: { single_mask_index: 0 },
    postprocess: 'sam' as const,
  };
  // A 640×480 photo at a 512×384 encoder input: a 32×24 grid, 16 frame px per patch (scale 1).
  const photo: PixelPatchMapping = {
    imageWidthPx: 640,
    imageHeightPx: 480,
    inputWidthPx: 512,
    inputHeightPx: 384,
    patchPx: 16,
  };
  const grid: DenseGrid = { data: new Float32Array(32 * 24 * 2), gridW: 32, gridH: 24, dims: 2 };

  it('maps prompts one patch per embedding cell and feeds orig_im_size as [H, W]', () => {
    const feeds = buildDecoderFeeds(samIo, {
      samFeatures: grid,
      mapping: photo,
      clicks: [{ xPx: 320, yPx: 240, positive: true }],
    });
    // 320 px → 256 input px → 256 frame px (not 512 as stretching the long side to 1024 would give).
    expect(Array.from(feeds.point_coords!.data as Float32Array)).toEqual([256, 192, 0, 0]);
    expect(Array.from(feeds.orig_im_size!.data as Float32Array)).toEqual([480, 640]);
  });

  it('thresholds masks the graph already resized to the image, choosing by SAM’s rule', async () => {
    // Mask 0 (single) positive on the left half, masks 1 and 2 on the top/bottom halves.
    const masks = new Float32Array(3 * 480 * 640);
    for (let y = 0; y < 480; y++)
      for (let x = 0; x < 640; x++) {
        masks[y * 640 + x] = x < 320 ? 1 : -1;
        masks[480 * 640 + y * 640 + x] = y < 240 ? 1 : -1;
        masks[2 * 480 * 640 + y * 640 + x] = y >= 240 ? 1 : -1;
      }
    const run = (): Promise<DecoderOutputs> =>
      Promise.resolve({
        masks: { dims: [1, 3, 480, 640], data: masks },
        iou_predictions: { dims: [1, 3], data: Float32Array.of(0.99, 0.4, 0.6) },
      });
    const one = await segmentWithDecoder(run, samIo, {
      samFeatures: grid,
      mapping: photo,
      clicks: [{ xPx: 10, yPx: 10, positive: true }],
    });
    expect(one.score).toBeCloseTo(0.6, 6); // 2 points: best multimask output, not the single one
    expect(one.areaPx).toBe(640 * 240);
    expect(one.bbox).toEqual([0, 240, 640, 240]);
    const two = await segmentWithDecoder(run, samIo, {
      samFeatures: grid,
      mapping: photo,
      clicks: [
        { xPx: 10, yPx: 10, positive: true },
        { xPx: 600, yPx: 10, positive: false },
      ],
    });
    expect(two.score).toBeCloseTo(0.99, 6); // 3 points: the single-mask output
    expect(two.bbox).toEqual([0, 0, 320, 480]);
  });

  it('refuses an encoder grid larger than the embedding grid, saying what to change', () => {
    const big: DenseGrid = { data: new Float32Array(80 * 60 * 2), gridW: 80, gridH: 60, dims: 2 };
    expect(() =>
      buildDecoderFeeds(samIo, {
        samFeatures: big,
        mapping: { ...photo, inputWidthPx: 1280, inputHeightPx: 960 },
        clicks: [{ xPx: 1, yPx: 1, positive: true }],
      }),
    ).toThrow(/80×60 patches, more than the decoder's 64×64 embedding grid/);
  });
});
