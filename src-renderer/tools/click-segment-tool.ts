import { normalizeRect, type Point, type Rect } from '../model/geometry-ops';
import {
  DRAG_THRESHOLD_SCREEN_PX,
  distance,
  ignored,
  step,
  type SegmentClick,
  type Tool,
  type ToolContext,
  type ToolEvent,
  type ToolOverlay,
  type ToolStep,
} from './tool-types';

/**
 * Click-segment: left click = positive point, right click or alt-click = negative point, drag = box. Each
 * change asks for a segmentation; the result shows as a 'click' proposal. Enter accepts it, Esc drops it.
 */
export interface ClickSegmentState {
  readonly clicks: readonly SegmentClick[];
  readonly box: Rect | null;
  readonly press: { readonly start: Point; readonly positive: boolean; readonly current: Point } | null;
}

const EMPTY: ClickSegmentState = { clicks: [], box: null, press: null };

function isDrag(ctx: ToolContext, press: NonNullable<ClickSegmentState['press']>): boolean {
  return distance(press.start, press.current) >= DRAG_THRESHOLD_SCREEN_PX * ctx.imagePxPerScreenPx;
}

function handle(state: ClickSegmentState, ev: ToolEvent, ctx: ToolContext): ToolStep<ClickSegmentState> {
  switch (ev.kind) {
    case 'pointer-down': {
      if (ev.button === 'middle') return ignored(state);
      const p = { x: ev.x, y: ev.y };
      return step({ ...state, press: { start: p, current: p, positive: ev.button === 'left' && !ev.alt } });
    }
    case 'pointer-move':
      return state.press
        ? step({ ...state, press: { ...state.press, current: { x: ev.x, y: ev.y } } })
        : ignored(state);
    case 'pointer-up': {
      const press = state.press;
      if (!press) return ignored(state);
      const current = { x: ev.x, y: ev.y };
      const next: ClickSegmentState = isDrag(ctx, { ...press, current })
        ? // A new box starts a new object: earlier clicks belonged to the previous one.
          { clicks: [], box: normalizeRect(press.start, current), press: null }
        : { ...state, clicks: [...state.clicks, { ...press.start, positive: press.positive }], press: null };
      return step(next, [
        { kind: 'segment', request: { imageId: ctx.imageId, clicks: next.clicks, box: next.box } },
      ]);
    }
    case 'double-click':
      return ignored(state);
    case 'key-down': {
      const active = state.clicks.length > 0 || state.box !== null;
      if (ev.key === 'Enter' && active) return step(EMPTY, [{ kind: 'accept-proposals', origin: 'click' }]);
      if (ev.key === 'Escape' && (active || state.press))
        return step(EMPTY, [{ kind: 'clear-proposals', origin: 'click' }]);
      return ignored(state);
    }
  }
}

export const clickSegmentTool: Tool<ClickSegmentState> = {
  name: 'click-segment',
  cursor: 'crosshair',
  initial: () => EMPTY,
  handle,
  overlay: (state) => {
    const out: ToolOverlay[] = [];
    if (state.box) out.push({ kind: 'rect', rect: state.box, dashed: false });
    if (state.press && distance(state.press.start, state.press.current) > 0) {
      out.push({ kind: 'rect', rect: normalizeRect(state.press.start, state.press.current), dashed: true });
    }
    if (state.clicks.length > 0) out.push({ kind: 'clicks', clicks: state.clicks });
    return out;
  },
};
