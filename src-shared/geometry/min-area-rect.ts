import { normalizeDegrees, type RotatedBoxParams } from './rotated-box';

/** Convex hull (Andrew's monotone chain), counter-clockwise in a y-up frame, as [x, y] pairs. */
export function convexHull(xy: readonly number[]): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < xy.length; i += 2) pts.push([xy[i]!, xy[i + 1]!]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The smallest-area rectangle around the points (rotating calipers over the hull edges, as OpenCV's
 * minAreaRect), for writing any region as an oriented box. Null for fewer than one point.
 */
export function minAreaRect(xy: readonly number[]): RotatedBoxParams | null {
  const hull = convexHull(xy);
  if (hull.length === 0) return null;
  if (hull.length === 1) return { cx: hull[0]![0], cy: hull[0]![1], widthPx: 0, heightPx: 0, rotationDeg: 0 };
  let best: RotatedBoxParams | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i]!;
    const [bx, by] = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(bx - ax, by - ay);
    if (len === 0) continue;
    const ux = (bx - ax) / len;
    const uy = (by - ay) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const [px, py] of hull) {
      const u = px * ux + py * uy;
      const v = -px * uy + py * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-12) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        cx: cu * ux - cv * uy,
        cy: cu * uy + cv * ux,
        widthPx: maxU - minU,
        heightPx: maxV - minV,
        rotationDeg: normalizeDegrees((Math.atan2(uy, ux) * 180) / Math.PI),
      };
    }
  }
  return best;
}
