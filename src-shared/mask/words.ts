/** Helpers for reading masks 4 pixels (bytes) at a time, and the one size check. */

export function assertSize(widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new Error(`mask size must be positive integers, got ${widthPx}×${heightPx}`);
  }
}

/** The bytes of a word mapped to 0/1 (nonzero → 1), each within its own lane. */
export function normalizeWord(v: number): number {
  let t = v | (v >>> 4);
  t |= t >>> 2;
  t |= t >>> 1;
  return t & 0x01010101;
}

/** The first `tail` (1..3) bytes at `o` as the low lanes of a little-endian word; the lanes above are 0. */
export function tailWord(mask: Uint8Array, o: number, tail: number): number {
  let v = mask[o]!;
  if (tail > 1) v |= mask[o + 1]! << 8;
  if (tail > 2) v |= mask[o + 2]! << 16;
  return v;
}
