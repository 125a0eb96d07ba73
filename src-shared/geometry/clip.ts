/**
 * Clipping to the image rectangle [0, W] × [0, H]. A shape partly outside the image keeps exactly its
 * part inside (moving vertices onto the border one by one would change the shape).
 */

const EPS = 1e-9;

type Edge = 'left' | 'right' | 'top' | 'bottom';

function inside(x: number, y: number, edge: Edge, w: number, h: number): boolean {
  switch (edge) {
    case 'left':
      return x >= 0;
    case 'right':
      return x <= w;
    case 'top':
      return y >= 0;
    case 'bottom':
      return y <= h;
  }
}

/** Where segment (ax,ay)-(bx,by) crosses the edge line (the segment is known to cross it). */
function crossing(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  edge: Edge,
  w: number,
  h: number,
): [number, number] {
  switch (edge) {
    case 'left':
    case 'right': {
      const x = edge === 'left' ? 0 : w;
      const t = (x - ax) / (bx - ax);
      return [x, ay + t * (by - ay)];
    }
    case 'top':
    case 'bottom': {
      const y = edge === 'top' ? 0 : h;
      const t = (y - ay) / (by - ay);
      return [ax + t * (bx - ax), y];
    }
  }
}

function ringInside(ring: readonly number[], w: number, h: number): boolean {
  for (let i = 0; i + 1 < ring.length; i += 2) {
    const x = ring[i]!;
    const y = ring[i + 1]!;
    if (x < 0 || y < 0 || x > w || y > h) return false;
  }
  return true;
}

/** Twice the signed area of a flat ring (shoelace). */
export function ringArea2(ring: readonly number[]): number {
  let a = 0;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++)
    a += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!;
  return a;
}

/** Drops repeated consecutive vertices (also the closing one equal to the first). */
function dedupe(ring: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < ring.length; i += 2) {
    const n = out.length;
    if (n >= 2 && Math.abs(out[n - 2]! - ring[i]!) < EPS && Math.abs(out[n - 1]! - ring[i + 1]!) < EPS)
      continue;
    out.push(ring[i]!, ring[i + 1]!);
  }
  while (
    out.length >= 4 &&
    Math.abs(out[0]! - out[out.length - 2]!) < EPS &&
    Math.abs(out[1]! - out[out.length - 1]!) < EPS
  ) {
    out.length -= 2;
  }
  return out;
}

/**
 * Sutherland–Hodgman against the four image edges. Each half-plane step keeps the winding number of
 * every point inside it, so even-odd fills (holes, multi-part rings) stay right. Returns the ring itself
 * when it lies inside, null when nothing with an area is left.
 */
export function clipRingToRect(ring: readonly number[], widthPx: number, heightPx: number): number[] | null {
  if (ringInside(ring, widthPx, heightPx)) return ring as number[];
  let pts: number[] = [...ring];
  for (const edge of ['left', 'right', 'top', 'bottom'] as const) {
    const n = pts.length >> 1;
    if (n === 0) break;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const ax = pts[((i + n - 1) % n) * 2]!;
      const ay = pts[((i + n - 1) % n) * 2 + 1]!;
      const bx = pts[i * 2]!;
      const by = pts[i * 2 + 1]!;
      const aIn = inside(ax, ay, edge, widthPx, heightPx);
      const bIn = inside(bx, by, edge, widthPx, heightPx);
      if (bIn) {
        if (!aIn) out.push(...crossing(ax, ay, bx, by, edge, widthPx, heightPx));
        out.push(bx, by);
      } else if (aIn) {
        out.push(...crossing(ax, ay, bx, by, edge, widthPx, heightPx));
      }
    }
    pts = out;
  }
  const clean = dedupe(pts);
  if (clean.length < 6 || Math.abs(ringArea2(clean)) < EPS) return null;
  return clean;
}

/** Liang–Barsky: the part of a segment inside the rectangle as [t0, t1] along it, or null. */
function segmentRange(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  w: number,
  h: number,
): [number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = bx - ax;
  const dy = by - ay;
  for (const [p, q] of [
    [-dx, ax],
    [dx, w - ax],
    [-dy, ay],
    [dy, h - ay],
  ] as const) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [t0, t1];
}

/**
 * The parts of an open polyline inside the rectangle, each with at least 2 distinct points: one part when
 * it never leaves the image, several when it leaves and comes back, none when it lies outside.
 */
export function clipPolylineToRect(points: readonly number[], widthPx: number, heightPx: number): number[][] {
  if (ringInside(points, widthPx, heightPx)) return [points as number[]];
  const parts: number[][] = [];
  let current: number[] = [];
  const flush = (): void => {
    const clean = dedupe(current);
    if (clean.length >= 4) parts.push(clean);
    current = [];
  };
  for (let i = 0; i + 3 < points.length; i += 2) {
    const ax = points[i]!;
    const ay = points[i + 1]!;
    const bx = points[i + 2]!;
    const by = points[i + 3]!;
    const range = segmentRange(ax, ay, bx, by, widthPx, heightPx);
    if (range === null) {
      flush();
      continue;
    }
    const [t0, t1] = range;
    const sx = ax + t0 * (bx - ax);
    const sy = ay + t0 * (by - ay);
    if (t0 > 0) flush();
    if (current.length === 0) current.push(sx, sy);
    current.push(ax + t1 * (bx - ax), ay + t1 * (by - ay));
    if (t1 < 1) flush();
  }
  flush();
  return parts;
}
