import { type CocoRle } from '../../src-preload/contract/geometry';

/**
 * COCO RLE in the renderer: the pycocotools compressed-counts string format (column-major runs that start
 * with a run of 0s). Arithmetic avoids 32-bit bit operators because counts can exceed 2^31.
 */

const CHAR_OFFSET = 48;

/** pycocotools `rleToString`: counts → compressed string. */
export function encodeCounts(counts: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] ?? 0;
    if (i > 2) x -= counts[i - 2] ?? 0;
    let more = true;
    while (more) {
      const c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      out += String.fromCharCode((more ? c | 0x20 : c) + CHAR_OFFSET);
    }
  }
  return out;
}

/** pycocotools `rleFrString`: compressed string → counts. Throws on characters outside '0'..'o'. */
export function decodeCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let scale = 1;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error(`RLE counts string ends inside a number at position ${p}`);
      const c = s.charCodeAt(p) - CHAR_OFFSET;
      if (c < 0 || c > 63) throw new Error(`RLE counts string has an invalid character at position ${p}`);
      x += (c & 0x1f) * scale;
      scale *= 32;
      more = (c & 0x20) !== 0;
      p++;
      if (!more && (c & 0x10) !== 0) x -= scale;
    }
    const m = counts.length;
    if (m > 2) x += counts[m - 2] ?? 0;
    counts.push(x);
  }
  return counts;
}

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
