import { countsToString, parseCountsScratch } from './counts-string';
import { bboxToCounts, polygonToCounts } from './frpoly';
import { checkMaskSize, countsToMask, maskToCountsTs } from './rle-mask';
import { unionCanonicalCounts } from './rle-merge';
import { type CompressedRle } from './rle-ops';
import { wasmEncodeMask } from './wasm/kernels';
import { assertSize } from './words';

export function encodeMask(mask: Uint8Array, widthPx: number, heightPx: number): CompressedRle {
  checkMaskSize(mask, widthPx, heightPx);
  const counts =
    wasmEncodeMask(mask, widthPx, heightPx, true)?.text ??
    countsToString(maskToCountsTs(mask, widthPx, heightPx));
  return { size: [heightPx, widthPx], counts };
}

export function decodeRle(rle: CompressedRle): Uint8Array {
  const [h, w] = rle.size;
  return countsToMask(parseCountsScratch(rle.counts), h, w);
}

/** An uncompressed RLE ({counts: number[]}, as official crowd annotations carry) compressed. */
export function uncompressedToRle(u: { size: [number, number]; counts: readonly number[] }): CompressedRle {
  const [h, w] = u.size;
  assertSize(w, h);
  u.counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= 4294967296) {
      throw new Error(`invalid uncompressed RLE: counts[${i}]=${c} is not a non-negative 32-bit integer`);
    }
  });
  return { size: [h, w], counts: countsToString(u.counts) };
}

/** null if the RLE is well formed and its runs cover exactly h*w pixels, else the reason. */
export function validateRle(rle: CompressedRle): string | null {
  const [h, w] = rle.size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    return `RLE size must be two positive integers [height, width], got ${JSON.stringify(rle.size)}`;
  }
  let counts: Uint32Array;
  try {
    counts = parseCountsScratch(rle.counts);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i]!;
  if (sum !== h * w) return `RLE counts sum to ${sum}, expected height×width = ${h}×${w} = ${h * w}`;
  return null;
}

/** pycocotools `frPyObjects(polygons, h, w)`: one RLE per polygon. */
export function rleFrPoly(
  polygons: readonly ArrayLike<number>[],
  heightPx: number,
  widthPx: number,
): CompressedRle[] {
  return polygons.map((p) => ({
    size: [heightPx, widthPx],
    counts: countsToString(polygonToCounts(p, heightPx, widthPx)),
  }));
}

/** pycocotools `frPyObjects(bboxes, h, w)` / `frBbox`: one RLE per [x, y, w, h] box. */
export function rleFrBbox(
  boxes: readonly (readonly [number, number, number, number])[],
  heightPx: number,
  widthPx: number,
): CompressedRle[] {
  return boxes.map((b) => ({
    size: [heightPx, widthPx],
    counts: countsToString(bboxToCounts(b, heightPx, widthPx)),
  }));
}

/** pycocotools `frPyObjects(polygons, h, w)` then `merge` (what `COCO.annToRLE` does): one RLE. */
export function polygonsToRle(
  polygons: readonly ArrayLike<number>[],
  heightPx: number,
  widthPx: number,
): CompressedRle {
  assertSize(widthPx, heightPx);
  if (polygons.length === 0)
    return { size: [heightPx, widthPx], counts: countsToString([heightPx * widthPx]) };
  const parts = polygons.map((p) => polygonToCounts(p, heightPx, widthPx));
  return { size: [heightPx, widthPx], counts: countsToString(unionCanonicalCounts(parts)) };
}
