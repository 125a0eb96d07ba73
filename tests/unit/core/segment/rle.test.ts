import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src-main/core/random';
import {
  countsFromString,
  countsToMask,
  countsToString,
  decodeRle,
  encodeMask,
  maskToCounts,
  maskToCountsStrided,
  countsToMaskStrided,
  mergeRles,
  polygonsToRle,
  rleArea,
  rleToBbox,
  uncompressedToRle,
  validateRle,
} from '../../../../src-main/core/segment/rle';

const rng = seededRandom;

describe('compressed counts string (pycocotools rleToString / rleFrString)', () => {
  const published: [number[], string][] = [
    [[5, 2, 2, 2, 5], '52203'],
    [[6, 1, 40, 4, 5, 4, 5, 4, 21], '61X13mN000`0'],
    [[245, 5, 35, 5, 35, 5, 35, 5, 35, 5, 1190], 'e75S10000000ST1'],
  ];
  it.each(published)('encodes %j as the published string', (counts, s) => {
    expect(countsToString(counts)).toBe(s);
    expect(countsFromString(s)).toEqual(counts);
  });

  it('encodes single values from the spec', () => {
    expect(countsToString([5])).toBe('5');
    expect(countsToString([14])).toBe('>');
    expect(countsToString([20])).toBe('d0');
    expect(countsToString([30])).toBe('n0');
    expect(countsToString([32])).toBe('P1');
    expect(countsToString([40])).toBe('X1');
    expect(countsToString([1155])).toBe('ST1');
    // deltas: counts[3]-counts[1] = -2 and -35
    expect(countsToString([0, 10, 0, 8])).toBe('0:0N');
    expect(countsToString([0, 40, 0, 5])).toBe('0X10mN');
  });

  it('round-trips large runs up to 2^32-1 exactly', () => {
    const counts = [4294967295, 1, 0, 4294967290, 123456789, 5];
    expect(countsFromString(countsToString(counts))).toEqual(counts);
  });

  it('rejects characters outside the alphabet and truncated values with a position', () => {
    expect(() => countsFromString('5 2')).toThrow(/position 1/);
    expect(() => countsFromString('5P')).toThrow(/truncated value at position 2/);
  });
});

describe('mask encode/decode', () => {
  it('encodes column-major: the mask.py example M=[0 0 1 1 1 0 1] as [2,3,1,1]', () => {
    const mask = Uint8Array.from([0, 0, 1, 1, 1, 0, 1]); // a 7×1 column
    expect(maskToCounts(mask, 1, 7)).toEqual([2, 3, 1, 1]);
  });

  it('encodes a row-major 3×2 mask in column-major order', () => {
    // rows: [1 0 0], [1 1 0] → column-major: col0 = 1,1; col1 = 0,1; col2 = 0,0
    const mask = Uint8Array.from([1, 0, 0, 1, 1, 0]);
    expect(maskToCounts(mask, 3, 2)).toEqual([0, 2, 1, 1, 2]);
    expect(decodeRle(encodeMask(mask, 3, 2))).toEqual(mask);
  });

  it('handles empty and full masks', () => {
    const empty = new Uint8Array(12 * 5);
    const full = new Uint8Array(12 * 5).fill(1);
    expect(maskToCounts(empty, 12, 5)).toEqual([60]);
    expect(maskToCounts(full, 12, 5)).toEqual([0, 60]);
    expect(rleArea(encodeMask(empty, 12, 5))).toBe(0);
    expect(rleArea(encodeMask(full, 12, 5))).toBe(60);
    expect(rleToBbox(encodeMask(empty, 12, 5))).toEqual([0, 0, 0, 0]);
    expect(rleToBbox(encodeMask(full, 12, 5))).toEqual([0, 0, 12, 5]);
    expect(decodeRle(encodeMask(full, 12, 5))).toEqual(full);
  });

  it('round-trips random masks (noise and blobs, runs ≥ 32) bit for bit', () => {
    const r = rng(7);
    for (let t = 0; t < 40; t++) {
      const w = 1 + Math.floor(r() * 90);
      const h = 1 + Math.floor(r() * 90);
      const mask = new Uint8Array(w * h);
      const p = r();
      if (t % 2 === 0) for (let i = 0; i < mask.length; i++) mask[i] = r() < p ? 1 : 0;
      else {
        const x0 = Math.floor(r() * w);
        const y0 = Math.floor(r() * h);
        for (let y = y0; y < h; y++) for (let x = x0; x < w; x++) mask[y * w + x] = 1;
      }
      const rle = encodeMask(mask, w, h);
      expect(rle.size).toEqual([h, w]);
      expect(validateRle(rle)).toBeNull();
      expect(decodeRle(rle)).toEqual(mask);
      expect(rleArea(rle)).toBe(mask.reduce((a, b) => a + b, 0));
    }
  });

  it('the row-wise (word XOR) encoder/decoder equal the strided reference walk', () => {
    const r = rng(99);
    for (let t = 0; t < 60; t++) {
      const w = 4 * (1 + Math.floor(r() * 20)) + (t % 3 === 0 ? 1 + Math.floor(r() * 3) : 0); // some widths not /4
      const h = 1 + Math.floor(r() * 50);
      const mask = new Uint8Array(w * h);
      const p = r();
      const blocky = t % 2 === 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          mask[y * w + x] = blocky
            ? Math.sin(x * 0.3 + t) + Math.cos(y * 0.4) > 0.3
              ? 1
              : 0
            : r() < p
              ? 1
              : 0;
        }
      }
      const counts = maskToCountsStrided(mask, w, h);
      expect(maskToCounts(mask, w, h)).toEqual(counts);
      expect(countsToMask(counts, h, w)).toEqual(countsToMaskStrided(counts, h, w));
      expect(countsToMask(counts, h, w)).toEqual(mask);
    }
  });

  it('treats any nonzero byte as foreground, also from an unaligned view', () => {
    const buf = new Uint8Array(1 + 8 * 3);
    const view = buf.subarray(1); // byteOffset 1: not word aligned
    view.set([0, 2, 2, 0, 0, 0, 0, 9, 0, 1, 1, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 1]);
    const expected = maskToCountsStrided(
      view.map((v) => (v ? 1 : 0)),
      8,
      3,
    );
    expect(maskToCounts(view, 8, 3)).toEqual(expected);
    const copy = view.slice(); // aligned, with bytes > 1
    expect(maskToCounts(copy, 8, 3)).toEqual(expected);
  });

  it('decodes zero-length runs and rejects runs past h*w', () => {
    // "3 leading zeros" style input: column 0 is foreground, column 1 background.
    expect(countsToMask([0, 0, 0, 2, 2], 2, 2)).toEqual(Uint8Array.from([1, 0, 1, 0]));
    expect(() => countsToMask([3, 3], 2, 2)).toThrow(/past 2×2=4/);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => encodeMask(new Uint8Array(5), 2, 2)).toThrow(/5 pixels, expected 2×2=4/);
  });
});

describe('area, bbox, validation', () => {
  it('computes toBbox like pycocotools on single-column and multi-column masks', () => {
    const w = 10;
    const h = 8;
    const mask = new Uint8Array(w * h);
    for (let y = 2; y <= 5; y++) for (let x = 3; x <= 6; x++) mask[y * w + x] = 1;
    const rle = encodeMask(mask, w, h);
    expect(rleToBbox(rle)).toEqual([3, 2, 4, 4]);
    expect(rleArea(rle)).toBe(16);
    // A run crossing a column boundary spans the full height in pycocotools' toBbox.
    expect(rleToBbox({ size: [4, 3], counts: countsToString([3, 2, 7]) })).toEqual([0, 0, 2, 4]);
  });

  it('validates sums, sizes and strings', () => {
    expect(validateRle({ size: [2, 2], counts: countsToString([1, 3]) })).toBeNull();
    expect(validateRle({ size: [2, 2], counts: countsToString([1, 2]) })).toMatch(
      /sum to 3, expected .* = 4/,
    );
    expect(validateRle({ size: [0, 2], counts: '' })).toMatch(/positive integers/);
    expect(validateRle({ size: [2, 2], counts: '~' })).toMatch(/character/);
  });

  it('converts uncompressed RLE and rejects negative counts', () => {
    expect(uncompressedToRle({ size: [7, 1], counts: [2, 3, 1, 1] })).toEqual({
      size: [7, 1],
      counts: '231N',
    });
    expect(() => uncompressedToRle({ size: [2, 2], counts: [1, -1] })).toThrow(/counts\[1\]=-1/);
  });
});

describe('polygon rasterisation (frPoly) and merge', () => {
  it('gives 8 pixels for [1,2,1,4,5,4,5,2] on a 7×7 image (not the inclusive 15)', () => {
    const rle = polygonsToRle([[1, 2, 1, 4, 5, 4, 5, 2]], 7, 7);
    expect(rleArea(rle)).toBe(8);
    expect(rleToBbox(rle)).toEqual([1, 2, 4, 2]);
  });

  it('puts half-pixel ties on the right/bottom side', () => {
    const mask = decodeRle(polygonsToRle([[0.5, 0.5, 3.5, 0.5, 3.5, 2.5, 0.5, 2.5]], 5, 5));
    const on: [number, number][] = [];
    mask.forEach((v, i) => v && on.push([i % 5, Math.floor(i / 5)]));
    expect(on).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it('matches pycocotools maskApi.c on 126 random and edge-case polygons', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../../fixtures/segment/frpoly-pycocotools.json', import.meta.url), 'utf8'),
    ) as { cases: { h: number; w: number; polygons: number[][]; counts: string }[] };
    expect(fixture.cases.length).toBe(126);
    for (const c of fixture.cases) {
      expect(polygonsToRle(c.polygons, c.h, c.w).counts, JSON.stringify(c.polygons)).toBe(c.counts);
    }
  });

  it('merges by union and intersection', () => {
    const a = polygonsToRle([[0, 0, 4, 0, 4, 4, 0, 4]], 6, 6);
    const b = polygonsToRle([[2, 2, 6, 2, 6, 6, 2, 6]], 6, 6);
    expect(rleArea(mergeRles([a, b]))).toBe(16 + 16 - 4);
    expect(rleArea(mergeRles([a, b], true))).toBe(4);
    expect(() => mergeRles([a, polygonsToRle([[0, 0, 1, 0, 1, 1]], 5, 6)])).toThrow(/RLE 1 has size 5×6/);
  });

  it('returns an empty mask for no polygons and rejects odd coordinate lists', () => {
    expect(rleArea(polygonsToRle([], 3, 4))).toBe(0);
    expect(() => polygonsToRle([[1, 2, 3]], 3, 4)).toThrow(/odd number/);
  });
});
