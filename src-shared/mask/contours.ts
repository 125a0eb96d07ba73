import { extractRowRuns, labelRowRuns, type RowRuns } from './row-runs';
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

class CornerBuilder {
  count = 0;
  xs: Int32Array;
  ys: Int32Array;
  next: Int32Array;
  runBelow: Int32Array;
  constructor(capacity: number) {
    const cap = Math.max(64, capacity);
    this.xs = new Int32Array(cap);
    this.ys = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.runBelow = new Int32Array(cap);
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
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.xs = g(this.xs);
    this.ys = g(this.ys);
    this.next = g(this.next);
    this.runBelow = g(this.runBelow);
  }
}

/**
 * The corner graph of all rings. topL/topR hold, per run, the corner at the top of the vertical
 * boundary segment that its left/right edge belongs to (segments continue down through rows whose run
 * boundary sits at the same x).
 */
function buildCorners(runs: RowRuns, heightPx: number): CornerGraph {
  const { starts, ends, rowFirst } = runs;
  const topL = new Int32Array(runs.count);
  const topR = new Int32Array(runs.count);
  const cb = new CornerBuilder(runs.count * 2 + 16);
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

interface Ring {
  readonly points: number[];
  readonly outer: boolean;
  readonly label: number;
}

/** Rings in the order of their first corner, each with its sign (outer/hole) and its component. */
function readRings(g: CornerGraph, runLabel: Int32Array, tolerancePx: number): Ring[] {
  const seen = new Uint8Array(g.count);
  const rings: Ring[] = [];
  const { xs, ys, next } = g;
  let buf = new Int32Array(64);
  for (let c0 = 0; c0 < g.count; c0++) {
    if (seen[c0] === 1) continue;
    let n = 0;
    let area2 = 0;
    let lastX = xs[c0]!;
    let lastY = ys[c0]!;
    let c = c0;
    do {
      c = next[c]!;
      seen[c] = 1;
      const x = xs[c]!;
      const y = ys[c]!;
      if (n + 2 > buf.length) {
        const b = new Int32Array(buf.length * 2);
        b.set(buf);
        buf = b;
      }
      buf[n++] = x;
      buf[n++] = y;
      area2 += lastX * y - x * lastY;
      lastX = x;
      lastY = y;
    } while (c !== c0);
    const run = g.runBelow[c0]!;
    const points =
      tolerancePx > 0 ? simplifyRingXY(buf, n >> 1, tolerancePx) : Array.from(buf.subarray(0, n));
    rings.push({ points, outer: area2 > 0, label: run >= 0 ? runLabel[run]! : 0 });
  }
  return rings;
}

export function maskToPolygons(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  opts: { tolerancePx?: number } = {},
): PolygonWithHoles[] {
  const tolerancePx = opts.tolerancePx ?? 0;
  if (!(tolerancePx >= 0)) throw new Error(`tolerancePx must be ≥ 0, got ${tolerancePx}`);
  const runs = extractRowRuns(mask, widthPx, heightPx);
  const { runLabel, count } = labelRowRuns(runs, heightPx, 8);
  const rings = readRings(buildCorners(runs, heightPx), runLabel, tolerancePx);
  const outers: (number[] | undefined)[] = new Array<number[] | undefined>(count + 1);
  const holes: number[][][] = Array.from({ length: count + 1 }, () => []);
  const extraOuters: number[][] = [];
  for (const ring of rings) {
    if (ring.outer) {
      if (outers[ring.label] === undefined) outers[ring.label] = ring.points;
      else extraOuters.push(ring.points);
    } else {
      holes[ring.label]!.push(ring.points);
    }
  }
  const out: PolygonWithHoles[] = [];
  for (let l = 1; l <= count; l++) {
    const outer = outers[l];
    if (outer !== undefined) out.push({ outer, holes: holes[l]! });
  }
  for (const points of extraOuters) out.push({ outer: points, holes: [] });
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
