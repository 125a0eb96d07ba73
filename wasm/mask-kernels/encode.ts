import { writeString } from './counts';
import { align16, ensure, OUT_OF_MEMORY, setResult } from './heap';

/**
 * pycocotools rleEncode of a row-major mask (nonzero = foreground), as src-shared/mask/rle-mask.ts
 * does it: row y is compared with row y−1 16 pixels at a time (SIMD), the columns where the value
 * changes are collected per row, sorted by column with a counting sort, and read off column by column
 * into counts; optionally the counts string too.
 */

/** Where encodeMask left the counts (u32) and how many. */
export let countsPtr: usize = 0;
export let countsLen: i32 = 0;

export function encodeMask(src: usize, w: i32, h: i32, heap: usize, withString: bool): i32 {
  const pixels = <usize>w * <usize>h;
  const perCol = align16(heap);
  const rowFirst = align16(perCol + 4 * (<usize>w + 1));
  const tx = align16(rowFirst + 4 * (<usize>h + 1));
  if (!ensure(tx)) return OUT_OF_MEMORY;
  memory.fill(perCol, 0, 4 * (<usize>w + 1));
  let cap: usize = 0;
  let n: i32 = 0;
  const w16 = w & ~15;
  const zero = i8x16.splat(0);
  for (let y: i32 = 1; y < h; y++) {
    store<i32>(rowFirst + 4 * <usize>y, n);
    // A row adds at most one transition per column.
    if (<usize>n + <usize>w > cap) {
      cap = 2 * (<usize>n + <usize>w);
      if (!ensure(tx + 4 * cap)) return OUT_OF_MEMORY;
    }
    const cur = src + <usize>y * <usize>w;
    const prev = cur - <usize>w;
    let x: i32 = 0;
    for (; x < w16; x += 16) {
      const c = v128.load(cur + <usize>x);
      const q = v128.load(prev + <usize>x);
      if (!v128.any_true(v128.xor(c, q))) continue;
      let bits = i8x16.bitmask(v128.xor(i8x16.ne(c, zero), i8x16.ne(q, zero)));
      while (bits !== 0) {
        const col = x + ctz(bits);
        store<i32>(tx + 4 * <usize>n, col);
        n++;
        const pc = perCol + 4 * (<usize>col + 1);
        store<i32>(pc, load<i32>(pc) + 1);
        bits &= bits - 1;
      }
    }
    for (; x < w; x++) {
      if ((load<u8>(cur + <usize>x) !== 0) !== (load<u8>(prev + <usize>x) !== 0)) {
        store<i32>(tx + 4 * <usize>n, x);
        n++;
        const pc = perCol + 4 * (<usize>x + 1);
        store<i32>(pc, load<i32>(pc) + 1);
      }
    }
  }
  store<i32>(rowFirst + 4 * <usize>h, n);
  for (let x: i32 = 0; x < w; x++) {
    const p = perCol + 4 * (<usize>x + 1);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  // Counting sort by column; rows stay increasing within a column.
  const ys = align16(tx + 4 * <usize>n);
  const fill = align16(ys + 4 * <usize>n);
  const counts = align16(fill + 4 * <usize>w);
  const countSlots = <usize>n + <usize>w + 1;
  const str = align16(counts + 4 * countSlots);
  if (!ensure(withString ? str + 7 * countSlots + 16 : str)) return OUT_OF_MEMORY;
  memory.copy(fill, perCol, 4 * <usize>w);
  for (let y: i32 = 1; y < h; y++) {
    const end = load<i32>(rowFirst + 4 * (<usize>y + 1));
    for (let i = load<i32>(rowFirst + 4 * <usize>y); i < end; i++) {
      const f = fill + 4 * <usize>load<i32>(tx + 4 * <usize>i);
      const k = load<i32>(f);
      store<i32>(f, k + 1);
      store<i32>(ys + 4 * <usize>k, y);
    }
  }
  let m: i32 = 0;
  let last: u32 = 0;
  let value = false;
  const lastRow = src + <usize>(h - 1) * <usize>w;
  for (let x: i32 = 0; x < w; x++) {
    const colStart = <u32>x * <u32>h;
    if ((load<u8>(src + <usize>x) !== 0) !== value) {
      store<u32>(counts + 4 * <usize>m, colStart - last);
      m++;
      last = colStart;
    }
    const end = load<i32>(perCol + 4 * (<usize>x + 1));
    for (let i = load<i32>(perCol + 4 * <usize>x); i < end; i++) {
      const p = colStart + <u32>load<i32>(ys + 4 * <usize>i);
      store<u32>(counts + 4 * <usize>m, p - last);
      m++;
      last = p;
    }
    value = load<u8>(lastRow + <usize>x) !== 0;
  }
  store<u32>(counts + 4 * <usize>m, <u32>pixels - last);
  m++;
  countsPtr = counts;
  countsLen = m;
  if (withString) setResult(str, writeString(counts, m, str));
  return 0;
}
