import { type CocoRle, type Geometry } from '@contract';
import { polygonsToMask } from './contours';
import { decodeRle } from './rle';

/** Rasterisation of annotation geometry, shared by the exports, the editor's convert and the intelligence jobs. */

export function boxRing(x: number, y: number, widthPx: number, heightPx: number): number[] {
  return [x, y, x + widthPx, y, x + widthPx, y + heightPx, x, y + heightPx];
}

/** Checks that a mask RLE has the image's size (an RLE for another image size cannot be placed). */
export function assertRleSize(rle: CocoRle, widthPx: number, heightPx: number, what: string): void {
  if (rle.size[0] !== heightPx || rle.size[1] !== widthPx) {
    throw new Error(
      `${what}: mask size [h,w]=[${rle.size[0]},${rle.size[1]}] does not match the image ${widthPx}×${heightPx}`,
    );
  }
}

/**
 * The pixels a region geometry covers (row-major 0/1), or null for points. Polygons use the even-odd,
 * pycocotools-compatible rasteriser, so holes stay holes.
 */
export function geometryToMask(g: Geometry, widthPx: number, heightPx: number): Uint8Array | null {
  switch (g.kind) {
    case 'box':
      return polygonsToMask([boxRing(g.x, g.y, g.widthPx, g.heightPx)], widthPx, heightPx);
    case 'polygon':
      return polygonsToMask(g.rings, widthPx, heightPx);
    case 'mask':
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      return decodeRle(g.rle);
    case 'point':
      return null;
  }
}

/** Like geometryToMask, but a point covers its one pixel (for pooling features under any annotation). */
export function annotationMask(g: Geometry, widthPx: number, heightPx: number): Uint8Array {
  const region = geometryToMask(g, widthPx, heightPx);
  if (region) return region;
  const out = new Uint8Array(widthPx * heightPx);
  if (g.kind === 'point') {
    const x = Math.floor(g.x);
    const y = Math.floor(g.y);
    if (x >= 0 && y >= 0 && x < widthPx && y < heightPx) out[y * widthPx + x] = 1;
  }
  return out;
}
