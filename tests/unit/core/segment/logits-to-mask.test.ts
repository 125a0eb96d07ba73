import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src-main/core/random';
import {
  samPostprocessTaps,
  thresholdLogits,
  windowBilinearTaps,
} from '../../../../src-main/core/segment/logits-to-mask';
import { chooseMask } from '../../../../src-main/core/segment/sam-decoder';
import { postprocessMask, selectMask } from '../../../fixtures/sam/sam-reference';

/** Smooth random logits (a few Gaussian bumps of both signs), as a decoder's low-res output looks. */
function logits(side: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  const bumps = Array.from({ length: 6 }, () => ({
    x: r() * side,
    y: r() * side,
    s: side * (0.05 + 0.2 * r()),
    a: (r() * 2 - 1) * 10,
  }));
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++)
      out[y * side + x] = bumps.reduce(
        (v, b) => v + b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s)),
        -0.5,
      );
  return out;
}

describe("SAM's postprocess as separable taps", () => {
  const cases = [
    {
      low: 256,
      frame: 1024,
      validW: 1024,
      validH: 768,
      w: 1200,
      h: 900,
      why: 'photo larger than the frame',
    },
    { low: 256, frame: 1024, validW: 768, validH: 1024, w: 300, h: 400, why: 'portrait, downscaled' },
    { low: 64, frame: 256, validW: 256, validH: 192, w: 310, h: 220, why: 'stretched non-square' },
    { low: 64, frame: 256, validW: 128, validH: 128, w: 128, h: 128, why: 'grid smaller than the frame' },
  ];
  for (const c of cases) {
    it(`equals bilinear → crop → bilinear, thresholded at 0 (${c.why})`, () => {
      const l = logits(c.low, c.w);
      const got = thresholdLogits(
        l,
        c.low,
        c.low,
        samPostprocessTaps(c.low, c.frame, c.validW, c.w),
        samPostprocessTaps(c.low, c.frame, c.validH, c.h),
      );
      const want = postprocessMask(l, c.low, c.frame, c.validW, c.validH, c.w, c.h);
      const area = want.reduce((a, b) => a + b, 0);
      expect(area).toBeGreaterThan(0);
      expect(area).toBeLessThan(c.w * c.h);
      expect(got.areaPx).toBe(area);
      expect(Buffer.from(got.mask).equals(Buffer.from(want))).toBe(true);
    });
  }

  it('the single-step window path keeps an identity resize exact', () => {
    const l = logits(32, 3);
    const got = thresholdLogits(l, 32, 32, windowBilinearTaps(32, 32, 32), windowBilinearTaps(32, 32, 32));
    expect(Array.from(got.mask)).toEqual(Array.from(l, (v) => (v > 0 ? 1 : 0)));
  });
});

describe("SAM's mask choice (utils/onnx.py select_masks)", () => {
  const io = { multimask: { single_mask_index: 0 } };
  const iou = [0.99, 0.5, 0.8, 0.7];
  it('one click or a lone box (2 points): the best multimask output, never the single-mask one', () => {
    expect(chooseMask(io, iou, 2)).toBe(2);
    expect(selectMask(iou, 2)).toBe(2);
  });
  it('three or more points: the single-mask output even when its IoU is lower', () => {
    expect(chooseMask(io, [0.1, 0.9, 0.8, 0.7], 3)).toBe(0);
    expect(selectMask([0.1, 0.9, 0.8, 0.7], 3)).toBe(0);
  });
  it('without the convention: the best score', () => {
    expect(chooseMask({}, iou, 2)).toBe(0);
  });
  it('refuses a single-mask index outside the outputs', () => {
    expect(() => chooseMask({ multimask: { single_mask_index: 4 } }, iou, 2)).toThrow(
      /not one of the 4 outputs/,
    );
  });
});
