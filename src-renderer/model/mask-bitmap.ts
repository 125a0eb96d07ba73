import { type CocoRle } from '@contract';
import { countsArea, countsToCropMask, cropMaskToCounts } from '@shared/mask';
import { countsBounds, decodeRleCounts, encodeCounts, type PixelRect } from './rle';

/**
 * A mask cropped to its bounds, row-major, 1 byte per pixel (0 or 1). Cropping keeps 100 masks on a 4k
 * image cheap: a full-frame bitmap per mask would be 8 MB each.
 */
export interface MaskBitmap {
  /** Position of the crop in the image. */
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Size of the whole image the mask belongs to. */
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  readonly data: Uint8Array;
}

export function emptyMaskBitmap(imageWidthPx: number, imageHeightPx: number): MaskBitmap {
  return { x: 0, y: 0, widthPx: 0, heightPx: 0, imageWidthPx, imageHeightPx, data: new Uint8Array(0) };
}

/** Decodes an RLE into a bitmap cropped to the foreground bounds. */
export function rleToBitmap(rle: CocoRle): MaskBitmap {
  const [imageHeightPx, imageWidthPx] = rle.size;
  const counts = decodeRleCounts(rle);
  // No foreground pixel: an empty crop (pycocotools' box of such an RLE may be a wrapped one).
  if (countsArea(counts) === 0) return emptyMaskBitmap(imageWidthPx, imageHeightPx);
  const rect = countsBounds(counts, imageHeightPx, imageWidthPx);
  const data = countsToCropMask(counts, imageHeightPx, imageWidthPx, rect);
  return { ...rect, imageWidthPx, imageHeightPx, data };
}

/** Encodes a cropped bitmap as a full-image RLE (column-major, compressed counts). */
export function bitmapToRle(mask: MaskBitmap): CocoRle {
  const h = mask.imageHeightPx;
  const w = mask.imageWidthPx;
  return { size: [h, w], counts: encodeCounts(cropMaskToCounts(mask.data, mask, h, w)) };
}

export function bitmapArea(mask: MaskBitmap): number {
  let area = 0;
  for (const v of mask.data) area += v;
  return area;
}

export function bitmapGet(mask: MaskBitmap, x: number, y: number): boolean {
  const cx = Math.floor(x) - mask.x;
  const cy = Math.floor(y) - mask.y;
  if (cx < 0 || cy < 0 || cx >= mask.widthPx || cy >= mask.heightPx) return false;
  return mask.data[cy * mask.widthPx + cx] === 1;
}

/** Returns a copy whose crop covers `rect` too (clipped to the image). */
export function growBitmap(mask: MaskBitmap, rect: PixelRect): MaskBitmap {
  const hasArea = mask.widthPx > 0 && mask.heightPx > 0;
  const nx0 = Math.max(0, Math.min(hasArea ? mask.x : Infinity, rect.x));
  const ny0 = Math.max(0, Math.min(hasArea ? mask.y : Infinity, rect.y));
  const nx1 = Math.min(
    mask.imageWidthPx,
    Math.max(hasArea ? mask.x + mask.widthPx : -Infinity, rect.x + rect.widthPx),
  );
  const ny1 = Math.min(
    mask.imageHeightPx,
    Math.max(hasArea ? mask.y + mask.heightPx : -Infinity, rect.y + rect.heightPx),
  );
  if (nx1 <= nx0 || ny1 <= ny0) return mask;
  if (
    hasArea &&
    nx0 === mask.x &&
    ny0 === mask.y &&
    nx1 === mask.x + mask.widthPx &&
    ny1 === mask.y + mask.heightPx
  ) {
    return mask;
  }
  const widthPx = nx1 - nx0;
  const heightPx = ny1 - ny0;
  const data = new Uint8Array(widthPx * heightPx);
  for (let row = 0; row < mask.heightPx; row++) {
    const src = mask.data.subarray(row * mask.widthPx, (row + 1) * mask.widthPx);
    data.set(src, (row + mask.y - ny0) * widthPx + (mask.x - nx0));
  }
  return { ...mask, x: nx0, y: ny0, widthPx, heightPx, data };
}

/**
 * Stamps a disc of `radiusPx` along the segment (x0,y0)→(x1,y1): value 1 paints, 0 erases. Pixel (c,r) is
 * covered when its centre lies within the radius of the segment, so strokes have no gaps at any speed.
 */
export function strokeBitmap(
  mask: MaskBitmap,
  from: { x: number; y: number },
  to: { x: number; y: number },
  radiusPx: number,
  value: 0 | 1,
): MaskBitmap {
  const r = Math.max(0.5, radiusPx);
  const rect = {
    x: Math.floor(Math.min(from.x, to.x) - r),
    y: Math.floor(Math.min(from.y, to.y) - r),
    widthPx: Math.ceil(Math.abs(to.x - from.x) + 2 * r) + 2,
    heightPx: Math.ceil(Math.abs(to.y - from.y) + 2 * r) + 2,
  };
  const target = value === 1 ? growBitmap(mask, rect) : mask;
  const data = target === mask ? new Uint8Array(mask.data) : target.data;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  const cx0 = Math.max(target.x, rect.x);
  const cy0 = Math.max(target.y, rect.y);
  const cx1 = Math.min(target.x + target.widthPx, rect.x + rect.widthPx);
  const cy1 = Math.min(target.y + target.heightPx, rect.y + rect.heightPx);
  for (let row = cy0; row < cy1; row++) {
    for (let col = cx0; col < cx1; col++) {
      const px = col + 0.5 - from.x;
      const py = row + 0.5 - from.y;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) data[(row - target.y) * target.widthPx + (col - target.x)] = value;
    }
  }
  return { ...target, data };
}

/** Shifts a mask by whole pixels, dropping what leaves the image. */
export function translateBitmap(mask: MaskBitmap, dxPx: number, dyPx: number): MaskBitmap {
  const dx = Math.round(dxPx);
  const dy = Math.round(dyPx);
  const moved: MaskBitmap = { ...mask, x: mask.x + dx, y: mask.y + dy };
  const x0 = Math.max(0, moved.x);
  const y0 = Math.max(0, moved.y);
  const x1 = Math.min(mask.imageWidthPx, moved.x + mask.widthPx);
  const y1 = Math.min(mask.imageHeightPx, moved.y + mask.heightPx);
  if (x1 <= x0 || y1 <= y0) return emptyMaskBitmap(mask.imageWidthPx, mask.imageHeightPx);
  if (x0 === moved.x && y0 === moved.y && x1 === moved.x + mask.widthPx && y1 === moved.y + mask.heightPx)
    return moved;
  const widthPx = x1 - x0;
  const heightPx = y1 - y0;
  const data = new Uint8Array(widthPx * heightPx);
  for (let row = y0; row < y1; row++) {
    const srcStart = (row - moved.y) * mask.widthPx + (x0 - moved.x);
    data.set(mask.data.subarray(srcStart, srcStart + widthPx), (row - y0) * widthPx);
  }
  return { ...mask, x: x0, y: y0, widthPx, heightPx, data };
}
