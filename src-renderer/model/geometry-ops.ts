import { type BoxGeometry, type CocoRle, type Geometry, type PolygonGeometry } from '@contract';
import { normalizeDegrees, ringsExtent, rotatedBoxCorners } from '@shared/geometry';
import { bitmapGet, bitmapToRle, rleToBitmap, translateBitmap, type MaskBitmap } from './mask-bitmap';
import { rleBounds } from './rle';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

// RLE objects are immutable, so a decode is cached per object: one decode per annotation revision.
const bitmapCache = new WeakMap<CocoRle, MaskBitmap>();
const boundsCache = new WeakMap<object, Rect>();

export function maskBitmapOf(rle: CocoRle): MaskBitmap {
  let bm = bitmapCache.get(rle);
  if (!bm) {
    bm = rleToBitmap(rle);
    bitmapCache.set(rle, bm);
  }
  return bm;
}

/** Records an already-decoded bitmap for an RLE made from it (the brush avoids a decode per stroke). */
export function rememberMaskBitmap(rle: CocoRle, bitmap: MaskBitmap): void {
  bitmapCache.set(rle, bitmap);
}

function ringsBounds(rings: readonly (readonly number[])[]): Rect {
  const [x, y, widthPx, heightPx] = ringsExtent(rings);
  return { x, y, widthPx, heightPx };
}

function computeBounds(g: Geometry): Rect {
  switch (g.kind) {
    case 'box':
      return { x: g.x, y: g.y, widthPx: g.widthPx, heightPx: g.heightPx };
    case 'point':
      return { x: g.x, y: g.y, widthPx: 0, heightPx: 0 };
    case 'mask': {
      const cached = bitmapCache.get(g.rle);
      if (cached) return { x: cached.x, y: cached.y, widthPx: cached.widthPx, heightPx: cached.heightPx };
      return rleBounds(g.rle);
    }
    case 'polygon':
      return ringsBounds(g.rings);
    case 'polyline':
      return ringsBounds([g.points]);
    case 'rotated_box':
      return ringsBounds([rotatedBoxCorners(g)]);
    case 'tag':
      // A tag covers no place on the canvas: an empty rect that nothing on screen intersects.
      return { x: -1, y: -1, widthPx: 0, heightPx: 0 };
  }
}

/** Axis-aligned bounds in image pixels, cached per geometry object. */
export function geometryBounds(g: Geometry): Rect {
  const key = g.kind === 'mask' ? g.rle : g;
  let b = boundsCache.get(key);
  if (!b) {
    b = computeBounds(g);
    boundsCache.set(key, b);
  }
  return b;
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return (
    a.x <= b.x + b.widthPx && b.x <= a.x + a.widthPx && a.y <= b.y + b.heightPx && b.y <= a.y + a.heightPx
  );
}

export function normalizeRect(a: Point, b: Point): Rect {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    widthPx: Math.abs(b.x - a.x),
    heightPx: Math.abs(b.y - a.y),
  };
}

const shiftXY = (xy: readonly number[], dx: number, dy: number): number[] =>
  xy.map((v, i) => v + (i % 2 === 0 ? dx : dy));

export function translateGeometry(g: Geometry, dx: number, dy: number): Geometry {
  switch (g.kind) {
    case 'box':
      return { ...g, x: g.x + dx, y: g.y + dy };
    case 'point':
      return { ...g, x: g.x + dx, y: g.y + dy };
    case 'polygon':
      return { kind: 'polygon', rings: g.rings.map((r) => shiftXY(r, dx, dy)) };
    case 'polyline':
      return { kind: 'polyline', points: shiftXY(g.points, dx, dy) };
    case 'rotated_box':
      return { ...g, cx: g.cx + dx, cy: g.cy + dy };
    case 'tag':
      return g;
    case 'mask': {
      const moved = translateBitmap(maskBitmapOf(g.rle), dx, dy);
      const rle = bitmapToRle(moved);
      rememberMaskBitmap(rle, moved);
      return { kind: 'mask', rle };
    }
  }
}

/** Even-odd containment over all rings: holes and multi-part shapes come out right. */
export function pointInRings(rings: readonly (readonly number[])[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    const n = Math.floor(ring.length / 2);
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[2 * i] ?? 0;
      const yi = ring[2 * i + 1] ?? 0;
      const xj = ring[2 * j] ?? 0;
      const yj = ring[2 * j + 1] ?? 0;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
}

function nearPolyline(points: readonly number[], p: Point, tolerancePx: number): boolean {
  for (let i = 0; i + 3 < points.length; i += 2) {
    const a = { x: points[i] ?? 0, y: points[i + 1] ?? 0 };
    const b = { x: points[i + 2] ?? 0, y: points[i + 3] ?? 0 };
    if (distanceToSegment(p, a, b) <= tolerancePx) return true;
  }
  return false;
}

function nearRingEdge(rings: readonly (readonly number[])[], p: Point, tolerancePx: number): boolean {
  for (const ring of rings) {
    const n = Math.floor(ring.length / 2);
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = { x: ring[2 * j] ?? 0, y: ring[2 * j + 1] ?? 0 };
      const b = { x: ring[2 * i] ?? 0, y: ring[2 * i + 1] ?? 0 };
      if (distanceToSegment(p, a, b) <= tolerancePx) return true;
    }
  }
  return false;
}

/** Whether the image point hits the shape; `tolerancePx` (image pixels) widens edges and points. */
export function geometryContains(g: Geometry, p: Point, tolerancePx: number): boolean {
  const b = geometryBounds(g);
  if (
    p.x < b.x - tolerancePx ||
    p.y < b.y - tolerancePx ||
    p.x > b.x + b.widthPx + tolerancePx ||
    p.y > b.y + b.heightPx + tolerancePx
  ) {
    return false;
  }
  switch (g.kind) {
    case 'box':
    case 'point':
      return true;
    case 'polygon':
      return pointInRings(g.rings, p.x, p.y) || nearRingEdge(g.rings, p, tolerancePx);
    case 'rotated_box': {
      const ring = rotatedBoxCorners(g);
      return pointInRings([ring], p.x, p.y) || nearRingEdge([ring], p, tolerancePx);
    }
    case 'polyline':
      return nearPolyline(g.points, p, tolerancePx);
    case 'mask':
      return bitmapGet(maskBitmapOf(g.rle), p.x, p.y);
    case 'tag':
      return false;
  }
}

/** The rotated box turned so that its top edge's midpoint handle points at `p` (rotation handle drag). */
export function rotateBoxTowards(
  g: Extract<Geometry, { kind: 'rotated_box' }>,
  p: Point,
): Extract<Geometry, { kind: 'rotated_box' }> {
  // The handle sits above the centre at rotation 0, i.e. at angle -90°.
  const deg = (Math.atan2(p.y - g.cy, p.x - g.cx) * 180) / Math.PI + 90;
  return { ...g, rotationDeg: normalizeDegrees(deg) };
}

/**
 * The rotated box with one corner dragged to `p` and the opposite corner fixed: the sides stay along
 * the box's own axes. `corner` indexes rotatedBoxCorners (0 top-left … 3 bottom-left before turning).
 */
export function resizeRotatedBox(
  g: Extract<Geometry, { kind: 'rotated_box' }>,
  corner: number,
  p: Point,
): Extract<Geometry, { kind: 'rotated_box' }> {
  const c = rotatedBoxCorners(g);
  const o = (corner + 2) % 4;
  const ox = c[o * 2] ?? 0;
  const oy = c[o * 2 + 1] ?? 0;
  const t = (g.rotationDeg * Math.PI) / 180;
  const ux = Math.cos(t);
  const uy = Math.sin(t);
  const along = (p.x - ox) * ux + (p.y - oy) * uy;
  const across = -(p.x - ox) * uy + (p.y - oy) * ux;
  return {
    ...g,
    cx: ox + (along * ux - across * uy) / 2,
    cy: oy + (along * uy + across * ux) / 2,
    widthPx: Math.abs(along),
    heightPx: Math.abs(across),
  };
}

export type BoxHandle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const BOX_HANDLES: readonly BoxHandle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

export function boxHandlePosition(b: Rect, h: BoxHandle): Point {
  const cx = b.x + b.widthPx / 2;
  const cy = b.y + b.heightPx / 2;
  const x = h.includes('w') ? b.x : h.includes('e') ? b.x + b.widthPx : cx;
  const y = h.startsWith('n') ? b.y : h.startsWith('s') ? b.y + b.heightPx : cy;
  return { x, y };
}

/** The box with the dragged handle moved to `p`; it flips instead of getting a negative size. */
export function resizeBox(box: BoxGeometry, handle: BoxHandle, p: Point): BoxGeometry {
  let x0 = box.x;
  let y0 = box.y;
  let x1 = box.x + box.widthPx;
  let y1 = box.y + box.heightPx;
  if (handle.includes('w')) x0 = p.x;
  if (handle.includes('e')) x1 = p.x;
  if (handle.startsWith('n')) y0 = p.y;
  if (handle.startsWith('s')) y1 = p.y;
  const r = normalizeRect({ x: x0, y: y0 }, { x: x1, y: y1 });
  return { kind: 'box', ...r };
}

export interface VertexRef {
  readonly ring: number;
  readonly vertex: number;
}

function withRing(g: PolygonGeometry, ringIndex: number, ring: number[]): PolygonGeometry {
  return { kind: 'polygon', rings: g.rings.map((r, i) => (i === ringIndex ? ring : r)) };
}

export function movePolygonVertex(g: PolygonGeometry, v: VertexRef, p: Point): PolygonGeometry {
  const ring = [...(g.rings[v.ring] ?? [])];
  ring[2 * v.vertex] = p.x;
  ring[2 * v.vertex + 1] = p.y;
  return withRing(g, v.ring, ring);
}

/** Inserts a vertex after `after` (so it lands on the edge after → after+1). */
export function insertPolygonVertex(g: PolygonGeometry, after: VertexRef, p: Point): PolygonGeometry {
  const ring = [...(g.rings[after.ring] ?? [])];
  ring.splice(2 * (after.vertex + 1), 0, p.x, p.y);
  return withRing(g, after.ring, ring);
}

/** Deletes a vertex. A ring left with under 3 points goes; null when no ring is left. */
export function deletePolygonVertex(g: PolygonGeometry, v: VertexRef): PolygonGeometry | null {
  const ring = [...(g.rings[v.ring] ?? [])];
  ring.splice(2 * v.vertex, 2);
  if (ring.length >= 6) return withRing(g, v.ring, ring);
  const rings = g.rings.filter((_, i) => i !== v.ring);
  return rings.length > 0 ? { kind: 'polygon', rings } : null;
}

/** Moves vertex `index` of a polyline. */
export function movePolylineVertex(
  g: Extract<Geometry, { kind: 'polyline' }>,
  index: number,
  p: Point,
): Extract<Geometry, { kind: 'polyline' }> {
  const points = [...g.points];
  points[2 * index] = p.x;
  points[2 * index + 1] = p.y;
  return { kind: 'polyline', points };
}
