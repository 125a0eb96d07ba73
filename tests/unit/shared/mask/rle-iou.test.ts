import { describe, expect, it } from 'vitest';
import { bboxIou, countsIou, countsToString, encodeMask, rleIou, type CompressedRle } from '@shared/mask';
import { seededRandom } from '../../../../src-main/core/random';
import * as oldRle from '../../../fixtures/segment/oracle/rle';

/** A row-major mask from rows of '#' and '.'. */
function rle(rows: string[]): CompressedRle {
  const h = rows.length;
  const w = rows[0]!.length;
  const m = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => (m[y * w + x] = c === '#' ? 1 : 0)));
  return encodeMask(m, w, h);
}

describe('RLE IoU (pycocotools rleIou)', () => {
  const a = rle(['##..', '##..', '....', '....']); // 4 px
  const b = rle(['.##.', '.##.', '.##.', '....']); // 6 px, 2 shared with a

  it('is |a∩b| / |a∪b| for ordinary ground truth', () => {
    expect(rleIou([a], [b])).toEqual([[2 / 8]]);
    expect(rleIou([b], [a], [0])).toEqual([[2 / 8]]);
    expect(rleIou([a], [a])).toEqual([[1]]);
  });

  it('is |dt∩gt| / |dt| against a crowd region', () => {
    expect(rleIou([a], [b], [1])).toEqual([[2 / 4]]);
    expect(rleIou([b], [a], [true])).toEqual([[2 / 6]]);
  });

  it('lays out detections by rows and ground truths by columns, crowd flags per ground truth', () => {
    const c = rle(['....', '....', '...#', '...#']); // 2 px, touches nothing
    expect(rleIou([a, b, c], [b, c], [0, 1])).toEqual([
      [2 / 8, 0],
      [1, 0],
      [0, 1],
    ]);
  });

  it('is 0 when the boxes miss or nothing is shared, and for two empty masks', () => {
    const touching = rle(['..#.', '..#.', '....', '....']); // box overlaps b's, but shares with a nothing
    expect(rleIou([a], [touching])).toEqual([[0]]);
    const empty = rle(['....', '....', '....', '....']);
    expect(rleIou([empty], [empty])).toEqual([[0]]);
    expect(rleIou([a], [empty], [1])).toEqual([[0]]);
  });

  it('is -1 for masks of different sizes whose boxes overlap', () => {
    const wide = rle(['##...', '##...', '.....', '.....']);
    expect(rleIou([a], [wide])).toEqual([[-1]]);
  });

  it('follows the box IoU of pycocotools bbIou, crowd included', () => {
    expect(bboxIou([0, 0, 2, 2], [1, 0, 2, 3], false)).toBeCloseTo(2 / 8, 12);
    expect(bboxIou([0, 0, 2, 2], [1, 0, 2, 3], true)).toBeCloseTo(2 / 4, 12);
    expect(bboxIou([0, 0, 2, 2], [2, 0, 2, 2], false)).toBe(0);
  });

  it('equals area(merge(intersect)) / area(merge(union)) of the replaced code on random masks', () => {
    const r = seededRandom(3);
    for (let t = 0; t < 200; t++) {
      const w = 1 + Math.floor(r() * 30);
      const h = 1 + Math.floor(r() * 30);
      const ma = new Uint8Array(w * h).map(() => (r() < 0.4 ? 1 : 0));
      const mb = new Uint8Array(w * h).map(() => (r() < 0.4 ? 1 : 0));
      const ca = oldRle.maskToCountsStrided(ma, w, h);
      const cb = oldRle.maskToCountsStrided(mb, w, h);
      const inter = oldRle.countsArea(oldRle.mergeCounts([ca, cb], true));
      const union = oldRle.countsArea(oldRle.mergeCounts([ca, cb], false));
      const areaA = oldRle.countsArea(ca);
      const boxesMeet = oldRle.countsToBbox(ca, h, w)[2] > 0 && oldRle.countsToBbox(cb, h, w)[2] > 0;
      const expected = !boxesMeet || inter === 0 ? 0 : inter / union;
      const got = countsIou(Uint32Array.from(ca), [h, w], Uint32Array.from(cb), [h, w]);
      if (expected === 0) expect(got).toBe(0);
      else expect(got).toBeCloseTo(expected, 12);
      const crowd = countsIou(Uint32Array.from(ca), [h, w], Uint32Array.from(cb), [h, w], true);
      if (expected === 0) expect(crowd).toBe(0);
      else expect(crowd).toBeCloseTo(inter / areaA, 12);
      // The string path walks run boundaries instead: the same figures to the last bit.
      const rles = [ca, cb].map((c) => ({ size: [h, w] as [number, number], counts: countsToString(c) }));
      expect(rleIou([rles[0]!], [rles[1]!], [0])).toEqual([[got]]);
      expect(rleIou([rles[0]!], [rles[1]!, rles[0]!], [1, 0])).toEqual([
        [crowd, rleIou([rles[0]!], [rles[0]!])[0]![0]],
      ]);
    }
  });

  it("takes pycocotools' loop for lists with zero-length runs, with its result", () => {
    const r = seededRandom(6);
    for (let t = 0; t < 200; t++) {
      const total = 4 + Math.floor(r() * 40);
      const lists = [0, 1].map(() => {
        const out: number[] = [];
        for (let left = total; left > 0;) {
          if (r() < 0.3) out.push(0);
          const c = Math.min(left, 1 + Math.floor(r() * 6));
          out.push(c);
          left -= c;
        }
        return out;
      });
      const [a, b] = lists.map((c) => Uint32Array.from(c));
      const rles = lists.map((c) => ({ size: [total, 1] as [number, number], counts: countsToString(c) }));
      for (const crowd of [false, true]) {
        expect(rleIou([rles[0]!], [rles[1]!], [crowd])).toEqual([
          [countsIou(a!, [total, 1], b!, [total, 1], crowd)],
        ]);
      }
    }
  });
});
