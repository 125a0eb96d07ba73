import { type AnnotationId } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { type Annotation } from '../model/annotation';
import { type AnnotationDoc } from '../model/document';
import {
  BOX_HANDLES,
  type BoxHandle,
  boxHandlePosition,
  geometryBounds,
  type Point,
  type VertexRef,
} from '../model/geometry-ops';
import { isEditable, type LabelStates } from '../model/visibility';

/** A grabbable point on a selected annotation. */
export type Handle =
  | {
      readonly kind: 'box-corner';
      readonly annotationId: AnnotationId;
      readonly handle: BoxHandle;
      readonly at: Point;
    }
  | {
      readonly kind: 'vertex';
      readonly annotationId: AnnotationId;
      readonly ref: VertexRef;
      readonly at: Point;
    }
  | {
      readonly kind: 'midpoint';
      readonly annotationId: AnnotationId;
      readonly ref: VertexRef;
      readonly at: Point;
    }
  | {
      /** A corner of a rotated box (index into rotatedBoxCorners); the opposite corner stays put. */
      readonly kind: 'rotated-corner';
      readonly annotationId: AnnotationId;
      readonly corner: number;
      readonly at: Point;
    }
  | {
      /** Above the top edge of a rotated box: dragging it turns the box about its centre. */
      readonly kind: 'rotation';
      readonly annotationId: AnnotationId;
      readonly at: Point;
    };

/** How far (image px) the rotation handle sits outside the box's top edge. */
export const ROTATION_HANDLE_OFFSET_PX = 16;

export function handlesOf(a: Annotation): Handle[] {
  const g = a.geometry;
  switch (g.kind) {
    case 'box': {
      const b = geometryBounds(g);
      return BOX_HANDLES.map((handle) => ({
        kind: 'box-corner' as const,
        annotationId: a.id,
        handle,
        at: boxHandlePosition(b, handle),
      }));
    }
    case 'polygon': {
      const out: Handle[] = [];
      g.rings.forEach((ring, r) => {
        const n = Math.floor(ring.length / 2);
        for (let v = 0; v < n; v++) {
          const x = ring[2 * v] ?? 0;
          const y = ring[2 * v + 1] ?? 0;
          const nx = ring[2 * ((v + 1) % n)] ?? 0;
          const ny = ring[2 * ((v + 1) % n) + 1] ?? 0;
          out.push({ kind: 'vertex', annotationId: a.id, ref: { ring: r, vertex: v }, at: { x, y } });
          out.push({
            kind: 'midpoint',
            annotationId: a.id,
            ref: { ring: r, vertex: v },
            at: { x: (x + nx) / 2, y: (y + ny) / 2 },
          });
        }
      });
      return out;
    }
    case 'rotated_box': {
      const c = rotatedBoxCorners(g);
      const out: Handle[] = [0, 1, 2, 3].map((corner) => ({
        kind: 'rotated-corner' as const,
        annotationId: a.id,
        corner,
        at: { x: c[corner * 2] ?? 0, y: c[corner * 2 + 1] ?? 0 },
      }));
      const t = (g.rotationDeg * Math.PI) / 180;
      const up = g.heightPx / 2 + ROTATION_HANDLE_OFFSET_PX;
      out.push({
        kind: 'rotation',
        annotationId: a.id,
        at: { x: g.cx + up * Math.sin(t), y: g.cy - up * Math.cos(t) },
      });
      return out;
    }
    case 'polyline': {
      const out: Handle[] = [];
      const n = Math.floor(g.points.length / 2);
      for (let v = 0; v < n; v++) {
        const at = { x: g.points[2 * v] ?? 0, y: g.points[2 * v + 1] ?? 0 };
        out.push({ kind: 'vertex', annotationId: a.id, ref: { ring: 0, vertex: v }, at });
      }
      return out;
    }
    case 'point':
    case 'mask':
    case 'tag':
      return [];
  }
}

/** Handles of the editable selected annotations; too many vertices would only clutter, so cap them. */
export function selectionHandles(
  doc: AnnotationDoc,
  selection: readonly AnnotationId[],
  labels: LabelStates,
  maxHandles = 2000,
): Handle[] {
  const out: Handle[] = [];
  for (const id of selection) {
    const a = doc.byId.get(id);
    if (!a || !isEditable(a, labels)) continue;
    out.push(...handlesOf(a));
    if (out.length > maxHandles) return out.slice(0, maxHandles);
  }
  return out;
}

/** The handle nearest to `p` within `radiusPx` (vertices win over midpoints at equal distance). */
export function pickHandle(handles: readonly Handle[], p: Point, radiusPx: number): Handle | null {
  let best: Handle | null = null;
  let bestD = Infinity;
  for (const h of handles) {
    const d = Math.hypot(h.at.x - p.x, h.at.y - p.y) + (h.kind === 'midpoint' ? 0.01 : 0);
    if (d <= radiusPx && d < bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}
