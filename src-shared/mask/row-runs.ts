import { Int32Scratch } from './scratch';
import { wasmRowRuns } from './wasm/kernels';
import { normalizeWord, tailWord } from './words';

/**
 * Horizontal runs of a row-major mask and their connected components: everything the contour tracer
 * and the component labelling need, at a cost proportional to runs rather than pixels once the mask has
 * been read (4 pixels per 32-bit word; uniform words cost one XOR).
 */

/** Runs [start, end) of row y are indices rowFirst[y] .. rowFirst[y+1]-1. */
export interface RowRuns {
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly rowFirst: Int32Array;
}

export type Connectivity = 4 | 8;

export function extractRowRuns(mask: Uint8Array, widthPx: number, heightPx: number): RowRuns {
  const w = widthPx;
  const h = heightPx;
  if (mask.length !== w * h) throw new Error(`mask has ${mask.length} pixels, expected ${w}×${h}`);
  const viaWasm = wasmRowRuns(mask, w, h, (count, starts, ends, rowFirst) => ({
    count,
    starts: starts.slice(),
    ends: ends.slice(),
    rowFirst: rowFirst.slice(),
  }));
  return viaWasm ?? extractRowRunsTs(mask, w, h);
}

const scratchStarts = new Int32Scratch();
const scratchEnds = new Int32Scratch();
const scratchRowFirst = new Int32Scratch();

/**
 * extractRowRuns into module-owned arrays that the next call overwrites (their length may exceed the
 * runs): for the contour tracer, which reads them once.
 */
export function extractRowRunsScratch(mask: Uint8Array, widthPx: number, heightPx: number): RowRuns {
  if (mask.length !== widthPx * heightPx) {
    throw new Error(`mask has ${mask.length} pixels, expected ${widthPx}×${heightPx}`);
  }
  const viaWasm = wasmRowRuns(mask, widthPx, heightPx, (count, starts, ends, rowFirst) => ({
    count,
    starts: scratchStarts.copyOf(starts),
    ends: scratchEnds.copyOf(ends),
    rowFirst: scratchRowFirst.copyOf(rowFirst),
  }));
  return viaWasm ?? extractRowRunsTs(mask, widthPx, heightPx);
}

/** extractRowRuns in TypeScript (the Wasm kernel's twin), for a mask of the right size. */
function extractRowRunsTs(mask: Uint8Array, w: number, h: number): RowRuns {
  // Rows are read as little-endian words in place, whatever the width or the view's offset.
  const view = new DataView(mask.buffer, mask.byteOffset, mask.byteLength);
  const full = w >> 2;
  const tail = w & 3;
  let cap = Math.max(1024, h * 2);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  const rowFirst = new Int32Array(h + 1);
  let n = 0;
  for (let y = 0; y < h; y++) {
    rowFirst[y] = n;
    const base = y * w;
    // A row holds at most w/2 + 1 runs.
    if (n + (w >> 1) + 1 > cap) {
      cap = Math.max(2 * cap, n + (w >> 1) + 1);
      const s2 = new Int32Array(cap);
      s2.set(starts.subarray(0, n));
      starts = s2;
      const e2 = new Int32Array(cap);
      e2.set(ends.subarray(0, n));
      ends = e2;
    }
    let inRun = false;
    let k = 0;
    const words = tail > 0 ? full + 1 : full;
    while (k < words) {
      // Uniform stretches, four words per test: all background outside a run, all foreground inside.
      if (inRun) {
        while (
          k + 3 < full &&
          (view.getInt32(base + 4 * k, true) &
            view.getInt32(base + 4 * k + 4, true) &
            view.getInt32(base + 4 * k + 8, true) &
            view.getInt32(base + 4 * k + 12, true) &
            0x01010101) ===
            0x01010101
        ) {
          k += 4;
        }
      } else {
        while (
          k + 3 < full &&
          (view.getInt32(base + 4 * k, true) |
            view.getInt32(base + 4 * k + 4, true) |
            view.getInt32(base + 4 * k + 8, true) |
            view.getInt32(base + 4 * k + 12, true)) ===
            0
        ) {
          k += 4;
        }
      }
      if (k >= words) break;
      let v = k < full ? view.getInt32(base + 4 * k, true) : tailWord(mask, base + 4 * k, tail);
      if ((v & 0xfefefefe) !== 0) v = normalizeWord(v);
      // Lane i of t is set where byte i differs from the byte before it (foreground iff a run is open).
      let t = v ^ ((v << 8) | (inRun ? 1 : 0));
      while (t !== 0) {
        const low = t & -t;
        const x = (k << 2) | ((31 - Math.clz32(low)) >> 3);
        if (inRun) ends[n++] = x;
        else starts[n] = x;
        inRun = !inRun;
        t ^= low;
      }
      k++;
    }
    if (inRun) ends[n++] = w;
  }
  rowFirst[h] = n;
  return { count: n, starts: starts.subarray(0, n), ends: ends.subarray(0, n), rowFirst };
}

/**
 * Component number (1..count) of every run: union-find over runs; a run joins the runs of the row above
 * that overlap it (8-connectivity widens that test by one pixel each side). Numbers follow the raster
 * order of each component's first run.
 */
export function labelRowRuns(
  runs: RowRuns,
  heightPx: number,
  connectivity: Connectivity = 8,
): { readonly runLabel: Int32Array; readonly count: number } {
  return labelInto(runs, heightPx, connectivity, new Int32Array(runs.count));
}

const scratchParent = new Int32Scratch();
const scratchLabel = new Int32Scratch();

/** labelRowRuns into a module-owned runLabel that the next call overwrites (for the contour tracer). */
export function labelRowRunsScratch(
  runs: RowRuns,
  heightPx: number,
  connectivity: Connectivity = 8,
): { readonly runLabel: Int32Array; readonly count: number } {
  return labelInto(runs, heightPx, connectivity, scratchLabel.take(runs.count));
}

function labelInto(
  runs: RowRuns,
  heightPx: number,
  connectivity: Connectivity,
  runLabel: Int32Array,
): { readonly runLabel: Int32Array; readonly count: number } {
  const { starts: rs, ends: re, rowFirst } = runs;
  const n = runs.count;
  const parent = scratchParent.take(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const slack = connectivity === 8 ? 1 : 0;
  for (let y = 1; y < heightPx; y++) {
    let j = rowFirst[y - 1]!;
    const jEnd = rowFirst[y]!;
    for (let i = rowFirst[y]!, iEnd = rowFirst[y + 1]!; i < iEnd; i++) {
      const lo = rs[i]! - slack;
      const hi = re[i]! + slack;
      while (j < jEnd && re[j]! <= lo) j++;
      for (let k = j; k < jEnd && rs[k]! < hi; k++) {
        let a = i;
        while (parent[a]! !== a) a = parent[a] = parent[parent[a]!]!;
        let b = k;
        while (parent[b]! !== b) b = parent[b] = parent[parent[b]!]!;
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    let r = i;
    while (parent[r]! !== r) r = parent[r]!;
    runLabel[i] = r === i ? ++count : runLabel[r]!;
  }
  return { runLabel, count };
}
