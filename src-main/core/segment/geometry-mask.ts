import { type CocoRle, type Geometry } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { polygonsToMask } from './contours';
import { decodeRle, encodeMask, polygonsToRle } from './rle';

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
 * The pixels a region geometry covers (row-major 0/1), or null for shapes without an area (points,
 * polylines, image tags). Polygons use the even-odd, pycocotools-compatible rasteriser, so holes stay holes.
 */
export function geometryToMask(g: Geometry, widthPx: number, heightPx: number): Uint8Array | null {
  switch (g.kind) {
    case 'box':
      return polygonsToMask([boxRing(g.x, g.y, g.widthPx, g.heightPx)], widthPx, heightPx);
    case 'rotated_box':
      return polygonsToMask([rotatedBoxCorners(g)], widthPx, heightPx);
    case 'polygon':
      return polygonsToMask(g.rings, widthPx, heightPx);
    case 'mask':
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      return decodeRle(g.rle);
    case 'point':
    case 'polyline':
    case 'tag':
      return null;
  }
}

/**
 * The COCO RLE of a region geometry, computed without a full-size raster where pycocotools' own
 * rasteriser gives it (frPoly for boxes and single rings); null for shapes without an area.
 */
export function regionRle(g: Geometry, widthPx: number, heightPx: number): CocoRle | null {
  switch (g.kind) {
    case 'box':
      return polygonsToRle([boxRing(g.x, g.y, g.widthPx, g.heightPx)], heightPx, widthPx);
    case 'rotated_box':
      return polygonsToRle([rotatedBoxCorners(g)], heightPx, widthPx);
    case 'polygon':
      // Several rings fill even-odd (holes, overlaps), which is not the union pycocotools computes.
      return g.rings.length === 1
        ? polygonsToRle(g.rings, heightPx, widthPx)
        : encodeMask(polygonsToMask(g.rings, widthPx, heightPx), widthPx, heightPx);
    case 'mask':
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      return g.rle;
    case 'point':
    case 'polyline':
    case 'tag':
      return null;
  }
}

/** Pixels along a polyline, sampled every half pixel (for pooling features under a line). */
function polylinePixels(points: readonly number[], out: Uint8Array, widthPx: number, heightPx: number): void {
  const put = (x: number, y: number): void => {
    const px = Math.floor(x);
    const py = Math.floor(y);
    if (px >= 0 && py >= 0 && px < widthPx && py < heightPx) out[py * widthPx + px] = 1;
  };
  for (let i = 0; i + 3 < points.length; i += 2) {
    const [ax, ay, bx, by] = [points[i]!, points[i + 1]!, points[i + 2]!, points[i + 3]!];
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) * 2));
    for (let s = 0; s <= steps; s++) put(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps);
  }
}

/**
 * Like geometryToMask, for pooling features under any annotation: a point covers its one pixel, a
 * polyline the pixels it crosses, an image tag the whole image.
 */
export function annotationMask(g: Geometry, widthPx: number, heightPx: number): Uint8Array {
  const region = geometryToMask(g, widthPx, heightPx);
  if (region) return region;
  const out = new Uint8Array(widthPx * heightPx);
  switch (g.kind) {
    case 'point': {
      const x = Math.floor(g.x);
      const y = Math.floor(g.y);
      if (x >= 0 && y >= 0 && x < widthPx && y < heightPx) out[y * widthPx + x] = 1;
      break;
    }
    case 'polyline':
      polylinePixels(g.points, out, widthPx, heightPx);
      break;
    case 'tag':
      out.fill(1);
      break;
    default:
      break;
  }
  return out;
}
