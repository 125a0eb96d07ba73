import { describe, expect, it } from 'vitest';
import { countsBounds, rleBounds } from '../../../../src-renderer/model/rle';
import { rleToBitmap } from '../../../../src-renderer/model/mask-bitmap';
import { countsToBbox, countsToString } from '@shared/mask';
import { rng } from '../fixtures';

describe('the renderer box is pycocotools toBbox', () => {
  it('wraps like uint32 on an RLE whose foreground runs all have length 0', () => {
    // 4×4, counts [4, 0, 12]: m is cut to 2, the one foreground run is empty, so xs=w, ys=h stay and
    // pycocotools computes 0-w+1 and 0-h+1 in uint32.
    expect(countsBounds([4, 0, 12], 4)).toEqual({ x: 4, y: 4, widthPx: 4294967293, heightPx: 4294967293 });
    expect(rleBounds({ size: [4, 4], counts: countsToString([4, 0, 12]) })).toEqual({
      x: 4,
      y: 4,
      widthPx: 4294967293,
      heightPx: 4294967293,
    });
    // Nothing to draw, and no 2^64-pixel crop either.
    expect(rleToBitmap({ size: [4, 4], counts: countsToString([4, 0, 12]) })).toMatchObject({
      widthPx: 0,
      heightPx: 0,
    });
  });

  it('equals core countsToBbox on random counts, zero-length runs included', () => {
    const rand = rng(3);
    for (let t = 0; t < 300; t++) {
      const h = 1 + Math.floor(rand() * 9);
      const w = 1 + Math.floor(rand() * 9);
      const counts: number[] = [];
      let left = h * w;
      while (left > 0) {
        const c = rand() < 0.2 ? 0 : Math.min(left, 1 + Math.floor(rand() * 6));
        counts.push(c);
        left -= c;
      }
      const [x, y, bw, bh] = countsToBbox(counts, h, w);
      expect(countsBounds(counts, h, w)).toEqual({ x, y, widthPx: bw, heightPx: bh });
      expect(countsBounds(counts, h)).toEqual({ x, y, widthPx: bw, heightPx: bh });
    }
  });
});
