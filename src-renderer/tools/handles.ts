import { type AnnotationId } from '@contract';
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
    };

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
    case 'point':
    case 'mask':
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
