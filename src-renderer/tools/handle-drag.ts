import { type Geometry } from '@contract';
import { type Annotation } from '../model/annotation';
import { removeAnnotations, setGeometry } from '../model/commands';
import {
  deletePolygonVertex,
  insertPolygonVertex,
  movePolygonVertex,
  movePolylineVertex,
  type Point,
  resizeBox,
  resizeRotatedBox,
  rotateBoxTowards,
} from '../model/geometry-ops';
import { type Handle, pickHandle, selectionHandles } from './handles';
import { HANDLE_RADIUS_SCREEN_PX, type ToolContext, type ToolEffect } from './tool-types';

/** A handle being dragged; geometry is recomputed from the original so that rounding never accumulates. */
export interface HandleDrag {
  readonly handle: Handle;
  readonly original: Annotation;
}

export function handleAt(ctx: ToolContext, p: Point): Handle | null {
  const handles = selectionHandles(ctx.doc, ctx.selection, ctx.labels);
  return pickHandle(handles, p, HANDLE_RADIUS_SCREEN_PX * ctx.imagePxPerScreenPx);
}

/**
 * Starts a handle interaction. Alt-click on a vertex deletes it (the whole polygon goes with its last ring);
 * grabbing an edge midpoint inserts a vertex there and drags it.
 */
export function startHandleDrag(
  ctx: ToolContext,
  handle: Handle,
  alt: boolean,
): { drag: HandleDrag | null; effects: ToolEffect[] } {
  const original = ctx.doc.byId.get(handle.annotationId);
  if (!original) return { drag: null, effects: [] };
  const g = original.geometry;
  if (handle.kind === 'vertex' && alt && g.kind === 'polygon') {
    const next = deletePolygonVertex(g, handle.ref);
    const patch = next ? setGeometry(original.id, next)(ctx.doc) : removeAnnotations([original.id])(ctx.doc);
    return { drag: null, effects: [{ kind: 'apply', patch }] };
  }
  if (handle.kind === 'vertex' && alt && g.kind === 'polyline') {
    // A polyline keeps at least two points: deleting one of the last two removes the line.
    const points = [...g.points];
    points.splice(2 * handle.ref.vertex, 2);
    const patch =
      points.length >= 4
        ? setGeometry(original.id, { kind: 'polyline', points })(ctx.doc)
        : removeAnnotations([original.id])(ctx.doc);
    return { drag: null, effects: [{ kind: 'apply', patch }] };
  }
  if (handle.kind === 'midpoint' && g.kind === 'polygon') {
    const inserted = insertPolygonVertex(g, handle.ref, handle.at);
    const vertexRef = { ring: handle.ref.ring, vertex: handle.ref.vertex + 1 };
    const withVertex: Annotation = { ...original, geometry: inserted };
    return {
      drag: {
        handle: { kind: 'vertex', annotationId: original.id, ref: vertexRef, at: handle.at },
        original: withVertex,
      },
      effects: [
        { kind: 'begin-step' },
        { kind: 'apply', patch: setGeometry(original.id, inserted)(ctx.doc) },
      ],
    };
  }
  return { drag: { handle, original }, effects: [{ kind: 'begin-step' }] };
}

function draggedGeometry(drag: HandleDrag, p: Point): Geometry {
  const g = drag.original.geometry;
  const h = drag.handle;
  if (h.kind === 'box-corner' && g.kind === 'box') return resizeBox(g, h.handle, p);
  if (h.kind === 'vertex' && g.kind === 'polygon') return movePolygonVertex(g, h.ref, p);
  if (h.kind === 'vertex' && g.kind === 'polyline') return movePolylineVertex(g, h.ref.vertex, p);
  if (h.kind === 'rotated-corner' && g.kind === 'rotated_box') return resizeRotatedBox(g, h.corner, p);
  if (h.kind === 'rotation' && g.kind === 'rotated_box') return rotateBoxTowards(g, p);
  return g;
}

export function moveHandleDrag(ctx: ToolContext, drag: HandleDrag, p: Point): ToolEffect[] {
  const patch = setGeometry(drag.original.id, draggedGeometry(drag, p))(ctx.doc);
  return [{ kind: 'apply', patch }];
}
