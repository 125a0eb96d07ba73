import { addAnnotations, makeAnnotation } from '../model/commands';
import { ignored, step, type Tool, type ToolContext, type ToolEvent, type ToolStep } from './tool-types';

export type PointState = { readonly kind: 'idle' };

const IDLE: PointState = { kind: 'idle' };

/** Point: each click inside the image adds a point of the active label (and selects it). */
function handle(state: PointState, ev: ToolEvent, ctx: ToolContext): ToolStep<PointState> {
  if (ev.kind !== 'pointer-down' || ev.button !== 'left') return ignored(state);
  if (ev.x < 0 || ev.y < 0 || ev.x > ctx.imageWidthPx || ev.y > ctx.imageHeightPx) return ignored(state);
  if (ctx.activeLabelId === null) return step(state, [{ kind: 'need-label' }]);
  const a = makeAnnotation(ctx.ids.next(), {
    labelId: ctx.activeLabelId,
    geometry: { kind: 'point', x: ev.x, y: ev.y },
  });
  return step(state, [
    { kind: 'apply', patch: addAnnotations([a])(ctx.doc) },
    { kind: 'select', ids: [a.id] },
  ]);
}

export const pointTool: Tool<PointState> = {
  name: 'point',
  cursor: 'crosshair',
  initial: () => IDLE,
  handle,
  overlay: () => [],
};
