/**
 * Rotated boxes as CVAT stores them: the sides before rotation (width, height), the centre, and an angle
 * in degrees turning the box clockwise on screen (image y points down). Pure functions on numbers.
 */

export interface RotatedBoxParams {
  readonly cx: number;
  readonly cy: number;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly rotationDeg: number;
}

/** An angle in [0, 360). */
export function normalizeDegrees(deg: number): number {
  const r = deg % 360;
  const n = r < 0 ? r + 360 : r;
  // -1e-15 % 360 + 360 rounds to exactly 360.
  return n >= 360 ? 0 : n;
}

/**
 * The four corners, flat [x0,y0, …, x3,y3]: top-left, top-right, bottom-right, bottom-left of the box
 * before it is turned (so the first edge runs along the width).
 */
export function rotatedBoxCorners(b: RotatedBoxParams): number[] {
  const t = (b.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const hw = b.widthPx / 2;
  const hh = b.heightPx / 2;
  const out: number[] = [];
  for (const [dx, dy] of [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ] as const) {
    out.push(b.cx + dx * cos - dy * sin, b.cy + dx * sin + dy * cos);
  }
  return out;
}

/** Axis-aligned extent [x, y, width, height] of a rotated box. */
export function rotatedBoxExtent(b: RotatedBoxParams): [number, number, number, number] {
  return ringsExtent([rotatedBoxCorners(b)]);
}

/**
 * The rotated box whose corners are these four points in order (the inverse of rotatedBoxCorners), or
 * null when they are not a rectangle within `tolerancePx`. The first edge gives the width and the angle.
 */
export function rotatedBoxFromCorners(xy: readonly number[], tolerancePx = 0.01): RotatedBoxParams | null {
  if (xy.length !== 8 || !xy.every(Number.isFinite)) return null;
  const [x0, y0, x1, y1, , , x3, y3] = xy as [number, number, number, number, number, number, number, number];
  const widthPx = Math.hypot(x1 - x0, y1 - y0);
  const heightPx = Math.hypot(x3 - x0, y3 - y0);
  const cx = (xy[0]! + xy[2]! + xy[4]! + xy[6]!) / 4;
  const cy = (xy[1]! + xy[3]! + xy[5]! + xy[7]!) / 4;
  const rotationDeg = normalizeDegrees((Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI);
  const box = { cx, cy, widthPx, heightPx, rotationDeg };
  const ideal = rotatedBoxCorners(box);
  for (let i = 0; i < 8; i++) if (Math.abs(ideal[i]! - xy[i]!) > tolerancePx) return null;
  return box;
}

/** Axis-aligned extent [x, y, width, height] of flat rings ([0,0,0,0] when there is no point). */
export function ringsExtent(rings: readonly (readonly number[])[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      const x = ring[i]!;
      const y = ring[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (minX === Infinity) return [0, 0, 0, 0];
  return [minX, minY, maxX - minX, maxY - minY];
}
