/**
 * Douglas–Peucker on a closed ring (flat x,y list) with a typed-array work stack: the ring is split at
 * the vertex farthest from vertex 0, then both open chains are simplified. The ring comes back unchanged
 * (as a copy) if it would drop below 3 points.
 */
export function simplifyRingXY(xy: ArrayLike<number>, n: number, tolerancePx: number): number[] {
  if (n <= 3 || tolerancePx <= 0) return copyPoints(xy, n);
  let far = 0;
  let farD = -1;
  const x0 = xy[0]!;
  const y0 = xy[1]!;
  for (let i = 1; i < n; i++) {
    const dx = xy[2 * i]! - x0;
    const dy = xy[2 * i + 1]! - y0;
    const d = dx * dx + dy * dy;
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  const keep = new Uint8Array(n + 1);
  keep[0] = keep[far] = keep[n] = 1;
  const tol2 = tolerancePx * tolerancePx;
  // Each split pushes two ranges and pops one: at most n + 2 ranges are ever waiting.
  const stack = new Int32Array(2 * n + 8);
  let sp = 0;
  stack[sp++] = 0;
  stack[sp++] = far;
  stack[sp++] = far;
  stack[sp++] = n;
  while (sp > 0) {
    const b = stack[--sp]!;
    const a = stack[--sp]!;
    if (b - a < 2) continue;
    const ai = (a % n) * 2;
    const bi = (b % n) * 2;
    const ax = xy[ai]!;
    const ay = xy[ai + 1]!;
    const dx = xy[bi]! - ax;
    const dy = xy[bi + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    let best = -1;
    let bestD = -1;
    for (let i = a + 1; i < b; i++) {
      const px = xy[2 * i]!;
      const py = xy[2 * i + 1]!;
      let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
      if (t < 0) t = 0;
      else if (t > 1) t = 1;
      const ex = ax + t * dx - px;
      const ey = ay + t * dy - py;
      const d = ex * ex + ey * ey;
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    if (bestD > tol2) {
      keep[best] = 1;
      stack[sp++] = a;
      stack[sp++] = best;
      stack[sp++] = best;
      stack[sp++] = b;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) out.push(xy[2 * i]!, xy[2 * i + 1]!);
  return out.length >= 6 ? out : copyPoints(xy, n);
}

/** Douglas–Peucker on a closed ring given as a flat x,y list. */
export function simplifyRing(points: ArrayLike<number>, tolerancePx: number): number[] {
  return simplifyRingXY(points, points.length >> 1, tolerancePx);
}

function copyPoints(xy: ArrayLike<number>, n: number): number[] {
  const out = new Array<number>(2 * n);
  for (let i = 0; i < 2 * n; i++) out[i] = xy[i]!;
  return out;
}
