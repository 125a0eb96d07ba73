import { type Geometry, geometryProblem } from '@contract';
import {
  clipPolylineToRect,
  clipRingToRect,
  normalizeDegrees,
  rotatedBoxCorners,
  rotatedBoxFromCorners,
} from '@shared/geometry';
import type { ParsedAnnotation } from './import-types';
import type { ProjectImageRef } from './source';

/** Points and rotated boxes this close (px) outside the image count as on its border. */
const EDGE_TOLERANCE_PX = 1;

export interface PlacedGeometry {
  /** Usually one; a polyline that leaves the image and comes back becomes several parts (one group). */
  readonly geometries: Geometry[];
  /** Part of the shape lay outside the image and was cut off. */
  readonly clipped: boolean;
}

const scaleXY = (xy: readonly number[], sx: number, sy: number): number[] =>
  xy.map((v, i) => v * (i % 2 === 0 ? sx : sy));

function outside(x: number, y: number, w: number, h: number, tolerance: number): boolean {
  return x < -tolerance || y < -tolerance || x > w + tolerance || y > h + tolerance;
}

function clipPolygon(rings: readonly (readonly number[])[], w: number, h: number): PlacedGeometry | null {
  const kept: number[][] = [];
  let clipped = false;
  for (const ring of rings) {
    const c = clipRingToRect(ring, w, h);
    if (c !== ring) clipped = true;
    if (c !== null) kept.push(c);
  }
  return kept.length === 0 ? null : { geometries: [{ kind: 'polygon', rings: kept }], clipped };
}

/**
 * Puts a parsed geometry on the project image: scales normalised coordinates, turns oriented-box corners
 * into a rotated box, and clips what lies outside the image (polygons exactly, never vertex by vertex;
 * a rotated box poking out becomes the polygon of its part inside). Returns the reason when nothing of
 * the shape is inside the image or it is invalid.
 */
export function placeGeometry(pa: ParsedAnnotation, image: ProjectImageRef): PlacedGeometry | string {
  const W = image.widthPx;
  const H = image.heightPx;
  const sx = pa.normalized ? W : 1;
  const sy = pa.normalized ? H : 1;
  const src = pa.geometry;
  const nothingInside = `${pa.where}: the shape lies entirely outside the ${W}×${H} image`;
  let placed: PlacedGeometry | null;
  switch (src.kind) {
    case 'box': {
      const x0 = src.x * sx;
      const y0 = src.y * sy;
      const w = src.widthPx * sx;
      const h = src.heightPx * sy;
      const cx0 = Math.max(0, x0);
      const cy0 = Math.max(0, y0);
      const cx1 = Math.min(W, x0 + w);
      const cy1 = Math.min(H, y0 + h);
      if (cx1 < cx0 || cy1 < cy0) return nothingInside;
      const clipped = cx0 !== x0 || cy0 !== y0 || cx1 !== x0 + w || cy1 !== y0 + h;
      // Keep the size as given unless clipping changed it (x1 - x0 adds rounding noise).
      placed = {
        geometries: [
          clipped
            ? { kind: 'box', x: cx0, y: cy0, widthPx: cx1 - cx0, heightPx: cy1 - cy0 }
            : { kind: 'box', x: x0, y: y0, widthPx: w, heightPx: h },
        ],
        clipped,
      };
      break;
    }
    case 'polygon': {
      const rings = src.rings.map((r) => scaleXY(r, sx, sy));
      const only = rings[0];
      if (pa.orientedBox === true && rings.length === 1 && only !== undefined && only.length === 8) {
        const box = rotatedBoxFromCorners(only, 0.01 + 1e-6 * Math.max(W, H));
        if (box !== null) {
          placed = placeRotatedBox({ kind: 'rotated_box', ...box }, W, H);
          break;
        }
      }
      placed = clipPolygon(rings, W, H);
      break;
    }
    case 'rotated_box': {
      const box = {
        ...src,
        cx: src.cx * sx,
        cy: src.cy * sy,
        widthPx: src.widthPx * sx,
        heightPx: src.heightPx * sy,
        rotationDeg: normalizeDegrees(src.rotationDeg),
      };
      placed = placeRotatedBox(box, W, H);
      break;
    }
    case 'polyline': {
      const scaled = scaleXY(src.points, sx, sy);
      const parts = clipPolylineToRect(scaled, W, H);
      placed =
        parts.length === 0
          ? null
          : {
              geometries: parts.map((points) => ({ kind: 'polyline', points })),
              // clipPolylineToRect hands back its input when nothing was cut.
              clipped: parts.length !== 1 || parts[0] !== scaled,
            };
      break;
    }
    case 'point': {
      const x = src.x * sx;
      const y = src.y * sy;
      if (outside(x, y, W, H, EDGE_TOLERANCE_PX)) {
        return `${pa.where}: point (${x}, ${y}) lies outside the ${W}×${H} image`;
      }
      const cx = Math.min(Math.max(x, 0), W);
      const cy = Math.min(Math.max(y, 0), H);
      placed = { geometries: [{ kind: 'point', x: cx, y: cy }], clipped: cx !== x || cy !== y };
      break;
    }
    case 'mask':
      if (src.rle.size[0] !== H || src.rle.size[1] !== W) {
        return `${pa.where}: segmentation.size: mask size [h,w]=[${src.rle.size[0]},${src.rle.size[1]}] does not match the project image ${W}×${H}`;
      }
      placed = { geometries: [src], clipped: false };
      break;
    case 'tag':
      placed = { geometries: [src], clipped: false };
      break;
  }
  if (placed === null) return nothingInside;
  for (const g of placed.geometries) {
    const problem = geometryProblem(g);
    if (problem !== null) return `${pa.where}: invalid geometry: ${problem.path}: ${problem.message}`;
  }
  return placed;
}

/** A rotated box stays one while its corners are on the image (within a pixel); otherwise it is clipped. */
function placeRotatedBox(
  box: Extract<Geometry, { kind: 'rotated_box' }>,
  W: number,
  H: number,
): PlacedGeometry | null {
  const corners = rotatedBoxCorners(box);
  let inside = true;
  for (let i = 0; i < 8; i += 2) {
    if (outside(corners[i]!, corners[i + 1]!, W, H, EDGE_TOLERANCE_PX)) inside = false;
  }
  if (inside) return { geometries: [box], clipped: false };
  return clipPolygon([corners], W, H);
}
