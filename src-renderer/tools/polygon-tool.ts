import { addAnnotations, makeAnnotation } from '../model/commands';
import { type Point } from '../model/geometry-ops';
import { handleAt, type HandleDrag, moveHandleDrag, startHandleDrag } from './handle-drag';
import {
  HANDLE_RADIUS_SCREEN_PX,
  distance,
  ignored,
  step,
  type Tool,
  type ToolContext,
  type ToolEffect,
  type ToolEvent,
  type ToolStep,
} from './tool-types';

/**
 * Polygon: click vertices; close by clicking the first vertex, double-clicking or pressing Enter; Backspace
 * removes the last vertex and Esc drops the polygon. While idle, the selected polygon's vertices can be
 * dragged, an edge midpoint dragged to insert a vertex, and a vertex alt-clicked to delete it.
 * Polyline: the same clicks for an open line (at least 2 points), finished by double-click or Enter.
 */
export type PolygonState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'drawing'; readonly points: readonly Point[]; readonly cursor: Point | null }
  | { readonly kind: 'handle'; readonly drag: HandleDrag };

const IDLE: PolygonState = { kind: 'idle' };

type PathKind = 'polygon' | 'polyline';
const MIN_POINTS: Record<PathKind, number> = { polygon: 3, polyline: 2 };

function finish(kind: PathKind, points: readonly Point[], ctx: ToolContext): ToolStep<PolygonState> {
  if (points.length < MIN_POINTS[kind]) return step(IDLE);
  // Keep the points: the shape is finished once a label exists (the label was removed while drawing).
  if (ctx.activeLabelId === null)
    return step({ kind: 'drawing', points, cursor: null }, [{ kind: 'need-label' }]);
  const xy = points.flatMap((p) => [p.x, p.y]);
  const a = makeAnnotation(ctx.ids.next(), {
    labelId: ctx.activeLabelId,
    geometry: kind === 'polygon' ? { kind: 'polygon', rings: [xy] } : { kind: 'polyline', points: xy },
  });
  const effects: ToolEffect[] = [
    { kind: 'apply', patch: addAnnotations([a])(ctx.doc) },
    { kind: 'select', ids: [a.id] },
  ];
  return step(IDLE, effects);
}

function closeRadius(ctx: ToolContext): number {
  return HANDLE_RADIUS_SCREEN_PX * ctx.imagePxPerScreenPx;
}

const handleFor =
  (kind: PathKind) =>
  (state: PolygonState, ev: ToolEvent, ctx: ToolContext): ToolStep<PolygonState> =>
    handle(kind, state, ev, ctx);

function handle(
  kind: PathKind,
  state: PolygonState,
  ev: ToolEvent,
  ctx: ToolContext,
): ToolStep<PolygonState> {
  switch (ev.kind) {
    case 'pointer-down': {
      if (ev.button !== 'left') return ignored(state);
      const p = { x: ev.x, y: ev.y };
      if (state.kind === 'idle') {
        const h = handleAt(ctx, p);
        if (h) {
          const { drag, effects } = startHandleDrag(ctx, h, ev.alt);
          return step(drag ? { kind: 'handle', drag } : IDLE, effects);
        }
        if (ctx.activeLabelId === null) return step(IDLE, [{ kind: 'need-label' }]);
        return step({ kind: 'drawing', points: [p], cursor: p });
      }
      if (state.kind !== 'drawing') return ignored(state);
      const first = state.points[0];
      if (kind === 'polygon' && first && state.points.length >= 3 && distance(first, p) <= closeRadius(ctx))
        return finish(kind, state.points, ctx);
      return step({ kind: 'drawing', points: [...state.points, p], cursor: p });
    }
    case 'pointer-move':
      if (state.kind === 'drawing') return step({ ...state, cursor: { x: ev.x, y: ev.y } });
      if (state.kind === 'handle') return step(state, moveHandleDrag(ctx, state.drag, ev));
      return ignored(state);
    case 'pointer-up':
      if (state.kind === 'handle') return step(IDLE, [{ kind: 'end-step' }]);
      return state.kind === 'drawing' ? step(state) : ignored(state);
    case 'double-click':
      // The double-click's own clicks already added its point twice: drop the duplicate.
      if (state.kind !== 'drawing') return ignored(state);
      return finish(kind, dedupeTail(state.points, closeRadius(ctx)), ctx);
    case 'key-down':
      if (state.kind === 'handle') {
        return ev.key === 'Escape' ? step(IDLE, [{ kind: 'cancel-step' }]) : ignored(state);
      }
      if (state.kind !== 'drawing') return ignored(state);
      switch (ev.key) {
        case 'Enter':
          return finish(kind, state.points, ctx);
        case 'Escape':
          return step(IDLE);
        case 'Backspace': {
          const points = state.points.slice(0, -1);
          return step(points.length === 0 ? IDLE : { ...state, points });
        }
        default:
          return ignored(state);
      }
  }
}

function dedupeTail(points: readonly Point[], radius: number): Point[] {
  const out = [...points];
  while (out.length >= 2 && distance(out[out.length - 1]!, out[out.length - 2]!) <= radius) out.pop();
  return out;
}

export const polygonTool: Tool<PolygonState> = {
  name: 'polygon',
  cursor: 'crosshair',
  initial: () => IDLE,
  handle: handleFor('polygon'),
  overlay: (state) => {
    if (state.kind !== 'drawing') return [];
    const first = state.points[0];
    const closable = state.points.length >= 3 && first !== undefined && state.cursor !== null;
    return [{ kind: 'polyline', points: state.points, cursor: state.cursor, closable }];
  },
};

export const polylineTool: Tool<PolygonState> = {
  name: 'polyline',
  cursor: 'crosshair',
  initial: () => IDLE,
  handle: handleFor('polyline'),
  overlay: (state) =>
    state.kind === 'drawing'
      ? [{ kind: 'polyline', points: state.points, cursor: state.cursor, closable: false }]
      : [],
};
