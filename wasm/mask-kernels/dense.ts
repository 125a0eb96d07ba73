/**
 * Intersection and union pixel counts of two same-size masks (nonzero = foreground), 16 pixels per
 * SIMD step: each byte lane counts its own pixels for up to 255 steps, then the lanes are summed.
 */

export let inter: i32 = 0;
export let union: i32 = 0;

export function denseCounts(a: usize, b: usize, n: i32): void {
  const zero = i8x16.splat(0);
  let si: i32 = 0;
  let su: i32 = 0;
  let i: i32 = 0;
  const n16 = n & ~15;
  while (i < n16) {
    const end = min(n16, i + 255 * 16);
    let accI = zero;
    let accU = zero;
    for (; i < end; i += 16) {
      const x = i8x16.ne(v128.load(a + <usize>i), zero);
      const y = i8x16.ne(v128.load(b + <usize>i), zero);
      // A lane of all ones is −1: subtracting it counts one.
      accI = i8x16.sub(accI, v128.and(x, y));
      accU = i8x16.sub(accU, v128.or(x, y));
    }
    const wi = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(accI));
    const wu = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(accU));
    si +=
      i32x4.extract_lane(wi, 0) +
      i32x4.extract_lane(wi, 1) +
      i32x4.extract_lane(wi, 2) +
      i32x4.extract_lane(wi, 3);
    su +=
      i32x4.extract_lane(wu, 0) +
      i32x4.extract_lane(wu, 1) +
      i32x4.extract_lane(wu, 2) +
      i32x4.extract_lane(wu, 3);
  }
  for (; i < n; i++) {
    const x = load<u8>(a + <usize>i) !== 0;
    const y = load<u8>(b + <usize>i) !== 0;
    si += <i32>(x && y);
    su += <i32>(x || y);
  }
  inter = si;
  union = su;
}
