import { type AnnotationId } from '@contract';
import { type Annotation } from '../model/annotation';
import { updateAnnotations } from '../model/commands';
import { normalizeRect, type Point, type Rect, translateGeometry } from '../model/geometry-ops';
import { annotationsInRect, hitIndexFor, hitTest } from '../model/hit-test';
import { isEditable } from '../model/visibility';
import { handleAt, type HandleDrag, moveHandleDrag, startHandleDrag } from './handle-drag';
import {
  DRAG_THRESHOLD_SCREEN_PX,
  HANDLE_RADIUS_SCREEN_PX,
  distance,
  ignored,
  step,
  type Tool,
  type ToolContext,
  type ToolEvent,
  type ToolStep,
} from './tool-types';

export type SelectState =
  | { readonly kind: 'idle' }
  /** Pressed on a shape: a click or the start of a move, decided by the drag threshold. */
  | {
      readonly kind: 'pressed';
      readonly start: Point;
      readonly hitId: AnnotationId;
      readonly wasSelected: boolean;
    }
  | { readonly kind: 'moving'; readonly start: Point; readonly originals: readonly Annotation[] }
  | { readonly kind: 'handle'; readonly drag: HandleDrag }
  | { readonly kind: 'marquee'; readonly start: Point; readonly current: Point; readonly additive: boolean };

const IDLE: SelectState = { kind: 'idle' };

function onDown(ctx: ToolContext, p: Point, shift: boolean, alt: boolean): ToolStep<SelectState> {
  const handle = handleAt(ctx, p);
  if (handle) {
    const { drag, effects } = startHandleDrag(ctx, handle, alt);
    return step(drag ? { kind: 'handle', drag } : IDLE, effects);
  }
  const hit = hitTest(
    hitIndexFor(ctx.doc, ctx.labels),
    p,
    HANDLE_RADIUS_SCREEN_PX * ctx.imagePxPerScreenPx * 0.5,
  );
  if (!hit) {
    return step(
      { kind: 'marquee', start: p, current: p, additive: shift },
      shift ? [] : [{ kind: 'select', ids: [] }],
    );
  }
  const wasSelected = ctx.selection.includes(hit.id);
  if (shift) {
    const ids = wasSelected ? ctx.selection.filter((id) => id !== hit.id) : [...ctx.selection, hit.id];
    return step(IDLE, [{ kind: 'select', ids }]);
  }
  const effects = wasSelected ? [] : [{ kind: 'select' as const, ids: [hit.id] }];
  return step({ kind: 'pressed', start: p, hitId: hit.id, wasSelected }, effects);
}

function moveSelection(ctx: ToolContext, originals: readonly Annotation[], dx: number, dy: number) {
  const byId = new Map(originals.map((a) => [a.id, a]));
  return updateAnnotations(
    originals.map((a) => a.id),
    (cur) => {
      const orig = byId.get(cur.id);
      return orig ? { ...cur, geometry: translateGeometry(orig.geometry, dx, dy) } : cur;
    },
  )(ctx.doc);
}

function handle(state: SelectState, ev: ToolEvent, ctx: ToolContext): ToolStep<SelectState> {
  switch (ev.kind) {
    case 'pointer-down':
      if (ev.button !== 'left' || state.kind !== 'idle') return ignored(state);
      return onDown(ctx, ev, ev.shift, ev.alt);
    case 'pointer-move':
      switch (state.kind) {
        case 'idle':
          return ignored(state);
        case 'pressed': {
          if (distance(state.start, ev) < DRAG_THRESHOLD_SCREEN_PX * ctx.imagePxPerScreenPx)
            return step(state);
          const ids = state.wasSelected ? ctx.selection : [state.hitId];
          const originals = ids.flatMap((id) => {
            const a = ctx.doc.byId.get(id);
            return a && isEditable(a, ctx.labels) ? [a] : [];
          });
          if (originals.length === 0) return step(IDLE);
          const moving: SelectState = { kind: 'moving', start: state.start, originals };
          return step(moving, [
            { kind: 'begin-step' },
            {
              kind: 'apply',
              patch: moveSelection(ctx, originals, ev.x - state.start.x, ev.y - state.start.y),
            },
          ]);
        }
        case 'moving':
          return step(state, [
            {
              kind: 'apply',
              patch: moveSelection(ctx, state.originals, ev.x - state.start.x, ev.y - state.start.y),
            },
          ]);
        case 'handle':
          return step(state, moveHandleDrag(ctx, state.drag, ev));
        case 'marquee':
          return step({ ...state, current: { x: ev.x, y: ev.y } });
      }
      return ignored(state);
    case 'pointer-up':
      switch (state.kind) {
        case 'idle':
          return ignored(state);
        case 'pressed':
          // A plain click on a member of a multi-selection narrows the selection to it.
          return step(IDLE, state.wasSelected ? [{ kind: 'select', ids: [state.hitId] }] : []);
        case 'moving':
        case 'handle':
          return step(IDLE, [{ kind: 'end-step' }]);
        case 'marquee': {
          const rect = normalizeRect(state.start, ev);
          const inside = annotationsInRect(hitIndexFor(ctx.doc, ctx.labels), rect).map((a) => a.id);
          const ids = state.additive ? [...new Set([...ctx.selection, ...inside])] : inside;
          return step(IDLE, [{ kind: 'select', ids }]);
        }
      }
      return ignored(state);
    case 'double-click':
      return ignored(state);
    case 'key-down':
      if (ev.key !== 'Escape' || state.kind === 'idle') return ignored(state);
      return step(IDLE, state.kind === 'moving' || state.kind === 'handle' ? [{ kind: 'cancel-step' }] : []);
  }
}

export const selectTool: Tool<SelectState> = {
  name: 'select',
  cursor: 'default',
  initial: () => IDLE,
  handle,
  overlay: (state) => {
    if (state.kind !== 'marquee') return [];
    const rect: Rect = normalizeRect(state.start, state.current);
    return [{ kind: 'rect', rect, dashed: true }];
  },
};
