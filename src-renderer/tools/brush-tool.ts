import { type AnnotationId, type LabelId } from '@contract';
import { type Annotation } from '../model/annotation';
import { makeAnnotation } from '../model/commands';
import { maskBitmapOf, type Point, rememberMaskBitmap } from '../model/geometry-ops';
import { hitIndexFor, hitTestAll } from '../model/hit-test';
import {
  bitmapArea,
  bitmapToRle,
  emptyMaskBitmap,
  type MaskBitmap,
  strokeBitmap,
} from '../model/mask-bitmap';
import { isEditable } from '../model/visibility';
import {
  ignored,
  step,
  type Tool,
  type ToolContext,
  type ToolEffect,
  type ToolEvent,
  type ToolName,
  type ToolStep,
} from './tool-types';

export const MIN_BRUSH_RADIUS_PX = 1;
export const MAX_BRUSH_RADIUS_PX = 512;
const SIZE_STEP = 1.25;

interface Stroke {
  readonly targetId: AnnotationId;
  readonly bitmap: MaskBitmap;
  readonly last: Point;
  readonly erase: boolean;
  /** The label of a mask this stroke creates (null when it paints into an existing one). */
  readonly labelId: LabelId | null;
}

export interface BrushState {
  readonly radiusPx: number;
  readonly cursor: Point | null;
  readonly stroke: Stroke | null;
}

function targetMask(ctx: ToolContext, p: Point, erase: boolean): Annotation | null {
  const selected = ctx.selection.map((id) => ctx.doc.byId.get(id)).filter((a): a is Annotation => !!a);
  const selectedMask = selected.find((a) => a.geometry.kind === 'mask' && isEditable(a, ctx.labels));
  if (selected.length === 1 && selectedMask) return selectedMask;
  if (!erase) return null;
  const hits = hitTestAll(hitIndexFor(ctx.doc, ctx.labels), p, 0);
  return hits.find((a) => a.geometry.kind === 'mask' && isEditable(a, ctx.labels)) ?? null;
}

/** Paints the stroke segment and returns the patch that writes the new mask into the document. */
function paint(
  ctx: ToolContext,
  stroke: Stroke,
  to: Point,
  radiusPx: number,
): { stroke: Stroke; effects: ToolEffect[] } {
  const bitmap = strokeBitmap(stroke.bitmap, stroke.last, to, radiusPx, stroke.erase ? 0 : 1);
  const rle = bitmapToRle(bitmap);
  rememberMaskBitmap(rle, bitmap);
  const next = { ...stroke, bitmap, last: to };
  const current = ctx.doc.byId.get(stroke.targetId);
  const geometry = { kind: 'mask' as const, rle };
  if (!current) {
    if (stroke.labelId === null) return { stroke: next, effects: [] };
    const a = makeAnnotation(stroke.targetId, { labelId: stroke.labelId, geometry });
    return { stroke: next, effects: [{ kind: 'apply', patch: { added: [a], updated: [], removed: [] } }] };
  }
  const patch = { added: [], updated: [{ from: current, to: { ...current, geometry } }], removed: [] };
  return { stroke: next, effects: [{ kind: 'apply', patch }] };
}

function handleWith(erase: boolean) {
  return (state: BrushState, ev: ToolEvent, ctx: ToolContext): ToolStep<BrushState> => {
    switch (ev.kind) {
      case 'pointer-down': {
        if (ev.button === 'middle' || state.stroke) return ignored(state);
        const eraseNow = erase || ev.button === 'right' || ev.alt;
        const p = { x: ev.x, y: ev.y };
        const target = targetMask(ctx, p, eraseNow);
        if (!target && eraseNow) return step({ ...state, cursor: p });
        if (!target && ctx.activeLabelId === null)
          return step({ ...state, cursor: p }, [{ kind: 'need-label' }]);
        const bitmap =
          target && target.geometry.kind === 'mask'
            ? maskBitmapOf(target.geometry.rle)
            : emptyMaskBitmap(ctx.imageWidthPx, ctx.imageHeightPx);
        const start: Stroke = {
          targetId: target?.id ?? ctx.ids.next(),
          bitmap,
          last: p,
          erase: eraseNow,
          labelId: target ? null : ctx.activeLabelId,
        };
        const { stroke, effects } = paint(ctx, start, p, state.radiusPx);
        const select: ToolEffect[] = target ? [] : [{ kind: 'select', ids: [stroke.targetId] }];
        return step({ ...state, cursor: p, stroke }, [{ kind: 'begin-step' }, ...effects, ...select]);
      }
      case 'pointer-move': {
        const p = { x: ev.x, y: ev.y };
        if (!state.stroke) return step({ ...state, cursor: p }, [], false);
        const { stroke, effects } = paint(ctx, state.stroke, p, state.radiusPx);
        return step({ ...state, cursor: p, stroke }, effects);
      }
      case 'pointer-up': {
        if (!state.stroke) return ignored(state);
        const done = { ...state, stroke: null };
        // An erased-away mask is deleted in the same step, so undo brings it back whole.
        if (bitmapArea(state.stroke.bitmap) === 0) {
          const current = ctx.doc.byId.get(state.stroke.targetId);
          const removal: ToolEffect[] = current
            ? [{ kind: 'apply', patch: { added: [], updated: [], removed: [current] } }]
            : [];
          return step(done, [...removal, { kind: 'end-step' }]);
        }
        return step(done, [{ kind: 'end-step' }]);
      }
      case 'double-click':
        return ignored(state);
      case 'key-down':
        switch (ev.key) {
          case '[':
            return step({ ...state, radiusPx: Math.max(MIN_BRUSH_RADIUS_PX, state.radiusPx / SIZE_STEP) });
          case ']':
            return step({ ...state, radiusPx: Math.min(MAX_BRUSH_RADIUS_PX, state.radiusPx * SIZE_STEP) });
          case 'Escape':
            return state.stroke
              ? step({ ...state, stroke: null }, [{ kind: 'cancel-step' }])
              : ignored(state);
          default:
            return ignored(state);
        }
    }
  };
}

function createBrushTool(name: ToolName, erase: boolean): Tool<BrushState> {
  return {
    name,
    cursor: 'none',
    initial: () => ({ radiusPx: 12, cursor: null, stroke: null }),
    handle: handleWith(erase),
    overlay: (state) =>
      state.cursor
        ? [
            {
              kind: 'brush-cursor',
              center: state.cursor,
              radiusPx: state.radiusPx,
              erase: state.stroke?.erase ?? erase,
            },
          ]
        : [],
  };
}

/** Brush: paints into the selected mask, or starts a new one; right button or alt erases. */
export const brushTool = createBrushTool('brush', false);
/** Eraser: erases from the selected mask, or from the mask under the pointer. */
export const eraserTool = createBrushTool('eraser', true);
