import { type CocoRle } from '@contract';
import {
  forEachColumnSegment,
  maskToPolygons,
  parseCountsScratch,
  type PolygonWithHoles,
} from '@shared/mask';

/**
 * Mask topology straight from the RLE column runs, at a cost proportional to the number of runs rather
 * than pixels: connected parts (8-connected, like the contour tracer) and whether any background region
 * is enclosed (a hole). Exports use it to pick polygons or RLE, and to trace each part on its own small
 * crop instead of one crop spanning far-apart parts.
 */

/** Foreground runs, one per column segment, sorted by column then row; y1 is exclusive. */
interface ColumnRuns {
  readonly xs: Int32Array;
  readonly y0s: Int32Array;
  readonly y1s: Int32Array;
  readonly count: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** Growable Int32 buffer (plain arrays of numbers cost far more GC on 100k masks). */
class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

function columnRuns(rle: CocoRle): ColumnRuns {
  const [h, w] = rle.size;
  const counts = parseCountsScratch(rle.counts);
  const cap = counts.length;
  const xs = new IntBuffer(cap);
  const y0s = new IntBuffer(cap);
  const y1s = new IntBuffer(cap);
  forEachColumnSegment(counts, h, w, (x, y0, y1) => {
    xs.push(x);
    y0s.push(y0);
    y1s.push(y1);
  });
  return { xs: xs.view(), y0s: y0s.view(), y1s: y1s.view(), count: xs.length, widthPx: w, heightPx: h };
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[i] !== r) {
      const next = this.parent[i]!;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Links runs of neighbouring columns whose row intervals touch: `slack` 1 = 8-connectivity (diagonal
 * contact counts), 0 = 4-connectivity. Runs of one column never touch (a gap separates them).
 */
function linkColumns(
  xs: Int32Array,
  y0s: Int32Array,
  y1s: Int32Array,
  count: number,
  slack: number,
  uf: UnionFind,
): void {
  let a = 0;
  while (a < count) {
    const x = xs[a]!;
    let aEnd = a;
    while (aEnd < count && xs[aEnd] === x) aEnd++;
    const b = aEnd;
    let bEnd = b;
    while (bEnd < count && xs[bEnd] === x + 1) bEnd++;
    let i = a;
    let j = b;
    while (i < aEnd && j < bEnd) {
      if (y0s[i]! < y1s[j]! + slack && y0s[j]! < y1s[i]! + slack) uf.union(i, j);
      if (y1s[i]! < y1s[j]!) i++;
      else j++;
    }
    a = aEnd;
  }
}

export interface MaskTopology {
  /** Foreground parts, each as its own run list (8-connected). */
  readonly parts: number;
  readonly hasHoles: boolean;
}

interface Analysed {
  readonly runs: ColumnRuns;
  readonly partOfRun: Int32Array;
  readonly parts: number;
}

function analyse(rle: CocoRle): Analysed {
  const runs = columnRuns(rle);
  const uf = new UnionFind(runs.count);
  linkColumns(runs.xs, runs.y0s, runs.y1s, runs.count, 1, uf);
  const partOfRun = new Int32Array(runs.count);
  const idOfRoot = new Int32Array(runs.count).fill(-1);
  let parts = 0;
  for (let i = 0; i < runs.count; i++) {
    const r = uf.find(i);
    if (idOfRoot[r] === -1) idOfRoot[r] = parts++;
    partOfRun[i] = idOfRoot[r]!;
  }
  return { runs, partOfRun, parts };
}

/** Background runs inside the mask's bbox; any 4-connected group not touching the bbox edge is a hole. */
function hasEnclosedBackground(runs: ColumnRuns): boolean {
  if (runs.count === 0) return false;
  let bx0 = Infinity;
  let bx1 = -Infinity;
  let by0 = Infinity;
  let by1 = -Infinity;
  for (let i = 0; i < runs.count; i++) {
    bx0 = Math.min(bx0, runs.xs[i]!);
    bx1 = Math.max(bx1, runs.xs[i]!);
    by0 = Math.min(by0, runs.y0s[i]!);
    by1 = Math.max(by1, runs.y1s[i]!);
  }
  const cap = runs.count + (bx1 - bx0 + 1);
  const xs = new IntBuffer(cap);
  const y0s = new IntBuffer(cap);
  const y1s = new IntBuffer(cap);
  const border = new IntBuffer(cap);
  let r = 0;
  for (let x = bx0; x <= bx1; x++) {
    let y = by0;
    const edgeColumn = x === bx0 || x === bx1;
    while (r < runs.count && runs.xs[r] === x) {
      const top = runs.y0s[r]!;
      if (top > y) {
        xs.push(x);
        y0s.push(y);
        y1s.push(top);
        border.push(edgeColumn || y === by0 ? 1 : 0);
      }
      y = runs.y1s[r]!;
      r++;
    }
    if (y < by1) {
      xs.push(x);
      y0s.push(y);
      y1s.push(by1);
      border.push(1);
    }
  }
  const n = xs.length;
  const uf = new UnionFind(n);
  linkColumns(xs.view(), y0s.view(), y1s.view(), n, 0, uf);
  const borderFlags = border.view();
  const touches = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (borderFlags[i] === 1) touches[uf.find(i)] = 1;
  for (let i = 0; i < n; i++) if (touches[uf.find(i)] === 0) return true;
  return false;
}

export function maskTopology(rle: CocoRle): MaskTopology {
  const a = analyse(rle);
  return { parts: a.parts, hasHoles: hasEnclosedBackground(a.runs) };
}

/**
 * Outer rings and holes of every part of an RLE mask, in image coordinates. Each part is traced on a
 * crop of its own bbox (pixel-edge contours: exact through pycocotools frPoly).
 */
export function rleToPolygons(rle: CocoRle): PolygonWithHoles[] {
  const { runs, partOfRun, parts } = analyse(rle);
  // Group run indices by part (counting sort) so each part costs only its own runs.
  const starts = new Int32Array(parts + 1);
  for (let i = 0; i < runs.count; i++) starts[partOfRun[i]! + 1]!++;
  for (let p = 0; p < parts; p++) starts[p + 1]! += starts[p]!;
  const order = new Int32Array(runs.count);
  const fill = starts.slice(0, parts);
  for (let i = 0; i < runs.count; i++) order[fill[partOfRun[i]!]!++] = i;
  const out: PolygonWithHoles[] = [];
  for (let p = 0; p < parts; p++) {
    const members = order.subarray(starts[p], starts[p + 1]);
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const i of members) {
      x0 = Math.min(x0, runs.xs[i]!);
      x1 = Math.max(x1, runs.xs[i]!);
      y0 = Math.min(y0, runs.y0s[i]!);
      y1 = Math.max(y1, runs.y1s[i]!);
    }
    const w = x1 - x0 + 1;
    const h = y1 - y0;
    const crop = new Uint8Array(w * h);
    for (const i of members) {
      const cx = runs.xs[i]! - x0;
      for (let y = runs.y0s[i]!; y < runs.y1s[i]!; y++) crop[(y - y0) * w + cx] = 1;
    }
    const shift = (ring: number[]): number[] => ring.map((v, k) => v + (k % 2 === 0 ? x0 : y0));
    for (const poly of maskToPolygons(crop, w, h)) {
      out.push({ outer: shift(poly.outer), holes: poly.holes.map(shift) });
    }
  }
  return out;
}

/**
 * Calls `paint(index)` for every foreground pixel of an RLE mask (row-major index y*width+x), walking
 * the runs: no full-size mask is allocated, so painting many objects on a large image stays cheap.
 */
export function forEachRlePixel(rle: CocoRle, paint: (index: number) => void): void {
  const runs = columnRuns(rle);
  const w = runs.widthPx;
  for (let i = 0; i < runs.count; i++) {
    const x = runs.xs[i]!;
    for (let y = runs.y0s[i]!, end = runs.y1s[i]!; y < end; y++) paint(y * w + x);
  }
}
