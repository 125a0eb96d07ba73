/**
 * The COCO counts string (pycocotools rleFrString / rleToString) in Wasm, for the merge and encode
 * kernels. Same arithmetic as src-shared/mask/counts-string.ts: counts are uint32, and a value's low 32
 * bits are all a sum modulo 2^32 needs, so one i32 holds it; values of more than 10 chars (where the TS
 * decoder's doubles round) are left to the TS code.
 */

export const BAD_STRING: i32 = -1;
export const TOO_LONG: i32 = -2;

/** The sum of the counts the last parseInto wrote (an exact f64), and whether no run but the first is 0. */
export let parsedTotal: f64 = 0;
export let parsedCanonical: bool = true;

/**
 * Counts of the string at src (n ASCII bytes followed by two 0 bytes, which stop every char loop like a
 * bad char) into dst as u32; returns their number, or BAD_STRING / TOO_LONG.
 */
export function parseInto(src: usize, n: i32, dst: usize): i32 {
  let p: i32 = 0;
  let m: i32 = 0;
  let back1: i32 = 0;
  let back2: i32 = 0;
  let total: u64 = 0;
  let lastZero: i32 = 0;
  while (p < n) {
    const c0 = <i32>load<u8>(src + <usize>p) - 48;
    let x: i32;
    if (<u32>c0 < 32) {
      x = (c0 << 27) >> 27;
      p++;
    } else {
      const c1 = <i32>load<u8>(src + <usize>p + 1) - 48;
      if (<u32>c0 < 64 && <u32>c1 < 32) {
        x = (((c0 & 0x1f) | (c1 << 5)) << 22) >> 22;
        p += 2;
      } else {
        if (<u32>c0 > 63) return BAD_STRING;
        x = c0 & 0x1f;
        let k = 5;
        let c = c0;
        p++;
        do {
          c = <i32>load<u8>(src + <usize>p) - 48;
          if (<u32>c > 63) return BAD_STRING;
          if (k === 50) return TOO_LONG;
          p++;
          if (k < 32) x |= (c & 0x1f) << k;
          k += 5;
        } while ((c & 0x20) !== 0);
        if ((c & 0x10) !== 0 && k < 32) x |= -1 << k;
      }
    }
    const v = m > 2 ? x + back2 : x;
    store<i32>(dst + ((<usize>m) << 2), v);
    m++;
    total += <u64>(<u32>v);
    if (v === 0) lastZero = m;
    back2 = back1;
    back1 = v;
  }
  parsedTotal = <f64>total;
  parsedCanonical = lastZero <= 1;
  return m;
}

/** Chars of the m u32 counts at c, written from out on; returns how many. */
export function writeString(c: usize, m: i32, out: usize): i32 {
  let n: usize = out;
  let back1: i64 = 0;
  let back2: i64 = 0;
  for (let i: i32 = 0; i < m; i++) {
    const v = <i64>load<u32>(c + ((<usize>i) << 2));
    let d = i > 2 ? v - back2 : v;
    back2 = back1;
    back1 = v;
    if (d >= -16 && d < 16) {
      store<u8>(n, <u8>(((<i32>d) & 0x1f) + 48));
      n++;
      continue;
    }
    let more = true;
    while (more) {
      let ch = (<i32>d) & 0x1f;
      d >>= 5;
      more = (ch & 0x10) !== 0 ? d !== -1 : d !== 0;
      if (more) ch |= 0x20;
      store<u8>(n, <u8>(ch + 48));
      n++;
    }
  }
  return <i32>(n - out);
}
