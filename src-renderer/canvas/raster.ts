import { type MaskBitmap } from '../model/mask-bitmap';

/** #rgb / #rrggbb → [r, g, b]; anything else falls back to magenta so a bad colour is visible, not fatal. */
export function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m?.[1]) return [255, 0, 255];
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
}

/** The rim colours of an outlined mask: light on the edge, dark just inside it. */
export const MASK_RIM_LIGHT = 0xffffffff;
export const MASK_RIM_DARK = 0xd9000000;

/**
 * RGBA pixels of a mask crop in one colour; background (and holes) stay transparent. With `outline`,
 * edge pixels (a 4-neighbour outside the mask, holes included) are opaque white and the pixels just
 * inside them opaque dark: a rim that shows on any background, a red mask on a red object included.
 */
export function maskToRgba(
  mask: MaskBitmap,
  color: string,
  alpha: number,
  outline = false,
): Uint8ClampedArray<ArrayBuffer> {
  const [r, g, b] = parseHexColor(color);
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255);
  const w = mask.widthPx;
  const h = mask.heightPx;
  const out = new Uint8ClampedArray(w * h * 4);
  const px = new Uint32Array(out.buffer);
  // Little-endian RGBA packed once; every foreground pixel is one 32-bit store.
  const packed = (a << 24) | (b << 16) | (g << 8) | r;
  const data = mask.data;
  for (let i = 0; i < data.length; i++) if (data[i]) px[i] = packed;
  if (!outline) return out;
  const on = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < w && y < h && data[y * w + x] !== 0;
  const edge = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (data[y * w + x] && (!on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1)))
        edge[y * w + x] = 1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (edge[i]) px[i] = MASK_RIM_LIGHT;
      else if (
        data[i] &&
        ((x > 0 && edge[i - 1] === 1) ||
          (x < w - 1 && edge[i + 1] === 1) ||
          (y > 0 && edge[i - w] === 1) ||
          (y < h - 1 && edge[i + w] === 1))
      )
        px[i] = MASK_RIM_DARK;
    }
  return out;
}

/**
 * A heat map (0–255 per cell, row-major) as RGBA: a dark-blue → red → yellow ramp whose opacity grows
 * with the value, so low scores leave the image visible.
 */
export function heatMapToRgba(
  data: Uint8Array,
  widthPx: number,
  heightPx: number,
): Uint8ClampedArray<ArrayBuffer> {
  if (data.length !== widthPx * heightPx) {
    throw new Error(
      `heat map has ${data.length} cells but its size ${widthPx}x${heightPx} needs ${widthPx * heightPx}`,
    );
  }
  const out = new Uint8ClampedArray(widthPx * heightPx * 4);
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] ?? 0) / 255;
    out[4 * i] = Math.round(255 * Math.min(1, v * 2));
    out[4 * i + 1] = Math.round(255 * Math.max(0, v * 2 - 1));
    out[4 * i + 2] = Math.round(128 * (1 - v));
    out[4 * i + 3] = Math.round(200 * v);
  }
  return out;
}
