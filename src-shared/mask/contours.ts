import { extractRowRunsScratch, labelRowRunsScratch, type RowRuns } from './row-runs';
import { Int32Scratch } from './scratch';
import { simplifyRingXY } from './simplify';

/**
 * Mask → polygons with holes, traced from horizontal runs. Contours run along pixel edges (integer
 * corners; pixel i spans [i, i+1)), so at tolerance 0 they rasterise back through pycocotools' frPoly to
 * the same pixels. Foreground is 8-connected: each 8-connected component has one outer ring, plus one
 * ring per enclosed 4-connected background region (hole).
 *
 * One sweep down the horizontal lines between rows compares the runs above and below each line: a ring
 * corner sits wherever a run boundary meets a horizontal edge, so the corners and the directed edges
 * between them come straight from the run endpoints. Rings are read off in the order of their first
 * (top-left) corner, each starting after that corner and ending on it, walking with the foreground on
 * the right (image coordinates, y down). Where two diagonal pixels touch (a saddle) the walk turns left,
 * which keeps them in one ring: the same rings, vertex order and nesting as a pixel-edge tracer gives.
 */
export interface PolygonWithHoles {
  readonly outer: number[];
  readonly holes: number[][];
}

/** Ring corners and the directed edge leaving each one, in raster order of creation. */
interface CornerGraph {
  readonly count: number;
  readonly xs: Int32Array;
  readonly ys: Int32Array;
  readonly next: Int32Array;
  /** The run below the corner whose left or right edge starts there, else -1. */
  readonly runBelow: Int32Array;
}

/**
 * Module-owned arrays of the trace, reused across calls (allocating them afresh costs a third of a
 * 640×480 trace); each function below takes its own.
 */
const scratch = {
  xs: new Int32Scratch(),
  ys: new Int32Scratch(),
  next: new Int32Scratch(),
  runBelow: new Int32Scratch(),
  topL: new Int32Scratch(),
  topR: new Int32Scratch(),
  pts: new Int32Scratch(),
  start: new Int32Scratch(),
  seen: new Int32Scratch(),
  outer: new Int32Scratch(),
  outerLabel: new Int32Scratch(),
  outerOf: new Int32Scratch(),
  holeHead: new Int32Scratch(),
  holeTail: new Int32Scratch(),
  holeNext: new Int32Scratch(),
};

class CornerBuilder {
  count = 0;
  xs: Int32Array;
  ys: Int32Array;
  next: Int32Array;
  runBelow: Int32Array;
  constructor(capacity: number) {
    this.xs = scratch.xs.take(capacity);
    this.ys = scratch.ys.take(capacity);
    this.next = scratch.next.take(capacity);
    this.runBelow = scratch.runBelow.take(capacity);
  }
  add(x: number, y: number, runBelow: number): number {
    if (this.count === this.xs.length) this.grow();
    const c = this.count++;
    this.xs[c] = x;
    this.ys[c] = y;
    this.runBelow[c] = runBelow;
    return c;
  }
  private grow(): void {
    const cap = this.xs.length * 2;
    this.xs = scratch.xs.take(cap, this.count);
    this.ys = scratch.ys.take(cap, this.count);
    this.next = scratch.next.take(cap, this.count);
    this.runBelow = scratch.runBelow.take(cap, this.count);
  }
}

/**
 * The corner graph of all rings. topL/topR hold, per run, the corner at the top of the vertical
 * boundary segment that its left/right edge belongs to (segments continue down through rows whose run
 * boundary sits at the same x).
 */
function buildCorners(runs: RowRuns, heightPx: number): CornerGraph {
  const { starts, ends, rowFirst } = runs;
  const topL = scratch.topL.take(runs.count);
  const topR = scratch.topR.take(runs.count);
  // About 2.5 corners per run on smooth masks and 3.3 on noisy ones.
  const cb = new CornerBuilder(runs.count * 4 + 16);
  for (let y = 0; y <= heightPx; y++) {
    let ia = y > 0 ? rowFirst[y - 1]! : 0;
    const iaEnd = y > 0 ? rowFirst[y]! : 0;
    let ib = y < heightPx ? rowFirst[y]! : 0;
    const ibEnd = y < heightPx ? rowFirst[y + 1]! : 0;
    // Inside a run above / below, just left of the current x.
    let inA = false;
    let inB = false;
    let open = -1; // corner at the left end of the open horizontal edge
    let openEast = false;
    for (;;) {
      const xa = ia < iaEnd ? (inA ? ends[ia]! : starts[ia]!) : 0x7fffffff;
      const xb = ib < ibEnd ? (inB ? ends[ib]! : starts[ib]!) : 0x7fffffff;
      if (xa === 0x7fffffff && xb === 0x7fffffff) break;
      const x = xa < xb ? xa : xb;
      // up: 0 none, 1 a run above starts here (its left edge goes up), 2 one ends (its right edge comes down).
      const up = xa === x ? (inA ? 2 : 1) : 0;
      const down = xb === x ? (inB ? 2 : 1) : 0;
      const ra = ia;
      const rb = ib;
      const aboveL = inA;
      const belowL = inB;
      if (up !== 0) {
        inA = !inA;
        if (up === 2) ia++;
      }
      if (down !== 0) {
        inB = !inB;
        if (down === 2) ib++;
      }
      const leftH = aboveL !== belowL;
      const rightH = inA !== inB;
      if (up !== 0 && down !== 0 && !leftH && !rightH) {
        // The boundary goes straight on down: the segment keeps its top corner.
        if (up === 1) topL[rb] = topL[ra]!;
        else topR[rb] = topR[ra]!;
        continue;
      }
      if (up !== 0 && down !== 0) {
        if (up === 2) {
          // Saddle, foreground top-left and bottom-right: down from above turns east; up from below
          // turns west.
          const c1 = cb.add(x, y, -1);
          const c2 = cb.add(x, y, rb);
          cb.next[topR[ra]!] = c1;
          topL[rb] = c2;
          cb.next[c2] = open; // west, to the left end of the open horizontal edge
          open = c1;
          openEast = true;
        } else {
          // Saddle, foreground top-right and bottom-left: east from the left turns up; west from the
          // right turns down.
          const c1 = cb.add(x, y, -1);
          const c2 = cb.add(x, y, rb);
          cb.next[open] = c1;
          cb.next[c1] = topL[ra]!;
          topR[rb] = c2;
          open = c2;
          openEast = false;
        }
        continue;
      }
      const c = cb.add(x, y, down !== 0 ? rb : -1);
      const next = cb.next;
      if (up === 1) next[c] = topL[ra]!;
      else if (up === 2) next[topR[ra]!] = c;
      else if (down === 1) topL[rb] = c;
      else topR[rb] = c;
      if (leftH) {
        if (openEast) next[open] = c;
        else next[c] = open;
      } else {
        open = c;
        openEast = inB; // below is foreground: the edge runs east
      }
    }
  }
  return { count: cb.count, xs: cb.xs, ys: cb.ys, next: cb.next, runBelow: cb.runBelow };
}

/**
 * Every ring's corners, walked from its first corner: points of ring r are pts[2*start[r] ..
 * 2*start[r+1]), with its orientation and the component of the foreground to its right.
 */
interface RingSet {
  readonly count: number;
  readonly pts: Int32Array;
  readonly start: Int32Array;
  readonly outer: Int32Array;
  readonly label: Int32Array;
}

function walkRings(g: CornerGraph, runLabel: Int32Array): RingSet {
  const { xs, ys, next, runBelow } = g;
  const seen = scratch.seen.take(g.count).fill(0, 0, g.count);
  // Every corner lies on exactly one ring, and a ring has at least 4 corners.
  const pts = scratch.pts.take(2 * g.count);
  const maxRings = (g.count >> 2) + 1;
  const start = scratch.start.take(maxRings + 1);
  const outer = scratch.outer.take(maxRings);
  const label = scratch.outerLabel.take(maxRings);
  let n = 0;
  let r = 0;
  for (let c0 = 0; c0 < g.count; c0++) {
    if (seen[c0] === 1) continue;
    start[r] = n >> 1;
    let area2 = 0;
    let lastX = xs[c0]!;
    let lastY = ys[c0]!;
    let c = c0;
    do {
      c = next[c]!;
      seen[c] = 1;
      const x = xs[c]!;
      const y = ys[c]!;
      pts[n++] = x;
      pts[n++] = y;
      area2 += lastX * y - x * lastY;
      lastX = x;
      lastY = y;
    } while (c !== c0);
    outer[r] = area2 > 0 ? 1 : 0;
    const run = runBelow[c0]!;
    label[r] = run >= 0 ? runLabel[run]! : 0;
    r++;
  }
  start[r] = n >> 1;
  return { count: r, pts, start, outer, label };
}

function ringPoints(rs: RingSet, r: number, tolerancePx: number): number[] {
  const s = rs.start[r]!;
  const len = rs.start[r + 1]! - s;
  if (tolerancePx > 0) return simplifyRingXY(rs.pts.subarray(2 * s, 2 * (s + len)), len, tolerancePx);
  const out = new Array<number>(2 * len);
  for (let i = 0, j = 2 * s; i < 2 * len; i++, j++) out[i] = rs.pts[j]!;
  return out;
}

export function maskToPolygons(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  opts: { tolerancePx?: number } = {},
): PolygonWithHoles[] {
  const tolerancePx = opts.tolerancePx ?? 0;
  if (!(tolerancePx >= 0)) throw new Error(`tolerancePx must be ≥ 0, got ${tolerancePx}`);
  const runs = extractRowRunsScratch(mask, widthPx, heightPx);
  const { runLabel, count } = labelRowRunsScratch(runs, heightPx, 8);
  const rs = walkRings(buildCorners(runs, heightPx), runLabel);
  // Per component: its first outer ring, and its holes as a linked list in ring order.
  const outerOf = scratch.outerOf.take(count + 1).fill(-1, 0, count + 1);
  const holeHead = scratch.holeHead.take(count + 1).fill(-1, 0, count + 1);
  const holeTail = scratch.holeTail.take(count + 1).fill(-1, 0, count + 1);
  const holeNext = scratch.holeNext.take(rs.count).fill(-1, 0, rs.count);
  const extraOuters: number[] = [];
  for (let r = 0; r < rs.count; r++) {
    const l = rs.label[r]!;
    if (rs.outer[r] === 1) {
      if (outerOf[l] === -1) outerOf[l] = r;
      else extraOuters.push(r);
    } else {
      if (holeHead[l] === -1) holeHead[l] = r;
      else holeNext[holeTail[l]!] = r;
      holeTail[l] = r;
    }
  }
  const out: PolygonWithHoles[] = [];
  for (let l = 1; l <= count; l++) {
    const o = outerOf[l]!;
    if (o === -1) continue;
    const holes: number[][] = [];
    for (let h = holeHead[l]!; h !== -1; h = holeNext[h]!) holes.push(ringPoints(rs, h, tolerancePx));
    out.push({ outer: ringPoints(rs, o, tolerancePx), holes });
  }
  for (const r of extraOuters) out.push({ outer: ringPoints(rs, r, tolerancePx), holes: [] });
  return out;
}

/** All rings of a mask as flat lists (outer and hole rings together), to be filled with the even-odd rule. */
export function maskToRings(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  opts: { tolerancePx?: number } = {},
): number[][] {
  return maskToPolygons(mask, widthPx, heightPx, opts).flatMap((p) => [p.outer, ...p.holes]);
}
