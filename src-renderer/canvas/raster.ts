import { type MaskBitmap } from '../model/mask-bitmap';

/** #rgb / #rrggbb → [r, g, b]; anything else falls back to magenta so a bad colour is visible, not fatal. */
export function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m?.[1]) return [255, 0, 255];
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
}

/** RGBA pixels of a mask crop in one colour; background (and holes) stay transparent. */
export function maskToRgba(mask: MaskBitmap, color: string, alpha: number): Uint8ClampedArray<ArrayBuffer> {
  const [r, g, b] = parseHexColor(color);
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255);
  const out = new Uint8ClampedArray(mask.widthPx * mask.heightPx * 4);
  const px = new Uint32Array(out.buffer);
  // Little-endian RGBA packed once; every foreground pixel is one 32-bit store.
  const packed = (a << 24) | (b << 16) | (g << 8) | r;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) px[i] = packed;
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
