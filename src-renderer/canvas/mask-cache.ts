import { type CocoRle } from '@contract';
import { maskBitmapOf } from '../model/geometry-ops';
import { maskToRgba } from './raster';

export interface MaskSprite {
  readonly canvas: HTMLCanvasElement;
  readonly x: number;
  readonly y: number;
}

// Keyed by the RLE object: an annotation revision decodes and rasterises once per colour, and an edited
// mask (a new RLE object) naturally drops the stale sprite.
const sprites = new WeakMap<CocoRle, Map<string, MaskSprite | null>>();

/**
 * The mask as a coloured, cropped canvas (holes transparent), with a contrasting rim when `outline`
 * (see maskToRgba); null for an empty mask.
 */
export function maskSprite(rle: CocoRle, color: string, alpha: number, outline = false): MaskSprite | null {
  let byColor = sprites.get(rle);
  if (!byColor) {
    byColor = new Map();
    sprites.set(rle, byColor);
  }
  const key = `${color}/${alpha}/${outline ? 1 : 0}`;
  const cached = byColor.get(key);
  if (cached !== undefined) return cached;
  const bm = maskBitmapOf(rle);
  let sprite: MaskSprite | null = null;
  if (bm.widthPx > 0 && bm.heightPx > 0) {
    const canvas = document.createElement('canvas');
    canvas.width = bm.widthPx;
    canvas.height = bm.heightPx;
    const ctx = canvas.getContext('2d');
    if (ctx)
      ctx.putImageData(new ImageData(maskToRgba(bm, color, alpha, outline), bm.widthPx, bm.heightPx), 0, 0);
    sprite = { canvas, x: bm.x, y: bm.y };
  }
  byColor.set(key, sprite);
  return sprite;
}
