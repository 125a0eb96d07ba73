import { type Geometry } from '../../../src-preload/contract/geometry';
import { polygonsToMask } from '../segment/contours';
import { decodeRle } from '../segment/rle';

/**
 * Any annotation geometry as a row-major 0/1 mask of the image (generic; used to pool features under a
 * user's shapes). Boxes cover the pixels whose centres lie inside; points cover their pixel; polygons
 * use the segmentation engine's even-odd rasteriser and masks its RLE decoder.
 */
export function geometryToMask(geometry: Geometry, widthPx: number, heightPx: number): Uint8Array {
  switch (geometry.kind) {
    case 'mask': {
      const [h, w] = geometry.rle.size;
      if (h !== heightPx || w !== widthPx) {
        throw new Error(`mask is ${w}×${h} but the image is ${widthPx}×${heightPx}`);
      }
      return decodeRle(geometry.rle);
    }
    case 'polygon':
      return polygonsToMask(geometry.rings, widthPx, heightPx);
    case 'box': {
      const out = new Uint8Array(widthPx * heightPx);
      const x0 = Math.max(0, Math.ceil(geometry.x - 0.5));
      const y0 = Math.max(0, Math.ceil(geometry.y - 0.5));
      const x1 = Math.min(widthPx, Math.ceil(geometry.x + geometry.widthPx - 0.5));
      const y1 = Math.min(heightPx, Math.ceil(geometry.y + geometry.heightPx - 0.5));
      for (let y = y0; y < y1; y++) out.fill(1, y * widthPx + x0, y * widthPx + Math.max(x0, x1));
      return out;
    }
    case 'point': {
      const out = new Uint8Array(widthPx * heightPx);
      const x = Math.floor(geometry.x);
      const y = Math.floor(geometry.y);
      if (x >= 0 && y >= 0 && x < widthPx && y < heightPx) out[y * widthPx + x] = 1;
      return out;
    }
  }
}
