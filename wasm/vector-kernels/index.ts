/**
 * Vector kernels in WebAssembly (AssemblyScript) for the near-duplicate search in
 * src-main/core/intelligence: built by `npm run build:wasm` into
 * src-main/core/intelligence/wasm/vector-kernels-binary.ts. Each kernel has a TypeScript twin
 * (pair-scan.ts) with the same output bit for bit, which the tests compare.
 */

/**
 * Every kernel works on a range of rows [from, to), and JS calls it block by block: V8 runs a Wasm call
 * to its end in the code it started with, and the first calls run in its baseline compiler (several
 * times slower); later blocks get the optimised code.
 */

/** The row `scanPairs` stopped before (`to` when it finished its range). */
export let nextRow: i32 = 0;

/**
 * Twin of scanPairsTs: for rows from `from` to `to`, every pair (i, j > i) that passes the two sketch
 * cutoffs and the projected distance and whose cosine reaches the threshold, written to outA/outB/outS.
 * A row is started only while its every pair still fits in `capacity`; returns the pairs written.
 */
export function scanPairs(
  n: i32,
  dims: i32,
  data: usize,
  sketch: usize,
  binOf: usize,
  projected: usize,
  cutoff: usize,
  halfCutoff: usize,
  maxProjected2: f64,
  threshold: f64,
  from: i32,
  to: i32,
  outA: usize,
  outB: usize,
  outS: usize,
  capacity: i32,
): i32 {
  let count: i32 = 0;
  let i = from;
  for (; i < to; i++) {
    if (count + (n - i - 1) > capacity) break;
    const w = sketch + ((<usize>i) << 4);
    // Words 0 and 1 (little-endian) are the sketch's first half.
    const lo = load<u64>(w);
    const hi = load<u64>(w, 8);
    const row = (<usize>load<u8>(binOf + <usize>i)) << 3;
    const pi = projected + ((<usize>i) << 8);
    const rowAt = data + ((<usize>i * <usize>dims) << 2);
    for (let j = i + 1; j < n; j++) {
      const v = sketch + ((<usize>j) << 4);
      const cell = (row + <usize>load<u8>(binOf + <usize>j)) << 2;
      const half = <i32>popcnt<u64>(lo ^ load<u64>(v));
      if (half > load<i32>(halfCutoff + cell)) continue;
      const bits = half + <i32>popcnt<u64>(hi ^ load<u64>(v, 8));
      if (bits > load<i32>(cutoff + cell)) continue;
      // Scalar, in order, in f64: the same sum as the twin's, so the same pairs pass.
      const pj = projected + ((<usize>j) << 8);
      let d2: f64 = 0;
      for (let b: usize = 0; b < 256; b += 4) {
        const e = <f64>load<f32>(pi + b) - <f64>load<f32>(pj + b);
        d2 += e * e;
      }
      if (d2 > maxProjected2) continue;
      const s = dotUnit(rowAt, data + ((<usize>j * <usize>dims) << 2), dims);
      if (s >= threshold) {
        const at = (<usize>count) << 2;
        store<i32>(outA + at, i);
        store<i32>(outB + at, j);
        store<f32>(outS + at, <f32>s);
        count++;
      }
    }
  }
  nextRow = i;
  return count;
}

/**
 * Twin of dotUnit: products in f64 (exact for f32 inputs), lanes d mod 4 summed apart, added as
 * (s0 + s2) + (s1 + s3), then the tail in order.
 */
function dotUnit(a: usize, b: usize, dims: i32): f64 {
  let acc01 = f64x2.splat(0);
  let acc23 = f64x2.splat(0);
  const end = dims & ~3;
  let d: i32 = 0;
  for (; d < end; d += 4) {
    const off = (<usize>d) << 2;
    // Two floats per 64-bit load, promoted: no shuffles.
    const x01 = f64x2.promote_low_f32x4(v128.load64_zero(a + off));
    const y01 = f64x2.promote_low_f32x4(v128.load64_zero(b + off));
    const x23 = f64x2.promote_low_f32x4(v128.load64_zero(a + off + 8));
    const y23 = f64x2.promote_low_f32x4(v128.load64_zero(b + off + 8));
    acc01 = f64x2.add(acc01, f64x2.mul(x01, y01));
    acc23 = f64x2.add(acc23, f64x2.mul(x23, y23));
  }
  const sum = f64x2.add(acc01, acc23);
  let s = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  for (; d < dims; d++) {
    const off = (<usize>d) << 2;
    s += <f64>load<f32>(a + off) * <f64>load<f32>(b + off);
  }
  return s;
}

/**
 * Twin of meanRowTs: rows [from, to) added to `sum` (dims f64, zeroed by the first block) per dim in
 * row order; the last block (to = n) writes the mean.
 */
export function meanRows(n: i32, dims: i32, data: usize, sum: usize, mean: usize, from: i32, to: i32): void {
  if (from === 0) memory.fill(sum, 0, (<usize>dims) << 3);
  for (let i = from; i < to; i++) {
    const at = data + ((<usize>i * <usize>dims) << 2);
    for (let d: usize = 0; d < <usize>dims; d++) {
      const p = sum + (d << 3);
      store<f64>(p, load<f64>(p) + <f64>load<f32>(at + (d << 2)));
    }
  }
  if (to === n)
    for (let d: usize = 0; d < <usize>dims; d++)
      store<f32>(mean + (d << 2), <f32>(load<f64>(sum + (d << 3)) / <f64>n));
}

/**
 * Twin of sketchRowsTs: per row, its distance from the mean, 128 sign bits of its sparse projection
 * minus the projected mean (output b sums index[start[b]..start[b + 1]) times sign), and the first 64
 * projected dims scaled; every sum in f64 in the twin's order, every store rounded to f32 like its.
 */
export function sketchRows(
  from: i32,
  to: i32,
  dims: i32,
  data: usize,
  mean: usize,
  start: usize,
  index: usize,
  sign: usize,
  projectedMean: usize,
  scale: f64,
  norms: usize,
  sketch: usize,
  projected: usize,
): void {
  // Two rows at a time: each row's sums keep their order, but the two chains of f64 additions overlap
  // (one chain alone waits on the adder's latency). An odd last row is done twice over, harmlessly.
  for (let i = from; i < to; i += 2) {
    const j = i + 1 < to ? i + 1 : i;
    const at0 = data + ((<usize>i * <usize>dims) << 2);
    const at1 = data + ((<usize>j * <usize>dims) << 2);
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (let d: usize = 0; d < <usize>dims; d++) {
      const m = <f64>load<f32>(mean + (d << 2));
      const e0 = <f64>load<f32>(at0 + (d << 2)) - m;
      const e1 = <f64>load<f32>(at1 + (d << 2)) - m;
      s0 += e0 * e0;
      s1 += e1 * e1;
    }
    store<f32>(norms + ((<usize>i) << 2), <f32>Math.sqrt(s0));
    store<f32>(norms + ((<usize>j) << 2), <f32>Math.sqrt(s1));
    let word0: i32 = 0;
    let word1: i32 = 0;
    for (let b: i32 = 0; b < 128; b++) {
      let acc0: f64 = 0;
      let acc1: f64 = 0;
      const end = load<i32>(start + ((<usize>(b + 1)) << 2));
      for (let k = load<i32>(start + ((<usize>b) << 2)); k < end; k++) {
        const kk = (<usize>k) << 2;
        const sg = <f64>load<f32>(sign + kk);
        const off = (<usize>load<i32>(index + kk)) << 2;
        acc0 += sg * <f64>load<f32>(at0 + off);
        acc1 += sg * <f64>load<f32>(at1 + off);
      }
      const pm = <f64>load<f32>(projectedMean + ((<usize>b) << 2));
      const c0 = <f64>(<f32>acc0) - pm;
      const c1 = <f64>(<f32>acc1) - pm;
      if (b < 64) {
        store<f32>(projected + ((<usize>i) << 8) + ((<usize>b) << 2), <f32>(c0 * scale));
        store<f32>(projected + ((<usize>j) << 8) + ((<usize>b) << 2), <f32>(c1 * scale));
      }
      if (c0 > 0) word0 |= 1 << (b & 31);
      if (c1 > 0) word1 |= 1 << (b & 31);
      if ((b & 31) === 31) {
        store<i32>(sketch + ((<usize>i) << 4) + ((<usize>(b >> 5)) << 2), word0);
        store<i32>(sketch + ((<usize>j) << 4) + ((<usize>(b >> 5)) << 2), word1);
        word0 = 0;
        word1 = 0;
      }
    }
  }
}

/**
 * Twin of decodeUnitRowsTs: n rows of fp16 bits decoded (like decodeHalfInto) and each scaled to unit
 * length like l2Normalize (sum of squares in f64 in order, then × 1/√sum, stored as f32).
 */
export function decodeUnitRows(from: i32, to: i32, dims: i32, bits: usize, out: usize): void {
  // Two rows at a time, like sketchRows (an odd last row is done twice over).
  for (let i = from; i < to; i += 2) {
    const j = i + 1 < to ? i + 1 : i;
    const src0 = bits + ((<usize>i * <usize>dims) << 1);
    const src1 = bits + ((<usize>j * <usize>dims) << 1);
    const dst0 = out + ((<usize>i * <usize>dims) << 2);
    const dst1 = out + ((<usize>j * <usize>dims) << 2);
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (let d: usize = 0; d < <usize>dims; d++) {
      const f0 = halfToFloat(<u32>load<u16>(src0 + (d << 1)));
      const f1 = halfToFloat(<u32>load<u16>(src1 + (d << 1)));
      store<f32>(dst0 + (d << 2), f0);
      store<f32>(dst1 + (d << 2), f1);
      s0 += <f64>f0 * <f64>f0;
      s1 += <f64>f1 * <f64>f1;
    }
    const inv0: f64 = s0 > 0 ? 1 / Math.sqrt(s0) : 0;
    const inv1: f64 = s1 > 0 ? 1 / Math.sqrt(s1) : 0;
    for (let d: usize = 0; d < <usize>dims; d++) {
      const p0 = dst0 + (d << 2);
      const p1 = dst1 + (d << 2);
      store<f32>(p0, <f32>(<f64>load<f32>(p0) * inv0));
      if (j !== i) store<f32>(p1, <f32>(<f64>load<f32>(p1) * inv1));
    }
  }
}

function halfToFloat(h: u32): f32 {
  const e = h & 0x7c00;
  // Normal: exponent bias 15 → 127, mantissa widened by 13 bits.
  if (e !== 0 && e !== 0x7c00)
    return reinterpret<f32>(((h & 0x8000) << 16) | (((h & 0x7fff) + 0x1c000) << 13));
  const negative = (h & 0x8000) !== 0;
  if (e === 0) {
    const v = <f32>(h & 0x3ff) * <f32>5.9604644775390625e-8; // 2^-24, exact
    return negative ? -v : v;
  }
  if ((h & 0x3ff) !== 0) return NaN;
  return negative ? -Infinity : Infinity;
}
