import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeBothBuilds } from './builds';
import * as mask from '@shared/mask';
import { seededRandom } from '../../../../src-main/core/random';
import * as oldComponents from '../../../fixtures/segment/oracle/components';
import * as oldContours from '../../../fixtures/segment/oracle/contours';
import * as oldOps from '../../../fixtures/segment/oracle/mask-ops';
import * as oldTopology from '../../../fixtures/segment/oracle/mask-topology';
import * as oldRle from '../../../fixtures/segment/oracle/rle';
import { maskTopology, rleToPolygons } from '../../../../src-main/core/formats/mask-topology';
import { connectedComponents } from '../../../../src-main/core/segment/components';

/**
 * The shared kernels against the code they replaced (tests/fixtures/segment/oracle), output for output:
 * the same counts, strings, boxes, rings (vertex order and hole nesting included) and labels, on random
 * masks of every kind and on real ones.
 */

const J = JSON.stringify;

/** Index of the first element where two arrays differ (or of the shorter one's end), -1 if equal. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

interface Sample {
  readonly mask: Uint8Array;
  readonly w: number;
  readonly h: number;
}

/** Noise, blobs with holes and islands, stripes, bytes other than 0/1, odd widths. */
function randomMasks(seed: number, count: number, maxSide: number): Sample[] {
  const r = seededRandom(seed);
  const out: Sample[] = [];
  for (let t = 0; t < count; t++) {
    const w = 1 + Math.floor(r() * maxSide);
    const h = 1 + Math.floor(r() * maxSide);
    const m = new Uint8Array(w * h);
    const p = r();
    switch (t % 4) {
      case 0:
        for (let i = 0; i < m.length; i++) m[i] = r() < p ? 1 : 0;
        break;
      case 1:
      case 2:
        for (let b = 0; b < 4; b++) {
          const x0 = Math.floor(r() * w);
          const y0 = Math.floor(r() * h);
          const x1 = Math.min(w, x0 + 2 + Math.floor(r() * w * 0.6));
          const y1 = Math.min(h, y0 + 2 + Math.floor(r() * h * 0.6));
          for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
        }
        for (let k = 0; k < 6; k++) m[Math.floor(r() * m.length)] = t % 8 === 1 ? 9 : 0;
        break;
      default:
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = (x + 2 * y) % 5 < 2 ? 255 : 0;
    }
    out.push({ mask: m, w, h });
  }
  return out;
}

function realMasks(): Sample[] {
  const fixture = JSON.parse(
    readFileSync(new URL('../../../fixtures/segment/real-masks.json', import.meta.url), 'utf8'),
  ) as { masks: { name: string; rle: { size: [number, number]; counts: string } }[] };
  return fixture.masks.map(({ rle }) => ({
    mask: oldRle.countsToMaskStrided(oldRle.countsFromString(rle.counts), rle.size[0], rle.size[1]),
    w: rle.size[1],
    h: rle.size[0],
  }));
}

const SAMPLES = [...randomMasks(11, 160, 48), ...realMasks()];

describeBothBuilds('shared mask kernels = the replaced code', () => {
  it('has real masks with holes and many parts among the samples', () => {
    const real = realMasks();
    expect(real).toHaveLength(3);
    for (const s of real) expect(oldContours.maskToPolygons(s.mask, s.w, s.h).length).toBeGreaterThan(0);
    const holes = real.map((s) => mask.maskToPolygons(s.mask, s.w, s.h).flatMap((p) => p.holes).length);
    expect(Math.min(...holes)).toBeGreaterThan(0);
  });

  it('encodes, decodes and strings counts identically (any width, unaligned views too)', () => {
    for (const { mask: m, w, h } of SAMPLES) {
      const counts = oldRle.maskToCountsStrided(m, w, h);
      expect(firstDiff(mask.maskToCounts(m, w, h), counts)).toBe(-1);
      const view = new Uint8Array(m.length + 3).subarray(3);
      view.set(m);
      expect(firstDiff(mask.maskToCounts(view, w, h), counts)).toBe(-1);
      expect(firstDiff(mask.countsToMask(counts, h, w), oldRle.countsToMaskStrided(counts, h, w))).toBe(-1);
      const s = oldRle.countsToString(counts);
      expect(mask.countsToString(counts)).toBe(s);
      expect(mask.countsToString(mask.parseCounts(s))).toBe(s);
      expect(firstDiff(mask.countsFromString(s), oldRle.countsFromString(s))).toBe(-1);
      expect(mask.encodeMask(m, w, h)).toEqual(oldRle.encodeMask(m, w, h));
    }
  });

  it('gives the same area, box and merges', () => {
    const all = SAMPLES.map((s) => ({ ...s, rle: oldRle.encodeMask(s.mask, s.w, s.h) }));
    for (let i = 0; i < all.length; i++) {
      const a = all[i]!;
      const b = all.find((x, j) => j > i && x.w === a.w && x.h === a.h) ?? a;
      expect(mask.rleArea(a.rle)).toBe(oldRle.rleArea(a.rle));
      expect(mask.rleToBbox(a.rle)).toEqual(oldRle.rleToBbox(a.rle));
      for (const intersect of [false, true]) {
        expect(mask.rleMerge([a.rle, b.rle, a.rle], intersect)).toEqual(
          oldRle.mergeRles([a.rle, b.rle, a.rle], intersect),
        );
      }
    }
  });

  it('traces the same rings, in the same order, with the same holes, at any tolerance', () => {
    for (const { mask: m, w, h } of SAMPLES) {
      expect(J(mask.maskToPolygons(m, w, h))).toBe(J(oldContours.maskToPolygons(m, w, h)));
      expect(J(mask.maskToPolygons(m, w, h, { tolerancePx: 1.5 }))).toBe(
        J(oldContours.maskToPolygons(m, w, h, { tolerancePx: 1.5 })),
      );
      const rings = oldContours.maskToRings(m, w, h);
      expect(firstDiff(mask.ringsToMask(rings, w, h), oldContours.polygonsToMask(rings, w, h))).toBe(-1);
    }
  });

  it('labels components and RLE parts the same way', () => {
    for (const { mask: m, w, h } of SAMPLES) {
      for (const conn of [4, 8] as const) {
        const a = connectedComponents(m, w, h, conn);
        const b = oldComponents.connectedComponents(m, w, h, conn);
        expect(a.count).toBe(b.count);
        expect(firstDiff(a.labels, b.labels)).toBe(-1);
      }
      const rle = oldRle.encodeMask(m, w, h);
      expect(J(rleToPolygons(rle))).toBe(J(oldTopology.rleToPolygons(rle)));
      expect(maskTopology(rle)).toEqual(oldTopology.maskTopology(rle));
    }
  });

  it('counts dense IoU and area the same way', () => {
    for (let i = 1; i < SAMPLES.length; i++) {
      const a = SAMPLES[i - 1]!.mask;
      const b = SAMPLES[i]!.mask;
      const n = Math.min(a.length, b.length);
      expect(mask.denseIou(a.subarray(0, n), b.subarray(0, n))).toBe(
        oldOps.maskIou(a.subarray(0, n), b.subarray(0, n)),
      );
      expect(mask.denseArea(a)).toBe(oldOps.maskArea(a));
    }
  });

  it('rasterises random polygons as the ported frPoly did', () => {
    const r = seededRandom(5);
    for (let t = 0; t < 300; t++) {
      const w = 1 + Math.floor(r() * 60);
      const h = 1 + Math.floor(r() * 60);
      const k = 3 + Math.floor(r() * 8);
      const poly: number[] = [];
      for (let i = 0; i < k; i++) poly.push(r() * (w + 6) - 3, r() * (h + 6) - 3);
      expect(Array.from(mask.polygonToCounts(poly, h, w))).toEqual(oldRle.polygonToCounts(poly, h, w));
    }
  });

  it('rasterises large polygons, and columns crossed many times, as the ported frPoly did', () => {
    const r = seededRandom(15);
    for (let t = 0; t < 40; t++) {
      const w = 50 + Math.floor(r() * 250);
      const h = 50 + Math.floor(r() * 250);
      const k = 20 + Math.floor(r() * 150);
      const poly: number[] = [];
      for (let i = 0; i < k; i++) poly.push(r() * (w + 20) - 10, r() * (h + 20) - 10);
      expect(Array.from(mask.polygonToCounts(poly, h, w))).toEqual(oldRle.polygonToCounts(poly, h, w));
    }
    // A comb whose 40 teeth cross columns 10..12 eighty times each.
    const comb: number[] = [0, 0];
    for (let i = 0; i < 40; i++) comb.push(30, 5 * i + 1, 30, 5 * i + 3, 0, 5 * i + 4);
    comb.push(0, 205);
    expect(Array.from(mask.polygonToCounts(comb, 210, 40))).toEqual(oldRle.polygonToCounts(comb, 210, 40));
  });
});

describeBothBuilds('polygon sets (annToRLE)', () => {
  it('unions many polygons as the left fold of pycocotools merge did', () => {
    const r = seededRandom(9);
    for (let t = 0; t < 120; t++) {
      const w = 1 + Math.floor(r() * 50);
      const h = 1 + Math.floor(r() * 50);
      const polys: number[][] = [];
      const n = 1 + Math.floor(r() * 9);
      for (let j = 0; j < n; j++) {
        const k = 3 + Math.floor(r() * 5);
        const poly: number[] = [];
        // Some polygons lie on the image edges or outside it, some are tiny, some overlap.
        for (let i = 0; i < k; i++) poly.push(r() * (w + 10) - 5, r() * (h + 10) - 5);
        if (j % 4 === 3) poly.splice(0, poly.length, 0, 0, w, 0, w, h, 0, h);
        polys.push(poly);
      }
      expect(mask.polygonsToRle(polys, h, w)).toEqual(oldRle.polygonsToRle(polys, h, w));
    }
  });
});
