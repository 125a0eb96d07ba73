import { align16, ensure, OUT_OF_MEMORY, setResult } from './heap';

/**
 * Horizontal runs of a row-major mask (nonzero = foreground), as src-shared/mask/row-runs.ts
 * extractRowRuns gives them: 16 pixels per SIMD step, uniform steps skipped with one test, run
 * boundaries from the lane bitmask. Runs are collected as (start, end) pairs, then split into a starts
 * and an ends array; resultPtr holds [starts | ends | rowFirst], resultLen the number of runs.
 */
export function rowRuns(src: usize, w: i32, h: i32, heap: usize): i32 {
  const rowFirst = align16(heap);
  const pairs = align16(rowFirst + 4 * (<usize>h + 1));
  let cap: usize = 0;
  let n: i32 = 0;
  const w16 = w & ~15;
  const zero = i8x16.splat(0);
  for (let y: i32 = 0; y < h; y++) {
    store<i32>(rowFirst + 4 * <usize>y, n);
    // A row holds at most w/2 + 1 runs.
    const need = <usize>n + ((<usize>w) >> 1) + 1;
    if (need > cap) {
      cap = 2 * need;
      if (!ensure(pairs + 8 * cap)) return OUT_OF_MEMORY;
    }
    const row = src + <usize>y * <usize>w;
    let inRun: i32 = 0;
    let x: i32 = 0;
    for (; x < w16; x += 16) {
      const bits = i8x16.bitmask(i8x16.ne(v128.load(row + <usize>x), zero));
      // Bit i of t is set where pixel x+i differs from the pixel before it.
      let t = bits ^ ((bits << 1) | inRun);
      if ((t & 0xffff) === 0) continue;
      while ((t & 0xffff) !== 0) {
        const at = x + ctz(t);
        const slot = pairs + 8 * <usize>n + 4 * <usize>inRun;
        store<i32>(slot, at);
        n += inRun;
        inRun ^= 1;
        t &= t - 1;
      }
    }
    for (; x < w; x++) {
      const fg = <i32>(load<u8>(row + <usize>x) !== 0);
      if (fg !== inRun) {
        store<i32>(pairs + 8 * <usize>n + 4 * <usize>inRun, x);
        n += inRun;
        inRun = fg;
      }
    }
    if (inRun !== 0) {
      store<i32>(pairs + 8 * <usize>n + 4, w);
      n++;
    }
  }
  store<i32>(rowFirst + 4 * <usize>h, n);
  const starts = align16(pairs + 8 * <usize>n);
  const ends = starts + 4 * <usize>n;
  const rows = ends + 4 * <usize>n;
  if (!ensure(rows + 4 * (<usize>h + 1))) return OUT_OF_MEMORY;
  for (let i: i32 = 0; i < n; i++) {
    store<i32>(starts + 4 * <usize>i, load<i32>(pairs + 8 * <usize>i));
    store<i32>(ends + 4 * <usize>i, load<i32>(pairs + 8 * <usize>i + 4));
  }
  memory.copy(rows, rowFirst, 4 * (<usize>h + 1));
  setResult(starts, n);
  return 0;
}
