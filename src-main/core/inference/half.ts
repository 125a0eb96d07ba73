/** IEEE 754 half-precision conversion (Node 20 has no Float16Array). Round-to-nearest-even. */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function floatToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++; // a carry into the exponent is correct
  return sign | half;
}

export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toHalf(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = floatToHalfBits(data[i] ?? 0);
  return out;
}

/** Lookup table: 65536 entries, so decoding a cached 64×64×1536 grid is one pass of array reads. */
let table: Float32Array | undefined;
export function fromHalf(data: Uint16Array): Float32Array {
  const out = new Float32Array(data.length);
  decodeHalfInto(data, out, 0);
  return out;
}

/**
 * Decodes `data` into `out` from index `at` (many vectors into one contiguous array, no copies). Normal
 * numbers are re-biased bit for bit (no table reads: 15 million lookups missed the cache); zeros,
 * subnormals, infinities and NaN come from the table.
 */
export function decodeHalfInto(data: Uint16Array, out: Float32Array, at: number): void {
  if (!table) {
    table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = halfBitsToFloat(i);
  }
  const t = table;
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < data.length; i++) {
    const h = data[i]!;
    const e = h & 0x7c00;
    // Exponent bias 15 → 127: add 112 to the exponent field, widen the mantissa by 13 bits.
    if (e !== 0 && e !== 0x7c00) bits[at + i] = ((h & 0x8000) << 16) | (((h & 0x7fff) + 0x1c000) << 13);
    else out[at + i] = t[h]!;
  }
}
