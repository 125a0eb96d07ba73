import { type CocoRle } from '@contract';
import { countsFromString, countsToBbox, parseCountsScratch, type PixelRect } from '@shared/mask';

/**
 * COCO RLE in the renderer: the pycocotools compressed-counts format and box, from @shared/mask (the
 * same code main runs), under the names the editor uses.
 */
export {
  countsToString as encodeCounts,
  countsFromString as decodeCounts,
  rleArea,
  type PixelRect,
} from '@shared/mask';

/** Decodes and checks that the runs cover exactly height × width pixels (pycocotools raises otherwise). */
export function decodeRleCounts(rle: CocoRle): number[] {
  const counts = countsFromString(rle.counts);
  const [heightPx, widthPx] = rle.size;
  let total = 0;
  for (const c of counts) total += c;
  if (total !== heightPx * widthPx) {
    throw new Error(
      `RLE runs cover ${total} pixels but size ${heightPx}x${widthPx} needs ${heightPx * widthPx}`,
    );
  }
  return counts;
}

/**
 * pycocotools `toBbox` as a rect, uint32 wrap included (an RLE whose foreground runs all have length 0
 * gets the wrapped box pycocotools gives it). The width defaults to what the runs cover.
 */
export function countsBounds(counts: ArrayLike<number>, heightPx: number, widthPx?: number): PixelRect {
  let w = widthPx;
  if (w === undefined) {
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i]!;
    w = Math.ceil(total / heightPx);
  }
  const [x, y, bw, bh] = countsToBbox(counts, heightPx, w);
  return { x, y, widthPx: bw, heightPx: bh };
}

/** countsBounds straight from an RLE object (no counts array kept). */
export function rleBounds(rle: CocoRle): PixelRect {
  return countsBounds(parseCountsScratch(rle.counts), rle.size[0], rle.size[1]);
}
