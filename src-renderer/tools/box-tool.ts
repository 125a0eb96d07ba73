import { addAnnotations, makeAnnotation } from '../model/commands';
import { normalizeRect, type Point } from '../model/geometry-ops';
import { handleAt, type HandleDrag, moveHandleDrag, startHandleDrag } from './handle-drag';
import {
  DRAG_THRESHOLD_SCREEN_PX,
  ignored,
  step,
  type Tool,
  type ToolContext,
  type ToolEvent,
  type ToolStep,
} from './tool-types';

export type BoxState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'drawing'; readonly start: Point; readonly current: Point }
  | { readonly kind: 'handle'; readonly drag: HandleDrag };

const IDLE: BoxState = { kind: 'idle' };

function clampToImage(ctx: ToolContext, p: Point): Point {
  return {
    x: Math.max(0, Math.min(ctx.imageWidthPx, p.x)),
    y: Math.max(0, Math.min(ctx.imageHeightPx, p.y)),
  };
}

/**
 * Box: drag a rectangle. Rotated box: drag it the same way, then turn it with the handle above its top
 * edge (and resize it by its corners), as CVAT draws rotated boxes.
 */
function handle(rotated: boolean, state: BoxState, ev: ToolEvent, ctx: ToolContext): ToolStep<BoxState> {
  switch (ev.kind) {
    case 'pointer-down': {
      if (ev.button !== 'left' || state.kind !== 'idle') return ignored(state);
      // The corners of a selected box stay grabbable while drawing boxes.
      const h = handleAt(ctx, ev);
      if (h) {
        const { drag, effects } = startHandleDrag(ctx, h, ev.alt);
        return step(drag ? { kind: 'handle', drag } : IDLE, effects);
      }
      if (ctx.activeLabelId === null) return step(IDLE, [{ kind: 'need-label' }]);
      const p = clampToImage(ctx, ev);
      return step({ kind: 'drawing', start: p, current: p });
    }
    case 'pointer-move':
      if (state.kind === 'drawing') return step({ ...state, current: clampToImage(ctx, ev) });
      if (state.kind === 'handle') return step(state, moveHandleDrag(ctx, state.drag, ev));
      return ignored(state);
    case 'pointer-up': {
      if (state.kind === 'handle') return step(IDLE, [{ kind: 'end-step' }]);
      if (state.kind !== 'drawing') return ignored(state);
      const rect = normalizeRect(state.start, clampToImage(ctx, ev));
      const minPx = DRAG_THRESHOLD_SCREEN_PX * ctx.imagePxPerScreenPx;
      if (rect.widthPx < minPx || rect.heightPx < minPx) return step(IDLE);
      if (ctx.activeLabelId === null) return step(state, [{ kind: 'need-label' }]);
      const a = makeAnnotation(ctx.ids.next(), {
        labelId: ctx.activeLabelId,
        geometry: rotated
          ? {
              kind: 'rotated_box',
              cx: rect.x + rect.widthPx / 2,
              cy: rect.y + rect.heightPx / 2,
              widthPx: rect.widthPx,
              heightPx: rect.heightPx,
              rotationDeg: 0,
            }
          : { kind: 'box', ...rect },
      });
      return step(IDLE, [
        { kind: 'apply', patch: addAnnotations([a])(ctx.doc) },
        { kind: 'select', ids: [a.id] },
      ]);
    }
    case 'double-click':
      return ignored(state);
    case 'key-down':
      if (ev.key !== 'Escape' || state.kind === 'idle') return ignored(state);
      return step(IDLE, state.kind === 'handle' ? [{ kind: 'cancel-step' }] : []);
  }
}

const overlay = (state: BoxState): ReturnType<Tool<BoxState>['overlay']> =>
  state.kind === 'drawing'
    ? [{ kind: 'rect', rect: normalizeRect(state.start, state.current), dashed: false }]
    : [];

export const boxTool: Tool<BoxState> = {
  name: 'box',
  cursor: 'crosshair',
  initial: () => IDLE,
  handle: (state, ev, ctx) => handle(false, state, ev, ctx),
  overlay,
};

export const rotatedBoxTool: Tool<BoxState> = {
  name: 'rotated-box',
  cursor: 'crosshair',
  initial: () => IDLE,
  handle: (state, ev, ctx) => handle(true, state, ev, ctx),
  overlay,
};
