import { type CocoRle } from '@contract';
import { countsFromString, countsToString, forEachColumnSegment } from '@contract/rle-counts';

export { countsFromString, countsToString };
import { polygonToCounts } from './frpoly';
import { countsToMaskByRows, maskToCountsByRows, wordAligned } from './rle-rows';

export { polygonToCounts };

/**
 * COCO run-length encoding, bit for bit as pycocotools (common/maskApi.c): column-major runs starting
 * with a run of zeros, the LEB128-like compressed string, area, toBbox, frPoly and merge.
 * Masks passed in and out of this module are ROW-major Uint8Array (index y*widthPx+x), values 0/1.
 */

const UINT32 = 4294967296;

/** Run lengths, column-major, as pycocotools `rleEncode` (any nonzero byte counts as foreground). */
export function maskToCounts(mask: Uint8Array, widthPx: number, heightPx: number): number[] {
  assertSize(widthPx, heightPx);
  if (mask.length !== widthPx * heightPx) {
    throw new Error(`mask has ${mask.length} pixels, expected ${widthPx}×${heightPx}=${widthPx * heightPx}`);
  }
  return (
    (wordAligned(mask, widthPx) ? maskToCountsByRows(mask, widthPx, heightPx) : undefined) ??
    maskToCountsStrided(mask, widthPx, heightPx)
  );
}

/** The reference walk: column by column, one pixel at a time. */
export function maskToCountsStrided(mask: Uint8Array, widthPx: number, heightPx: number): number[] {
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < widthPx; x++) {
    for (let idx = x; idx < widthPx * heightPx; idx += widthPx) {
      const v = mask[idx] === 0 ? 0 : 1;
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

export function encodeMask(mask: Uint8Array, widthPx: number, heightPx: number): CocoRle {
  return { size: [heightPx, widthPx], counts: countsToString(maskToCounts(mask, widthPx, heightPx)) };
}

/** Row-major mask from run lengths; throws (like pycocotools ≥2.0.8) if the runs overflow h*w. */
export function countsToMask(counts: readonly number[], heightPx: number, widthPx: number): Uint8Array {
  assertSize(widthPx, heightPx);
  const total = widthPx * heightPx;
  let sum = 0;
  for (const c of counts) sum += c;
  if (sum > total) throw new Error(`invalid RLE: runs sum past ${heightPx}×${widthPx}=${total} pixels`);
  return wordAligned(undefined, widthPx)
    ? countsToMaskByRows(counts, heightPx, widthPx)
    : countsToMaskStrided(counts, heightPx, widthPx);
}

/** The reference decoder: writes each foreground run down its columns. */
export function countsToMaskStrided(
  counts: readonly number[],
  heightPx: number,
  widthPx: number,
): Uint8Array {
  const mask = new Uint8Array(widthPx * heightPx);
  forEachColumnSegment(counts, heightPx, widthPx, (x, y0, y1) => {
    for (let y = y0, idx = y0 * widthPx + x; y < y1; y++, idx += widthPx) mask[idx] = 1;
  });
  return mask;
}

export function decodeRle(rle: CocoRle): Uint8Array {
  const [h, w] = rle.size;
  return countsToMask(countsFromString(rle.counts), h, w);
}

export function uncompressedToRle(u: { size: [number, number]; counts: number[] }): CocoRle {
  const [h, w] = u.size;
  assertSize(w, h);
  u.counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= UINT32) {
      throw new Error(`invalid uncompressed RLE: counts[${i}]=${c} is not a non-negative 32-bit integer`);
    }
  });
  return { size: [h, w], counts: countsToString(u.counts) };
}

export function countsArea(counts: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i] ?? 0;
  return area;
}

export function rleArea(rle: CocoRle): number {
  return countsArea(countsFromString(rle.counts));
}

/** pycocotools ≥2.0.3 `rleToBbox`, including its uint32 wrap on RLEs whose foreground runs are all 0. */
export function countsToBbox(
  counts: readonly number[],
  heightPx: number,
  widthPx: number,
): [number, number, number, number] {
  const m = counts.length - (counts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = widthPx;
  let ys = heightPx;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  for (let j = 0; j < m; j++) {
    const start = cc;
    const c = counts[j] ?? 0;
    cc += c;
    if (j % 2 === 0 || c === 0) continue;
    const yStart = start % heightPx;
    const xStart = (start - yStart) / heightPx;
    const yEnd = (cc - 1) % heightPx;
    const xEnd = (cc - 1 - yEnd) / heightPx;
    xs = Math.min(xs, xStart);
    xe = Math.max(xe, xEnd);
    if (xStart < xEnd) {
      ys = 0;
      ye = heightPx - 1;
    } else {
      ys = Math.min(ys, yStart);
      ye = Math.max(ye, yEnd);
    }
  }
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

export function rleToBbox(rle: CocoRle): [number, number, number, number] {
  const [h, w] = rle.size;
  return countsToBbox(countsFromString(rle.counts), h, w);
}

/** pycocotools `rleMerge`: union (or intersection) of same-size RLEs; one input is returned as is. */
export function mergeCounts(all: readonly (readonly number[])[], intersect: boolean): number[] {
  const first = all[0];
  if (first === undefined) throw new Error('mergeCounts needs at least one RLE');
  let cnts = [...first];
  for (let i = 1; i < all.length; i++) {
    const A = cnts;
    const B = all[i]!;
    let ca = A[0] ?? 0;
    let cb = B[0] ?? 0;
    let v = false;
    let va = false;
    let vb = false;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    const out: number[] = [];
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc += c;
      ct = 0;
      ca -= c;
      if (ca === 0 && a < A.length) {
        ca = A[a++]!;
        va = !va;
      }
      ct += ca;
      cb -= c;
      if (cb === 0 && b < B.length) {
        cb = B[b++]!;
        vb = !vb;
      }
      ct += cb;
      const vp: boolean = v;
      v = intersect ? va && vb : va || vb;
      if (v !== vp || ct === 0) {
        out.push(cc);
        cc = 0;
      }
    }
    cnts = out;
  }
  return cnts;
}

export function mergeRles(rles: readonly CocoRle[], intersect = false): CocoRle {
  const first = rles[0];
  if (first === undefined) throw new Error('mergeRles needs at least one RLE');
  const [h, w] = first.size;
  rles.forEach((r, i) => {
    if (r.size[0] !== h || r.size[1] !== w) {
      throw new Error(`mergeRles: RLE ${i} has size ${r.size.join('×')}, expected ${h}×${w}`);
    }
  });
  if (rles.length === 1) return { size: [h, w], counts: first.counts };
  const merged = mergeCounts(
    rles.map((r) => countsFromString(r.counts)),
    intersect,
  );
  return { size: [h, w], counts: countsToString(merged) };
}

/** pycocotools `frPyObjects(polygons, h, w)` then `merge` (what `COCO.annToRLE` does). */
export function polygonsToRle(
  polygons: readonly (readonly number[])[],
  heightPx: number,
  widthPx: number,
): CocoRle {
  assertSize(widthPx, heightPx);
  if (polygons.length === 0)
    return { size: [heightPx, widthPx], counts: countsToString([heightPx * widthPx]) };
  const parts = polygons.map((p) => polygonToCounts(p, heightPx, widthPx));
  return { size: [heightPx, widthPx], counts: countsToString(mergeCounts(parts, false)) };
}

/** null if the RLE is well formed and its runs cover exactly h*w pixels, else the reason. */
export function validateRle(rle: CocoRle): string | null {
  const [h, w] = rle.size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    return `RLE size must be two positive integers [height, width], got ${JSON.stringify(rle.size)}`;
  }
  let counts: number[];
  try {
    counts = countsFromString(rle.counts);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  let sum = 0;
  for (const c of counts) sum += c;
  if (sum !== h * w) return `RLE counts sum to ${sum}, expected height×width = ${h}×${w} = ${h * w}`;
  return null;
}

function assertSize(widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new Error(`mask size must be positive integers, got ${widthPx}×${heightPx}`);
  }
}
