import { describe, expect, it } from 'vitest';
import {
  countsBounds,
  decodeCounts,
  decodeRleCounts,
  encodeCounts,
  rleArea,
} from '../../../../src-renderer/model/rle';
import {
  bitmapArea,
  bitmapGet,
  bitmapToRle,
  emptyMaskBitmap,
  rleToBitmap,
  strokeBitmap,
  translateBitmap,
} from '../../../../src-renderer/model/mask-bitmap';
import { rng } from '../fixtures';

const VECTORS: Array<[number[], string]> = [
  [[5, 2, 2, 2, 5], '52203'],
  [[245, 5, 35, 5, 35, 5, 35, 5, 35, 5, 1190], 'e75S10000000ST1'],
  [[6, 1, 40, 4, 5, 4, 5, 4, 21], '61X13mN000`0'],
];

describe('RLE compressed counts (pycocotools string format)', () => {
  it.each(VECTORS)('encodes %j as %s and decodes it back', (counts, s) => {
    expect(encodeCounts(counts)).toBe(s);
    expect(decodeCounts(s)).toEqual(counts);
  });

  it('encodes single values like pycocotools', () => {
    expect(encodeCounts([5])).toBe('5');
    expect(encodeCounts([14])).toBe('>');
    expect(encodeCounts([20])).toBe('d0');
    expect(encodeCounts([30])).toBe('n0');
    expect(encodeCounts([32])).toBe('P1');
    expect(encodeCounts([1155])).toBe('ST1');
  });

  it('round-trips counts above 2^31 (no 32-bit overflow; pycocotools keeps uint32)', () => {
    const counts = [3_000_000_000, 7, 4_000_000_000];
    expect(decodeCounts(encodeCounts(counts))).toEqual(counts);
  });

  it('rejects bad strings and sizes with clear messages', () => {
    expect(() => decodeCounts('5~')).toThrow('invalid RLE counts string: character "~" at position 1');
    expect(() => decodeCounts('d')).toThrow('invalid RLE counts string: truncated value at position 1');
    expect(() => decodeRleCounts({ size: [5, 4], counts: '52203' })).toThrow(
      'RLE runs cover 16 pixels but size 5x4 needs 20',
    );
  });

  it('computes area and pycocotools bbox', () => {
    expect(rleArea({ size: [4, 4], counts: '52203' })).toBe(4);
    // 4x4, fg runs at 5..6 (col 1, rows 1-2) and 9..10 (col 2, rows 1-2)
    expect(countsBounds([5, 2, 2, 2, 5], 4)).toEqual({ x: 1, y: 1, widthPx: 2, heightPx: 2 });
    expect(countsBounds([16], 4)).toEqual({ x: 0, y: 0, widthPx: 0, heightPx: 0 });
  });
});

describe('cropped mask bitmaps', () => {
  it('decodes column-major runs into a row-major crop', () => {
    const bm = rleToBitmap({ size: [4, 4], counts: '52203' });
    expect(bm).toMatchObject({ x: 1, y: 1, widthPx: 2, heightPx: 2, imageWidthPx: 4, imageHeightPx: 4 });
    expect([...bm.data]).toEqual([1, 1, 1, 1]);
    expect(bitmapToRle(bm)).toEqual({ size: [4, 4], counts: '52203' });
  });

  it('round-trips random masks exactly', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const w = 1 + Math.floor(rand() * 30);
      const h = 1 + Math.floor(rand() * 30);
      const full = new Uint8Array(w * h).map(() => (rand() < 0.3 ? 1 : 0));
      const rle = bitmapToRle({
        x: 0,
        y: 0,
        widthPx: w,
        heightPx: h,
        imageWidthPx: w,
        imageHeightPx: h,
        data: full,
      });
      const back = rleToBitmap(rle);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) expect(bitmapGet(back, x, y)).toBe(full[y * w + x] === 1);
      }
      // Column-major check against a direct run computation.
      const colMajor: number[] = [];
      for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) colMajor.push(full[y * w + x]!);
      const runs: number[] = [];
      let v = 0;
      let run = 0;
      for (const px of colMajor) {
        if (px === v) run++;
        else {
          runs.push(run);
          v = px;
          run = 1;
        }
      }
      runs.push(run);
      expect(rle.counts).toBe(encodeCounts(runs));
    }
  });

  it('paints and erases discs, and strokes have no gaps', () => {
    let bm = strokeBitmap(emptyMaskBitmap(100, 50), { x: 10, y: 10 }, { x: 90, y: 10 }, 3, 1);
    for (let x = 8; x < 92; x++) expect(bitmapGet(bm, x, 10)).toBe(true);
    expect(bitmapGet(bm, 50, 14)).toBe(false);
    bm = strokeBitmap(bm, { x: 50, y: 10 }, { x: 50, y: 10 }, 5, 0);
    expect(bitmapGet(bm, 50, 10)).toBe(false);
    expect(bitmapGet(bm, 40, 10)).toBe(true);
  });

  it('clips painting to the image and translation drops what leaves it', () => {
    const bm = strokeBitmap(emptyMaskBitmap(20, 20), { x: 0, y: 0 }, { x: 0, y: 0 }, 4, 1);
    expect(bm.x).toBe(0);
    expect(bm.y).toBe(0);
    const area = bitmapArea(bm);
    expect(area).toBeGreaterThan(0);
    const moved = translateBitmap(bm, 18, 18);
    expect(bitmapArea(moved)).toBeLessThan(area);
    expect(bitmapGet(moved, 18, 18)).toBe(true);
    expect(bitmapArea(translateBitmap(bm, 100, 0))).toBe(0);
  });
});
