import { describe, expect, it } from 'vitest';
import {
  maskToPolygons,
  maskToRings,
  polygonsToMask,
  simplifyRing,
} from '../../../../src-main/core/segment/contours';
import { maskIou } from '../../../../src-main/core/segment/mask-ops';
import { decodeRle, polygonsToRle } from '../../../../src-main/core/segment/rle';
import { seededRandom } from '../../../../src-main/core/random';

const rng = seededRandom;

function fromRows(rows: string[]): { mask: Uint8Array; w: number; h: number } {
  const h = rows.length;
  const w = rows[0]!.length;
  const mask = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => (mask[y * w + x] = c === '#' ? 1 : 0)));
  return { mask, w, h };
}

describe('maskToPolygons', () => {
  it('traces a square with a hole and an island inside the hole', () => {
    const { mask, w, h } = fromRows([
      '.........',
      '.#######.',
      '.#.....#.',
      '.#..#..#.',
      '.#.....#.',
      '.#######.',
      '.........',
    ]);
    const polys = maskToPolygons(mask, w, h);
    expect(polys).toHaveLength(2);
    expect(polys[0]!.outer).toEqual([8, 1, 8, 6, 1, 6, 1, 1]);
    expect(polys[0]!.holes).toHaveLength(1);
    expect(polys[0]!.holes[0]!.length).toBe(8); // a rectangle: 4 corners
    expect(polys[1]).toEqual({ outer: [5, 3, 5, 4, 4, 4, 4, 3], holes: [] });
    expect(polygonsToMask(maskToRings(mask, w, h), w, h)).toEqual(mask);
  });

  it('keeps diagonal neighbours in one 8-connected ring', () => {
    const { mask, w, h } = fromRows(['#..', '.#.', '..#']);
    const polys = maskToPolygons(mask, w, h);
    expect(polys).toHaveLength(1);
    expect(polys[0]!.holes).toEqual([]);
    expect(polygonsToMask([polys[0]!.outer], w, h)).toEqual(mask);
  });

  it('round-trips random masks with holes pixel-exactly through pycocotools rasterisation', () => {
    const r = rng(42);
    for (let t = 0; t < 60; t++) {
      const w = 2 + Math.floor(r() * 40);
      const h = 2 + Math.floor(r() * 40);
      const mask = new Uint8Array(w * h);
      const p = 0.3 + r() * 0.4;
      if (t % 3 === 0) {
        for (let i = 0; i < mask.length; i++) mask[i] = r() < p ? 1 : 0; // noise: many saddles and holes
      } else {
        // blobs with rectangular and single-pixel holes
        for (let b = 0; b < 4; b++) {
          const x0 = Math.floor(r() * w);
          const y0 = Math.floor(r() * h);
          const x1 = Math.min(w, x0 + 2 + Math.floor(r() * w * 0.6));
          const y1 = Math.min(h, y0 + 2 + Math.floor(r() * h * 0.6));
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask[y * w + x] = 1;
        }
        for (let k = 0; k < 6; k++) mask[Math.floor(r() * mask.length)] = 0;
      }
      const polys = maskToPolygons(mask, w, h);
      const rings = polys.flatMap((pw) => [pw.outer, ...pw.holes]);
      expect(polygonsToMask(rings, w, h)).toEqual(mask);
      // Each outer ring alone equals its filled component (holes drawn separately).
      for (const pw of polys) expect(pw.outer.length % 2).toBe(0);
    }
  });

  it('agrees with frPoly of each outer ring for hole-free shapes', () => {
    const { mask, w, h } = fromRows(['.....', '.###.', '.##..', '.....']);
    const [poly] = maskToPolygons(mask, w, h);
    expect(decodeRle(polygonsToRle([poly!.outer], h, w))).toEqual(mask);
  });

  it('simplifies with Douglas–Peucker within the tolerance', () => {
    // A disc of radius 40: the staircase contour collapses to far fewer points at tolerance 1.
    const w = 100;
    const h = 100;
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) mask[y * w + x] = (x - 50) ** 2 + (y - 50) ** 2 < 1600 ? 1 : 0;
    const exact = maskToPolygons(mask, w, h)[0]!.outer;
    const simple = maskToPolygons(mask, w, h, { tolerancePx: 1 })[0]!.outer;
    expect(simple.length).toBeLessThan(exact.length / 3);
    expect(maskIou(polygonsToMask([simple], w, h), mask)).toBeGreaterThan(0.97);
    expect(() => maskToPolygons(mask, w, h, { tolerancePx: -1 })).toThrow(/tolerancePx/);
  });

  it('never simplifies a ring below 3 points', () => {
    expect(simplifyRing([0, 0, 1, 0, 1, 1, 0, 1], 5)).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
  });

  it('returns no polygons for an empty mask and one rectangle for a full mask', () => {
    expect(maskToPolygons(new Uint8Array(12), 4, 3)).toEqual([]);
    expect(maskToPolygons(new Uint8Array(12).fill(1), 4, 3)).toEqual([
      { outer: [4, 0, 4, 3, 0, 3, 0, 0], holes: [] },
    ]);
  });
});
