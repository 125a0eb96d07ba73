import { type CocoRle } from '@contract';
import { countsFromString as decodeCounts } from '@contract/rle-counts';

/**
 * COCO RLE in the renderer: the pycocotools compressed-counts string format (column-major runs that start
 * with a run of 0s). Arithmetic avoids 32-bit bit operators because counts can exceed 2^31.
 */

/** The contract's counts-string codec under the names the editor uses. */
export { countsToString as encodeCounts, countsFromString as decodeCounts } from '@contract/rle-counts';

/** Decodes and checks that the runs cover exactly height × width pixels (pycocotools raises otherwise). */
export function decodeRleCounts(rle: CocoRle): number[] {
  const counts = decodeCounts(rle.counts);
  const [heightPx, widthPx] = rle.size;
  let total = 0;
  for (const c of counts) {
    if (c < 0) throw new Error('RLE counts must be non-negative');
    total += c;
  }
  if (total !== heightPx * widthPx) {
    throw new Error(
      `RLE runs cover ${total} pixels but size ${heightPx}x${widthPx} needs ${heightPx * widthPx}`,
    );
  }
  return counts;
}

/** Foreground pixel count: the sum of the odd runs. */
export function rleArea(rle: CocoRle): number {
  const counts = decodeCounts(rle.counts);
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i] ?? 0;
  return area;
}

export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** pycocotools `toBbox` (integer pixel bounds of the foreground); an empty mask gives a 0×0 rect. */
export function countsBounds(counts: readonly number[], heightPx: number): PixelRect {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  let start = 0;
  const m = counts.length - (counts.length % 2);
  for (let i = 0; i < m; i++) {
    const cnt = counts[i] ?? 0;
    if (i % 2 === 1 && cnt > 0) {
      const end = start + cnt - 1;
      const xs = Math.floor(start / heightPx);
      const xe = Math.floor(end / heightPx);
      xmin = Math.min(xmin, xs);
      xmax = Math.max(xmax, xe);
      if (xs < xe) {
        ymin = 0;
        ymax = heightPx - 1;
      } else {
        ymin = Math.min(ymin, start % heightPx);
        ymax = Math.max(ymax, end % heightPx);
      }
    }
    start += cnt;
  }
  if (xmin === Infinity) return { x: 0, y: 0, widthPx: 0, heightPx: 0 };
  return { x: xmin, y: ymin, widthPx: xmax - xmin + 1, heightPx: ymax - ymin + 1 };
}
