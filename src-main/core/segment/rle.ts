import { type CocoRle } from '@contract';
import * as mask from '@shared/mask';

/**
 * COCO run-length encoding for core, bit for bit as pycocotools: the kernels live in @shared/mask
 * (shared with the renderer); this module gives them core's names and the contract's CocoRle type.
 * Masks passed in and out are ROW-major Uint8Array (index y*widthPx+x), values 0/1.
 */
export {
  countsArea,
  countsFromString,
  countsIou,
  countsToBbox,
  countsToString,
  decodeRle,
  mergeCounts,
  polygonToCounts,
  polygonsToRle,
  rleArea,
  rleIou,
  rleToBbox,
  uncompressedToRle,
  validateRle,
} from '@shared/mask';

/** Run lengths, column-major, as pycocotools `rleEncode` (any nonzero byte counts as foreground). */
export function maskToCounts(m: Uint8Array, widthPx: number, heightPx: number): number[] {
  return Array.from(mask.maskToCounts(m, widthPx, heightPx));
}

/** Row-major mask from run lengths; throws (like pycocotools ≥2.0.8) if the runs overflow h*w. */
export function countsToMask(counts: readonly number[], heightPx: number, widthPx: number): Uint8Array {
  return mask.countsToMask(counts, heightPx, widthPx);
}

export function encodeMask(m: Uint8Array, widthPx: number, heightPx: number): CocoRle {
  return mask.encodeMask(m, widthPx, heightPx);
}

/** pycocotools `merge`: union (or intersection) of same-size RLEs; one input is returned as is. */
export function mergeRles(rles: readonly CocoRle[], intersect = false): CocoRle {
  return mask.rleMerge(rles, intersect);
}

/**
 * The reference walk for maskToCounts: column by column, one pixel at a time (tests compare the word-
 * wise encoder with it).
 */
export function maskToCountsStrided(m: Uint8Array, widthPx: number, heightPx: number): number[] {
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < widthPx; x++) {
    for (let idx = x; idx < widthPx * heightPx; idx += widthPx) {
      const v = m[idx] === 0 ? 0 : 1;
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** The reference decoder for countsToMask: writes each foreground run down its columns. */
export function countsToMaskStrided(
  counts: readonly number[],
  heightPx: number,
  widthPx: number,
): Uint8Array {
  const out = new Uint8Array(widthPx * heightPx);
  mask.forEachColumnSegment(counts, heightPx, widthPx, (x, y0, y1) => {
    for (let y = y0, idx = y0 * widthPx + x; y < y1; y++, idx += widthPx) out[idx] = 1;
  });
  return out;
}
