import { describe, expect, it } from 'vitest';
import { describeBothBuilds } from './builds';
import * as mask from '@shared/mask';
import { seededRandom } from '../../../../src-main/core/random';
import * as oldRle from '../../../fixtures/segment/oracle/rle';

/**
 * The branch-free merge walk and the byte-level string codec against the replaced code (pycocotools'
 * own loops) on the inputs the encoder never makes: zero-length runs anywhere, lists that start or end
 * with them, single-run lists, and counts of 2^31 and more (which take pycocotools' loop).
 */

/** Random counts summing to `total`, with zero-length runs sprinkled in when `zeros`. */
function randomCounts(r: () => number, total: number, zeros: boolean): number[] {
  const out: number[] = [];
  let left = total;
  while (left > 0) {
    if (zeros && r() < 0.25) out.push(0);
    const c = Math.min(left, 1 + Math.floor(r() * 7));
    out.push(c);
    left -= c;
  }
  if (zeros && r() < 0.3) out.push(0);
  if (zeros && r() < 0.3) out.push(0, 0);
  return out;
}

describeBothBuilds('merge walk = pycocotools rleMerge', () => {
  it('matches the replaced loop on random lists, zero-length runs included', () => {
    const r = seededRandom(21);
    for (let t = 0; t < 600; t++) {
      const total = 1 + Math.floor(r() * 60);
      // Zero-length runs can cut pycocotools' merge short, and folding a cut list into the next one
      // never ends there: those lists are merged in pairs.
      const zeros = t % 3 !== 0;
      const n = zeros ? 2 : 2 + Math.floor(r() * 3);
      const lists = Array.from({ length: n }, () => {
        const l = randomCounts(r, total, zeros);
        return !zeros && r() < 0.4 ? [0, ...l] : l;
      });
      for (const intersect of [false, true]) {
        const want = oldRle.mergeCounts(lists, intersect);
        expect(Array.from(mask.mergeCounts(lists, intersect))).toEqual(want);
        expect(
          Array.from(
            mask.mergeCounts(
              lists.map((l) => Uint32Array.from(l)),
              intersect,
            ),
          ),
        ).toEqual(want);
        const rles = lists.map((l) => ({
          size: [total, 1] as [number, number],
          counts: mask.countsToString(l),
        }));
        expect(mask.rleMerge(rles, intersect)).toEqual(oldRle.mergeRles(rles, intersect));
      }
    }
  });

  it('takes the pycocotools loop for lists over 2^31 pixels, with the same result', () => {
    const big = 2 ** 32 - 6;
    const a = [0, 2 ** 31, big - 2 ** 31];
    const b = [5, 2 ** 31 + 7, big - 2 ** 31 - 12];
    for (const intersect of [false, true]) {
      expect(Array.from(mask.mergeCounts([a, b], intersect))).toEqual(oldRle.mergeCounts([a, b], intersect));
      const rles = [a, b].map((l) => ({
        size: [big, 1] as [number, number],
        counts: mask.countsToString(l),
      }));
      expect(mask.rleMerge(rles, intersect)).toEqual(oldRle.mergeRles(rles, intersect));
    }
  });

  it('refuses lists that cover different pixel totals (pycocotools loops forever on them)', () => {
    expect(() =>
      mask.mergeCounts([
        [3, 2],
        [3, 3],
      ]),
    ).toThrow(/cover 5 and 6 pixels/);
    const rles = [
      { size: [5, 1] as [number, number], counts: mask.countsToString([3, 2]) },
      { size: [5, 1] as [number, number], counts: mask.countsToString([3, 3]) },
    ];
    expect(() => mask.rleMerge(rles)).toThrow(/cover 5 and 6 pixels/);
  });

  it('unions canonical parts as a tree exactly like the left fold', () => {
    const r = seededRandom(4);
    for (let t = 0; t < 200; t++) {
      const total = 1 + Math.floor(r() * 80);
      const parts = Array.from({ length: 1 + Math.floor(r() * 6) }, () => {
        const l = randomCounts(r, total, false);
        return Uint32Array.from(r() < 0.5 ? [0, ...l] : l);
      });
      const want = oldRle.mergeCounts(
        parts.map((p) => Array.from(p)),
        false,
      );
      expect(Array.from(mask.unionCanonicalCounts(parts))).toEqual(want);
    }
  });
});

describe('counts strings through bytes', () => {
  it('writes every delta size as the replaced code did, from typed and plain arrays', () => {
    const r = seededRandom(8);
    const values = [
      0,
      1,
      15,
      16,
      511,
      512,
      2 ** 19,
      2 ** 29 - 1,
      2 ** 29,
      2 ** 30,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
    ];
    for (let t = 0; t < 300; t++) {
      const counts = Array.from({ length: 1 + Math.floor(r() * 12) }, () =>
        r() < 0.5 ? values[Math.floor(r() * values.length)]! : Math.floor(r() * 1000),
      );
      const s = oldRle.countsToString(counts);
      expect(mask.countsToString(counts)).toBe(s);
      expect(mask.countsToString(Uint32Array.from(counts))).toBe(s);
      expect(Array.from(mask.parseCounts(s))).toEqual(oldRle.countsFromString(s));
      const odd = counts.filter((_, i) => i % 2 === 1).reduce((x, y) => x + y, 0);
      expect(mask.rleArea({ size: [1, 1], counts: s })).toBe(odd);
    }
  });

  it('names the first bad char, a non-ASCII one too, or the cut value, as a char-by-char parse does', () => {
    for (const f of [mask.parseCounts, (s: string) => mask.rleArea({ size: [1, 1], counts: s })]) {
      expect(() => f('52~03')).toThrow('invalid RLE counts string: character "~" at position 2');
      expect(() => f('52é03')).toThrow('invalid RLE counts string: character "é" at position 2');
      expect(() => f('5\u{1F600}')).toThrow(/character "\\ud83d" at position 1/);
      expect(() => f('52P')).toThrow('invalid RLE counts string: truncated value at position 3');
      expect(() => f('5PPPPPPPP')).toThrow('invalid RLE counts string: truncated value at position 9');
    }
  });
});
