import { useCallback, useEffect, useRef, useState } from 'react';
import { type Point } from '../model/geometry-ops';
import { type Rect } from '../model/geometry-ops';
import {
  fitRect,
  fitView,
  IDENTITY_VIEW,
  oneToOneView,
  panBy,
  type Size,
  type ViewState,
  zoomAt,
} from './view';

export interface ViewStateApi {
  readonly view: ViewState;
  readonly viewport: Size;
  readonly setView: (view: ViewState) => void;
  /** Pass to AnnotationCanvas' onViewportResize. */
  readonly setViewport: (size: Size) => void;
  readonly fit: () => void;
  readonly oneToOne: () => void;
  /** Zooms and pans to a region of the image (a search hit). */
  readonly showRect: (rect: Rect) => void;
  readonly zoomBy: (factor: number, around?: Point) => void;
  readonly panBy: (dxPx: number, dyPx: number) => void;
}

/**
 * View state (zoom/pan) for AnnotationCanvas. It fits the image when the image size changes, and on the
 * first viewport size; after that the user's zoom is kept across resizes.
 */
export function useViewState(image: Size): ViewStateApi {
  const [view, setView] = useState<ViewState>(IDENTITY_VIEW);
  const [viewport, setViewportState] = useState<Size>({ widthPx: 0, heightPx: 0 });
  const fittedFor = useRef<string | null>(null);

  useEffect(() => {
    if (viewport.widthPx <= 0 || viewport.heightPx <= 0) return;
    const key = `${image.widthPx}x${image.heightPx}`;
    if (fittedFor.current === key) return;
    fittedFor.current = key;
    setView(fitView(image, viewport));
  }, [image, viewport]);

  const setViewport = useCallback((size: Size) => {
    setViewportState((prev) =>
      prev.widthPx === size.widthPx && prev.heightPx === size.heightPx ? prev : size,
    );
  }, []);
  const fit = useCallback(() => setView(fitView(image, viewport)), [image, viewport]);
  const oneToOne = useCallback(() => setView((v) => oneToOneView(v, viewport)), [viewport]);
  const showRect = useCallback((rect: Rect) => setView(fitRect(rect, viewport)), [viewport]);
  const zoomBy = useCallback(
    (factor: number, around?: Point) =>
      setView((v) => zoomAt(v, factor, around ?? { x: viewport.widthPx / 2, y: viewport.heightPx / 2 })),
    [viewport],
  );
  const pan = useCallback((dx: number, dy: number) => setView((v) => panBy(v, dx, dy)), []);
  return { view, viewport, setView, setViewport, fit, oneToOne, showRect, zoomBy, panBy: pan };
}
