import { type Point, type Rect } from '../model/geometry-ops';

/** screen = image × scale + offset (screen pixels relative to the canvas' top-left corner). */
export interface ViewState {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export interface Size {
  readonly widthPx: number;
  readonly heightPx: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 64;
export const IDENTITY_VIEW: ViewState = { scale: 1, offsetX: 0, offsetY: 0 };

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The whole image, centred, with a margin. */
export function fitView(image: Size, viewport: Size, marginPx = 16): ViewState {
  if (image.widthPx <= 0 || image.heightPx <= 0 || viewport.widthPx <= 0 || viewport.heightPx <= 0)
    return IDENTITY_VIEW;
  const scale = clampScale(
    Math.min(
      Math.max(1, viewport.widthPx - 2 * marginPx) / image.widthPx,
      Math.max(1, viewport.heightPx - 2 * marginPx) / image.heightPx,
    ),
  );
  return {
    scale,
    offsetX: (viewport.widthPx - image.widthPx * scale) / 2,
    offsetY: (viewport.heightPx - image.heightPx * scale) / 2,
  };
}

/**
 * Shows `rect` (image pixels) centred with a margin around it (a search hit), zooming in no further
 * than `maxScale` so that a tiny region keeps some context.
 */
export function fitRect(rect: Rect, viewport: Size, marginFraction = 0.25, maxScale = 4): ViewState {
  if (viewport.widthPx <= 0 || viewport.heightPx <= 0) return IDENTITY_VIEW;
  const w = Math.max(1, rect.widthPx) * (1 + 2 * marginFraction);
  const h = Math.max(1, rect.heightPx) * (1 + 2 * marginFraction);
  const scale = clampScale(Math.min(maxScale, viewport.widthPx / w, viewport.heightPx / h));
  const cx = rect.x + rect.widthPx / 2;
  const cy = rect.y + rect.heightPx / 2;
  return { scale, offsetX: viewport.widthPx / 2 - cx * scale, offsetY: viewport.heightPx / 2 - cy * scale };
}

/** One image pixel per screen pixel, keeping the image point under the viewport centre in place. */
export function oneToOneView(view: ViewState, viewport: Size): ViewState {
  return zoomAt(view, 1 / view.scale, { x: viewport.widthPx / 2, y: viewport.heightPx / 2 });
}

/** Zooms by `factor` keeping the image point under `screen` (the cursor) fixed. */
export function zoomAt(view: ViewState, factor: number, screen: Point): ViewState {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return {
    scale,
    offsetX: screen.x - (screen.x - view.offsetX) * k,
    offsetY: screen.y - (screen.y - view.offsetY) * k,
  };
}

export function panBy(view: ViewState, dxPx: number, dyPx: number): ViewState {
  return { ...view, offsetX: view.offsetX + dxPx, offsetY: view.offsetY + dyPx };
}

export function screenToImage(view: ViewState, p: Point): Point {
  return { x: (p.x - view.offsetX) / view.scale, y: (p.y - view.offsetY) / view.scale };
}

export function imageToScreen(view: ViewState, p: Point): Point {
  return { x: p.x * view.scale + view.offsetX, y: p.y * view.scale + view.offsetY };
}

/** The part of the image plane on screen (for culling). */
export function visibleImageRect(view: ViewState, viewport: Size): Rect {
  const a = screenToImage(view, { x: 0, y: 0 });
  return { x: a.x, y: a.y, widthPx: viewport.widthPx / view.scale, heightPx: viewport.heightPx / view.scale };
}

/** Wheel delta → zoom factor: one notch (100 px) zooms by about 1.2×, trackpads zoom smoothly. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-px * 0.0018);
}
