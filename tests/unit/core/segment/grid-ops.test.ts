import { describe, expect, it } from 'vitest';
import {
  cachedCosineMap,
  cosineMaps,
  gridScale,
  meanFeatureInRect,
  sampleFeature,
} from '../../../../src-main/core/segment/grid-ops';
import { otsuThreshold } from '../../../../src-main/core/segment/threshold';

function naiveCos(a: Float32Array, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

describe('grid ops', () => {
  it('cosine maps equal a naive cosine for odd dims and an odd number of cells', () => {
    const gridW = 5;
    const gridH = 3;
    const dims = 7;
    const data = Float32Array.from({ length: gridW * gridH * dims }, (_, i) => Math.sin(i * 1.7) + 0.1);
    const grid = { data, gridW, gridH, dims };
    const q = Float32Array.from({ length: dims }, (_, i) => Math.cos(i));
    const [map] = cosineMaps(grid, [q]);
    for (let c = 0; c < gridW * gridH; c++) {
      expect(map![c]).toBeCloseTo(naiveCos(q, data.subarray(c * dims, (c + 1) * dims)), 5);
    }
    expect(cachedCosineMap(grid, q)).toEqual(map);
    expect(cachedCosineMap(grid, q)).toBe(cachedCosineMap(grid, Float32Array.from(q))); // keyed by content
  });

  it('maps pixels to cells for a stretched input and samples features bilinearly', () => {
    const mapping = {
      imageWidthPx: 200,
      imageHeightPx: 100,
      inputWidthPx: 64,
      inputHeightPx: 64,
      patchPx: 16,
    };
    expect(gridScale(mapping)).toEqual({ sx: 4 / 200, sy: 4 / 100 });
    const grid = { data: Float32Array.from({ length: 16 }, (_, i) => i % 4), gridW: 4, gridH: 4, dims: 1 };
    // x = 75 → grid x = 75·0.02 − 0.5 = 1.0: exactly the value of column 1.
    expect(sampleFeature(grid, mapping, 75, 50)[0]).toBeCloseTo(1, 6);
    expect(sampleFeature(grid, mapping, 100, 50)[0]).toBeCloseTo(1.5, 6);
    // The prototype averages L2-normalised cells: three columns give 1, the zero column 0.
    const proto = meanFeatureInRect(grid, mapping, { x: 0, y: 0, widthPx: 200, heightPx: 100 });
    expect(proto[0]).toBeCloseTo(0.75, 6);
  });

  it('Otsu splits a bimodal distribution between its modes', () => {
    const v = Float32Array.from({ length: 1000 }, (_, i) =>
      i < 700 ? 0.1 + (i % 10) * 0.01 : 0.8 + (i % 10) * 0.01,
    );
    const t = otsuThreshold(v);
    expect(t).toBeGreaterThan(0.19);
    expect(t).toBeLessThanOrEqual(0.8);
  });
});
