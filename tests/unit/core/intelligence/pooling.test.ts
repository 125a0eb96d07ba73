import { describe, expect, it } from 'vitest';
import { type DenseGrid, type PixelPatchMapping } from '../../../../src-main/core/embedding-types';
import { annotationMask as geometryToMask } from '../../../../src-main/core/segment/geometry-mask';
import {
  backgroundCentroids,
  bestF1Threshold,
  contrastScore,
  propagationThreshold,
  maskCellCoverage,
  maskPooledFeature,
  maxOverMaps,
} from '../../../../src-main/core/intelligence/pooling';
import { encodeMask } from '../../../../src-main/core/segment/rle';

const mapping: PixelPatchMapping = {
  imageWidthPx: 8,
  imageHeightPx: 4,
  inputWidthPx: 64,
  inputHeightPx: 32,
  patchPx: 16,
};

describe('geometryToMask', () => {
  it('rasterises boxes and polygons like pycocotools, points as their pixel, and masks', () => {
    const box = geometryToMask({ kind: 'box', x: 1, y: 1, widthPx: 2.4, heightPx: 2 }, 8, 4);
    expect([...box].map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([9, 10, 17, 18]);
    const pt = geometryToMask({ kind: 'point', x: 3.7, y: 2.2 }, 8, 4);
    expect(pt.indexOf(1)).toBe(2 * 8 + 3);
    expect(geometryToMask({ kind: 'point', x: 30, y: 2 }, 8, 4).every((v) => v === 0)).toBe(true);
    const square = new Uint8Array(32);
    for (const i of [0, 1, 8, 9]) square[i] = 1;
    expect(geometryToMask({ kind: 'mask', rle: encodeMask(square, 8, 4) }, 8, 4)).toEqual(square);
    const poly = geometryToMask({ kind: 'polygon', rings: [[0, 0, 4, 0, 4, 4, 0, 4]] }, 8, 4);
    expect(poly.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(16);
    expect(() => geometryToMask({ kind: 'mask', rle: encodeMask(square, 8, 4) }, 4, 8)).toThrow(
      'mask: mask size [h,w]=[4,8] does not match the image 4×8',
    );
  });
});

describe('mask pooling', () => {
  it('measures per-cell coverage on the grid and pools the covered cells', () => {
    // 8×4 image on a 4×2 grid: 2×2 pixels per cell.
    const mask = new Uint8Array(32);
    for (const i of [0, 1, 8, 9, 2]) mask[i] = 1;
    const cov = maskCellCoverage(mask, mapping, 4, 2);
    expect([...cov]).toEqual([1, 0.25, 0, 0, 0, 0, 0, 0]);
    const grid: DenseGrid = {
      gridW: 4,
      gridH: 2,
      dims: 2,
      data: Float32Array.from([3, 0, 0, 5, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
    };
    // Only cell 0 passes coverage ≥ 0.5: its normalised feature.
    expect([...maskPooledFeature(grid, cov)!]).toEqual([1, 0]);
    // A mask smaller than any cell's half still pools its best cell.
    const tiny = new Uint8Array(32);
    tiny[2] = 1;
    expect([...maskPooledFeature(grid, maskCellCoverage(tiny, mapping, 4, 2))!]).toEqual([0, 1]);
    expect(maskPooledFeature(grid, new Float32Array(8))).toBeUndefined();
    expect(() => maskCellCoverage(new Uint8Array(5), mapping, 4, 2)).toThrow(
      'mask has 5 pixels, the image is 8×4',
    );
  });

  it('takes the per-cell max over maps', () => {
    expect([...maxOverMaps([Float32Array.from([1, 5, 2]), Float32Array.from([3, 0, 2])])]).toEqual([3, 5, 2]);
    expect(() => maxOverMaps([])).toThrow('at least one map is needed');
  });
});

describe('bestF1Threshold', () => {
  it('cuts between separable classes, and below all positives when there are no negatives', () => {
    const t = bestF1Threshold(Float32Array.from([0.9, 0.8, 0.85]), Float32Array.from([0.1, 0.5, 0.3]));
    expect(t).toBeCloseTo(0.65, 5);
    expect(bestF1Threshold(Float32Array.from([0.7, 0.9]), new Float32Array(0))).toBeCloseTo(0.7, 4);
    expect(() => bestF1Threshold(new Float32Array(0), Float32Array.from([1]))).toThrow('no positive cells');
  });

  it('trades a few false positives for recall when that maximises F1', () => {
    const t = bestF1Threshold(Float32Array.from([0.9, 0.8, 0.4]), Float32Array.from([0.6, 0.1]));
    // Cutting at 0.25 keeps all 3 positives and 1 negative: F1 = 6/7 > cutting at 0.7 (F1 = 0.8).
    expect(t).toBeCloseTo(0.25, 5);
  });
});

describe('propagationThreshold', () => {
  it('does not sit in the middle of a wide gap: at least halfway from the median positive to the high negatives', () => {
    const pos = Float32Array.from([0.4, 0.9, 0.95, 0.97, 0.98, 0.99, 0.99, 0.99, 0.99, 0.99]);
    const neg = Float32Array.from({ length: 100 }, (_, i) => -0.5 + i * 0.0025);
    // F1 alone cuts in the middle of the gap between 0.4 and the top negative (−0.2525).
    expect(bestF1Threshold(pos, neg)).toBeCloseTo(0.07375, 4);
    const t = propagationThreshold(pos, neg);
    // 10th-percentile positive (0.9) − 0.1 = 0.8 beats the midpoint (0.99 − 0.255) / 2 ≈ 0.37.
    expect(t).toBeCloseTo(0.8, 5);
  });
});

describe('background prototypes', () => {
  it('clusters the unlabelled cells and scores class minus background', () => {
    // 4 cells: two of the class [1, 0], two background of two kinds [0, 1] and [-1, 0.2].
    const grid = { gridW: 4, gridH: 1, dims: 2, data: Float32Array.from([1, 0, 1, 0, 0, 2, -3, 0.6]) };
    const weight = Float32Array.from([1, 1, 0, 0]);
    const bg = backgroundCentroids(grid, weight, 4);
    expect(bg).toHaveLength(2);
    expect(bg.map((v) => [...v].map((x) => Math.round(x * 100) / 100))).toEqual([
      [0, 1],
      [-0.98, 0.2],
    ]);
    const score = contrastScore(grid, [Float32Array.from([1, 0])], bg);
    expect(score[0]).toBeCloseTo(1 - 0, 5);
    expect(score[2]).toBeCloseTo(0 - 1, 5);
    expect(backgroundCentroids(grid, Float32Array.from([1, 1, 1, 1]))).toEqual([]);
  });
});
