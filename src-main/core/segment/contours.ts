import { connectedComponents } from './components';
import { polygonToCounts } from './rle';

/**
 * Mask ↔ polygons. Contours run along pixel edges (integer corner coordinates, pixel i spans [i,i+1)),
 * so at tolerance 0 the rings rasterise back through pycocotools' frPoly to exactly the same pixels.
 * Foreground is 8-connected: each 8-connected component has one outer ring, plus one ring per enclosed
 * 4-connected background region (hole).
 */
export interface PolygonWithHoles {
  readonly outer: number[];
  readonly holes: number[][];
}

// Directions as bits of a per-vertex out-edge mask. Image coordinates: y grows downwards.
const E = 1;
const S = 2;
const W = 4;
const N = 8;

interface TracedRing {
  readonly points: number[];
  /** Shoelace sum (twice the signed area); > 0 for outer rings, < 0 for holes. */
  readonly signedArea2: number;
  /** Component label of the foreground pixel on the ring's right-hand side. */
  readonly label: number;
}

export function maskToPolygons(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  opts: { tolerancePx?: number } = {},
): PolygonWithHoles[] {
  const tolerancePx = opts.tolerancePx ?? 0;
  if (!(tolerancePx >= 0)) throw new Error(`tolerancePx must be ≥ 0, got ${tolerancePx}`);
  const { labels, count } = connectedComponents(mask, widthPx, heightPx, 8);
  const rings = traceRings(mask, labels, widthPx, heightPx);
  const outers: (number[] | undefined)[] = new Array<number[] | undefined>(count + 1);
  const holes: number[][][] = Array.from({ length: count + 1 }, () => []);
  const extraOuters: { label: number; points: number[] }[] = [];
  for (const ring of rings) {
    const pts = tolerancePx > 0 ? simplifyRing(ring.points, tolerancePx) : ring.points;
    if (ring.signedArea2 > 0) {
      if (outers[ring.label] === undefined) outers[ring.label] = pts;
      else extraOuters.push({ label: ring.label, points: pts });
    } else {
      holes[ring.label]!.push(pts);
    }
  }
  const out: PolygonWithHoles[] = [];
  for (let l = 1; l <= count; l++) {
    const outer = outers[l];
    if (outer !== undefined) out.push({ outer, holes: holes[l]! });
  }
  for (const e of extraOuters) out.push({ outer: e.points, holes: [] });
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

/**
 * Even-odd fill of rings, each rasterised exactly as pycocotools frPoly: the XOR of the rings' masks,
 * computed on the column-major run boundaries.
 */
export function polygonsToMask(
  rings: readonly (readonly number[])[],
  widthPx: number,
  heightPx: number,
): Uint8Array {
  const total = widthPx * heightPx;
  const toggles = new Uint8Array(total + 1);
  for (const ring of rings) {
    const counts = polygonToCounts(ring, heightPx, widthPx);
    let pos = 0;
    for (let i = 0; i < counts.length - 1; i++) {
      pos += counts[i]!;
      if (pos <= total) toggles[pos]! ^= 1;
    }
  }
  const mask = new Uint8Array(total);
  let v = 0;
  let p = 0;
  for (let x = 0; x < widthPx; x++) {
    for (let idx = x; idx < total; idx += widthPx, p++) {
      v ^= toggles[p]!;
      mask[idx] = v;
    }
  }
  return mask;
}

function traceRings(mask: Uint8Array, labels: Int32Array, w: number, h: number): TracedRing[] {
  const vw = w + 1;
  const edges = new Uint8Array(vw * (h + 1));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (mask[i] === 0) continue;
      // Directed edges keep the foreground on their right-hand side.
      if (y === 0 || mask[i - w] === 0) edges[y * vw + x]! |= E;
      if (x === w - 1 || mask[i + 1] === 0) edges[y * vw + x + 1]! |= S;
      if (y === h - 1 || mask[i + w] === 0) edges[(y + 1) * vw + x + 1]! |= W;
      if (x === 0 || mask[i - 1] === 0) edges[(y + 1) * vw + x]! |= N;
    }
  }
  const all = edges.slice();
  const rings: TracedRing[] = [];
  for (let start = 0; start < edges.length; start++) {
    while (edges[start] !== 0) {
      const bits = edges[start]!;
      const startDir = bits & -bits;
      rings.push(traceOne(all, edges, labels, w, start, startDir));
    }
  }
  return rings;
}

function traceOne(
  all: Uint8Array,
  remaining: Uint8Array,
  labels: Int32Array,
  w: number,
  startV: number,
  startDir: number,
): TracedRing {
  const vw = w + 1;
  const points: number[] = [];
  let v = startV;
  let d = startDir;
  let area2 = 0;
  let lastX = startV % vw;
  let lastY = (startV - lastX) / vw;
  const firstX = lastX;
  const firstY = lastY;
  for (;;) {
    remaining[v]! &= ~d;
    v += d === E ? 1 : d === S ? vw : d === W ? -1 : -vw;
    const out = all[v]!;
    // At a saddle (two out-edges) turn left, which keeps diagonal foreground pixels in one ring (8-connectivity).
    const nd = (out & (out - 1)) === 0 ? out : d === E ? N : d >> 1;
    if ((out & nd) === 0) throw new Error('internal: open contour while tracing a mask boundary');
    if (nd !== d) {
      const x = v % vw;
      const y = (v - x) / vw;
      points.push(x, y);
      area2 += lastX * y - x * lastY;
      lastX = x;
      lastY = y;
    }
    if (v === startV && nd === startDir) break;
    d = nd;
  }
  area2 += lastX * firstY - firstX * lastY;
  return { points, signedArea2: area2, label: labelRightOf(labels, w, startV, startDir) };
}

function labelRightOf(labels: Int32Array, w: number, v: number, d: number): number {
  const vw = w + 1;
  const vx = v % vw;
  const vy = (v - vx) / vw;
  const [px, py] = d === E ? [vx, vy] : d === S ? [vx - 1, vy] : d === W ? [vx - 1, vy - 1] : [vx, vy - 1];
  return labels[py * w + px]!;
}

/** Douglas–Peucker on a closed ring (flat x,y list). Keeps the ring unchanged if it would drop below 3 points. */
export function simplifyRing(points: readonly number[], tolerancePx: number): number[] {
  const n = points.length / 2;
  if (n <= 3 || tolerancePx <= 0) return [...points];
  // Split the ring at the vertex farthest from vertex 0, then simplify both open chains.
  let far = 0;
  let farD = -1;
  const x0 = points[0]!;
  const y0 = points[1]!;
  for (let i = 1; i < n; i++) {
    const dx = points[2 * i]! - x0;
    const dy = points[2 * i + 1]! - y0;
    const d = dx * dx + dy * dy;
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  const keep = new Uint8Array(n + 1);
  keep[0] = keep[far] = keep[n] = 1;
  const at = (i: number): number => (i % n) * 2;
  const tol2 = tolerancePx * tolerancePx;
  const stack: number[] = [0, far, far, n];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    if (b - a < 2) continue;
    const ax = points[at(a)]!;
    const ay = points[at(a) + 1]!;
    const bx = points[at(b)]!;
    const by = points[at(b) + 1]!;
    let best = -1;
    let bestD = -1;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(points[at(i)]!, points[at(i) + 1]!, ax, ay, bx, by);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    if (bestD > tol2) {
      keep[best] = 1;
      stack.push(a, best, best, b);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) out.push(points[2 * i]!, points[2 * i + 1]!);
  return out.length >= 6 ? out : [...points];
}

function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}
