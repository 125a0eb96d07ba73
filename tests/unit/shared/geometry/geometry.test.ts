import { describe, expect, it } from 'vitest';
import {
  clipPolylineToRect,
  clipRingToRect,
  minAreaRect,
  normalizeDegrees,
  ringArea2,
  rotatedBoxCorners,
  rotatedBoxFromCorners,
} from '@shared/geometry';

const round = (xy: readonly number[]): number[] => xy.map((v) => Math.round(v * 1e9) / 1e9 + 0);

describe('rotated boxes (CVAT convention: clockwise on screen about the centre)', () => {
  it('turns the corners clockwise, and reads them back', () => {
    expect(round(rotatedBoxCorners({ cx: 5, cy: 5, widthPx: 4, heightPx: 2, rotationDeg: 0 }))).toEqual([
      3, 4, 7, 4, 7, 6, 3, 6,
    ]);
    // 90°: the width now runs down the screen (y grows downwards).
    expect(round(rotatedBoxCorners({ cx: 5, cy: 5, widthPx: 4, heightPx: 2, rotationDeg: 90 }))).toEqual([
      6, 3, 6, 7, 4, 7, 4, 3,
    ]);
    const box = { cx: 12.5, cy: -3, widthPx: 7, heightPx: 2.5, rotationDeg: 321.5 };
    const back = rotatedBoxFromCorners(rotatedBoxCorners(box))!;
    expect(round(Object.values(back))).toEqual(round(Object.values(box)));
    expect(rotatedBoxFromCorners([0, 0, 4, 0, 4, 3, 1, 3])).toBeNull();
    expect(normalizeDegrees(-30)).toBe(330);
    expect(normalizeDegrees(720)).toBe(0);
  });

  it('finds the smallest rotated rectangle around points', () => {
    const corners = rotatedBoxCorners({ cx: 20, cy: 10, widthPx: 8, heightPx: 3, rotationDeg: 30 });
    const r = minAreaRect([...corners, 20, 10, 21, 10.5])!;
    expect(r.widthPx * r.heightPx).toBeCloseTo(24, 9);
    expect(round([r.cx, r.cy])).toEqual([20, 10]);
  });
});

describe('clipping to the image', () => {
  it('keeps a ring inside as it is (the same array) and cuts one reaching out exactly', () => {
    const inside = [1, 1, 5, 1, 5, 5];
    expect(clipRingToRect(inside, 10, 10)).toBe(inside);
    // A triangle through the right edge: the part inside, not its vertex moved onto the edge.
    expect(clipRingToRect([2, 2, 14, 2, 2, 8], 10, 10)).toEqual([2, 2, 10, 2, 10, 4, 2, 8]);
    expect(clipRingToRect([20, 20, 30, 20, 25, 30], 10, 10)).toBeNull();
    // A ring around the whole image becomes the image rectangle.
    expect(clipRingToRect([-5, -5, 15, -5, 15, 15, -5, 15], 10, 10)).toEqual([0, 10, 0, 0, 10, 0, 10, 10]);
  });

  it('keeps holes right: clipping every ring keeps the even-odd fill inside the image', () => {
    const outer = clipRingToRect([-4, 2, 8, 2, 8, 8, -4, 8], 10, 10)!;
    const hole = clipRingToRect([-2, 4, 3, 4, 3, 6, -2, 6], 10, 10)!;
    expect(Math.abs(ringArea2(outer)) / 2 - Math.abs(ringArea2(hole)) / 2).toBe(48 - 6);
  });

  it('cuts a polyline into the parts inside the image', () => {
    expect(clipPolylineToRect([1, 1, 5, 5], 10, 10)).toEqual([[1, 1, 5, 5]]);
    expect(clipPolylineToRect([-5, 5, 5, 5, 15, 5], 10, 10)).toEqual([[0, 5, 5, 5, 10, 5]]);
    // Out through the right edge and back in: two parts.
    expect(clipPolylineToRect([5, 2, 15, 2, 15, 8, 5, 8], 10, 10)).toEqual([
      [5, 2, 10, 2],
      [10, 8, 5, 8],
    ]);
    expect(clipPolylineToRect([20, 20, 30, 30], 10, 10)).toEqual([]);
  });
});
