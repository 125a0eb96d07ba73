import type Konva from 'konva';
import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Image as KonvaImage, Layer, Shape, Stage } from 'react-konva';
import { type AnnotationId, type LabelId } from '@contract';
import { type AnnotationDoc, listAnnotations } from '../model/document';
import { type ProposalList } from '../model/proposals';
import { isVisible, type LabelStates, NO_LABEL_STATES } from '../model/visibility';
import { selectionHandles } from '../tools/handles';
import { type PointerButton, type ToolEvent, type ToolOverlay } from '../tools/tool-types';
import { CURRENT_PROPOSAL_COLOR, paintSelection, paintToolOverlays, PROPOSAL_COLOR } from './overlay-paint';
import { type PaintItem, paintShapes, type PaintStyle } from './paint';
import { heatMapToRgba } from './raster';
import { RasterCache } from './raster-cache';
import { useLoadedImage } from './use-loaded-image';
import {
  fitView,
  oneToOneView,
  panBy,
  screenToImage,
  type Size,
  type ViewState,
  visibleImageRect,
  wheelZoomFactor,
  zoomAt,
} from './view';

export interface HeatMapInput {
  /** 0–255 per cell, row-major. */
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly opacity?: number;
}

export interface AnnotationCanvasProps {
  readonly imageUrl: string | null;
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  readonly doc: AnnotationDoc | null;
  readonly selection?: readonly AnnotationId[];
  readonly labelColor: (labelId: LabelId) => string;
  readonly labelStates?: LabelStates;
  readonly view: ViewState;
  readonly onViewChange: (view: ViewState) => void;
  readonly onViewportResize?: (size: Size) => void;
  readonly proposals?: ProposalList;
  /** The proposal under review: drawn solid and thicker than the other pending ones. */
  readonly currentProposalKey?: string | null;
  readonly heatMap?: HeatMapInput | null;
  /** The active tool's overlays and cursor (ToolController's snapshot fits). */
  readonly tool?: { readonly overlays: readonly ToolOverlay[]; readonly cursor: string };
  /** Pointer events in image coordinates and key presses, for the ToolController. */
  readonly onToolEvent?: (ev: ToolEvent) => void;
  readonly onError?: (message: string) => void;
  readonly className?: string;
  readonly style?: CSSProperties;
  /** Gives the Konva stage (benchmarks and screenshots). */
  readonly onStage?: (stage: Konva.Stage | null) => void;
}

const ANNOTATION_STYLE = { fillAlpha: 0.25, maskAlpha: 0.45, strokeScreenPx: 1.5, halo: true } as const;
const PROPOSAL_STYLE: PaintStyle = {
  colorOf: () => PROPOSAL_COLOR,
  fillAlpha: 0.12,
  maskAlpha: 0.25,
  strokeScreenPx: 1.5,
  dash: [6, 4],
  halo: true,
};
const CURRENT_PROPOSAL_STYLE: PaintStyle = {
  colorOf: () => CURRENT_PROPOSAL_COLOR,
  fillAlpha: 0.25,
  maskAlpha: 0.45,
  strokeScreenPx: 3,
  halo: true,
};

function buttonOf(e: { button: number }): PointerButton {
  return e.button === 1 ? 'middle' : e.button === 2 ? 'right' : 'left';
}

function modifiers(e: { altKey: boolean; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) {
  return { alt: e.altKey, shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey };
}

/** The previous array while the new one holds the same items in the same order (a cheap cache key). */
function useStableArray<T>(items: readonly T[]): readonly T[] {
  const ref = useRef(items);
  const prev = ref.current;
  const same = prev === items || (prev.length === items.length && prev.every((x, i) => x === items[i]));
  useEffect(() => {
    if (!same) ref.current = items;
  });
  return same ? prev : items;
}

function useHeatMapCanvas(heatMap: HeatMapInput | null | undefined): HTMLCanvasElement | null {
  return useMemo(() => {
    if (!heatMap) return null;
    const canvas = document.createElement('canvas');
    canvas.width = heatMap.widthPx;
    canvas.height = heatMap.heightPx;
    const rgba = heatMapToRgba(heatMap.data, heatMap.widthPx, heatMap.heightPx);
    canvas.getContext('2d')?.putImageData(new ImageData(rgba, heatMap.widthPx, heatMap.heightPx), 0, 0);
    return canvas;
  }, [heatMap]);
}

/**
 * The editor canvas: the image, the annotations (one custom-drawn Konva shape, culled to the viewport), and
 * an overlay with selection handles, proposals, the heat map and tool feedback. Konva's hit graph is off:
 * tools hit-test in model space. Wheel zooms around the cursor, space-drag or middle-drag pans, ctrl+0 fits
 * and ctrl+1 shows 1:1.
 */
export function AnnotationCanvas(props: AnnotationCanvasProps) {
  const { view, onViewChange, onToolEvent, onViewportResize, imageWidthPx, imageHeightPx } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Size>({ widthPx: 0, heightPx: 0 });
  const [spaceHeld, setSpaceHeld] = useState(false);
  const panRef = useRef<{ x: number; y: number } | null>(null);
  const viewRef = useRef(view);
  viewRef.current = view;
  const image = useLoadedImage(props.imageUrl, props.onError);
  const heatCanvas = useHeatMapCanvas(props.heatMap);
  const labels = props.labelStates ?? NO_LABEL_STATES;

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      const next = { widthPx: el.clientWidth, heightPx: el.clientHeight };
      setSize((prev) => (prev.widthPx === next.widthPx && prev.heightPx === next.heightPx ? prev : next));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (size.widthPx > 0) onViewportResize?.(size);
  }, [size, onViewportResize]);

  // Wheel must be a non-passive native listener to stop the page from scrolling.
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const at = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      onViewChange(zoomAt(viewRef.current, wheelZoomFactor(e.deltaY, e.deltaMode), at));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [onViewChange]);

  const toImage = useCallback((e: { clientX: number; clientY: number }) => {
    const rect = containerRef.current?.getBoundingClientRect();
    return screenToImage(viewRef.current, {
      x: e.clientX - (rect?.left ?? 0),
      y: e.clientY - (rect?.top ?? 0),
    });
  }, []);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    containerRef.current?.focus();
    e.currentTarget.setPointerCapture(e.pointerId);
    if (e.button === 1 || spaceHeld) {
      panRef.current = { x: e.clientX, y: e.clientY };
      return;
    }
    onToolEvent?.({ kind: 'pointer-down', button: buttonOf(e), ...toImage(e), ...modifiers(e) });
  };
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const pan = panRef.current;
    if (pan) {
      onViewChange(panBy(viewRef.current, e.clientX - pan.x, e.clientY - pan.y));
      panRef.current = { x: e.clientX, y: e.clientY };
      return;
    }
    onToolEvent?.({ kind: 'pointer-move', ...toImage(e), ...modifiers(e) });
  };
  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>) => {
    if (panRef.current) {
      panRef.current = null;
      return;
    }
    onToolEvent?.({ kind: 'pointer-up', button: buttonOf(e), ...toImage(e), ...modifiers(e) });
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === ' ') {
      e.preventDefault();
      setSpaceHeld(true);
      return;
    }
    const ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && e.key === '0') {
      e.preventDefault();
      onViewChange(fitView({ widthPx: imageWidthPx, heightPx: imageHeightPx }, size));
      return;
    }
    if (ctrl && e.key === '1') {
      e.preventDefault();
      onViewChange(oneToOneView(viewRef.current, size));
      return;
    }
    if (!onToolEvent || e.key === 'Tab') return;
    e.preventDefault();
    onToolEvent({ kind: 'key-down', key: e.key, ...modifiers(e) });
  };
  const onKeyUp = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === ' ') setSpaceHeld(false);
  };

  const selection = props.selection;
  // Selected annotations are the ones being edited: they are drawn live every frame, and everything else
  // comes from the raster cache, which a drag or a brush stroke therefore never invalidates.
  const splitLayers = useMemo(() => {
    const all = props.doc ? listAnnotations(props.doc).filter((a) => isVisible(a, labels)) : [];
    const selected = new Set(selection ?? []);
    return {
      rest: all.filter((a) => !selected.has(a.id)),
      live: selected.size === 0 ? [] : all.filter((a) => selected.has(a.id)),
    };
  }, [props.doc, labels, selection]);
  const staticAnnotations = useStableArray(splitLayers.rest);
  const liveAnnotations = splitLayers.live;
  const labelColor = props.labelColor;
  const annotationStyle = useMemo<PaintStyle>(
    () => ({ ...ANNOTATION_STYLE, colorOf: (id) => (id === null ? PROPOSAL_COLOR : labelColor(id)) }),
    [labelColor],
  );
  const visible = visibleImageRect(view, size);

  const imageCache = useRef(new RasterCache());
  const annotationCache = useRef(new RasterCache());
  useEffect(() => {
    const caches = [imageCache.current, annotationCache.current];
    return () => caches.forEach((c) => c.dispose());
  }, []);
  // The colours in use, as a string: a labelColor callback that is new on every render but gives the same
  // colours must not throw the raster away (that would repaint 1,000 shapes on every pan).
  const colorKey = useMemo(
    () =>
      [...new Set(staticAnnotations.map((a) => a.labelId))]
        .sort((a, b) => a - b)
        .map((id) => `${id}:${labelColor(id)}`)
        .join(','),
    [staticAnnotations, labelColor],
  );
  const annotationContent = useMemo(() => ({ staticAnnotations, colorKey }), [staticAnnotations, colorKey]);

  const drawImage = (con: Konva.Context, shape: Konva.Shape) => {
    if (!image) return;
    imageCache.current.draw(con._context, {
      visible,
      scale: view.scale,
      pixelRatio: con.canvas.getPixelRatio(),
      contentKey: image,
      paint: (ctx, _area, scale) => {
        ctx.imageSmoothingEnabled = scale < 2;
        ctx.drawImage(image, 0, 0, imageWidthPx, imageHeightPx);
      },
      requestRedraw: () => shape.getLayer()?.batchDraw(),
    });
  };
  const drawAnnotations = (con: Konva.Context, shape: Konva.Shape) => {
    annotationCache.current.draw(con._context, {
      visible,
      scale: view.scale,
      pixelRatio: con.canvas.getPixelRatio(),
      contentKey: annotationContent,
      paint: (ctx, area, scale) => paintShapes(ctx, staticAnnotations, area, scale, annotationStyle),
      requestRedraw: () => shape.getLayer()?.batchDraw(),
    });
    if (liveAnnotations.length > 0)
      paintShapes(con._context, liveAnnotations, visible, view.scale, annotationStyle);
  };

  const selectedGeometries = useMemo(() => {
    if (!props.doc || !selection) return [];
    const doc = props.doc;
    return selection.flatMap((id) => {
      const a = doc.byId.get(id);
      return a && isVisible(a, labels) ? [a.geometry] : [];
    });
  }, [props.doc, selection, labels]);
  const handles = useMemo(
    () => (props.doc && selection ? selectionHandles(props.doc, selection, labels) : []),
    [props.doc, selection, labels],
  );
  const currentKey = props.currentProposalKey ?? null;
  const proposalItems = useMemo(() => {
    const all = props.proposals ?? [];
    const toItem = (p: (typeof all)[number]): PaintItem => ({ geometry: p.geometry, labelId: null });
    return {
      others: all.filter((p) => p.key !== currentKey).map(toItem),
      current: all.filter((p) => p.key === currentKey).map(toItem),
    };
  }, [props.proposals, currentKey]);
  const overlays = props.tool?.overlays;
  const drawOverlay = (con: Konva.Context) => {
    const ctx = con._context;
    paintShapes(ctx, proposalItems.others, visible, view.scale, PROPOSAL_STYLE);
    paintShapes(ctx, proposalItems.current, visible, view.scale, CURRENT_PROPOSAL_STYLE);
    paintSelection(ctx, selectedGeometries, handles, view.scale);
    if (overlays) paintToolOverlays(ctx, overlays, view.scale);
  };

  const cursor = spaceHeld ? (panRef.current ? 'grabbing' : 'grab') : (props.tool?.cursor ?? 'default');
  return (
    <div
      ref={containerRef}
      className={props.className}
      style={{ position: 'relative', overflow: 'hidden', outline: 'none', cursor, ...props.style }}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={(e) => onToolEvent?.({ kind: 'double-click', ...toImage(e), ...modifiers(e) })}
      onContextMenu={(e) => e.preventDefault()}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onBlur={() => setSpaceHeld(false)}
    >
      {size.widthPx > 0 && size.heightPx > 0 && (
        <Stage
          ref={props.onStage}
          width={size.widthPx}
          height={size.heightPx}
          x={view.offsetX}
          y={view.offsetY}
          scaleX={view.scale}
          scaleY={view.scale}
          listening={false}
        >
          <Layer listening={false}>
            <Shape sceneFunc={drawImage} listening={false} perfectDrawEnabled={false} />
          </Layer>
          <Layer listening={false}>
            <Shape sceneFunc={drawAnnotations} listening={false} perfectDrawEnabled={false} />
          </Layer>
          <Layer listening={false}>
            {heatCanvas && (
              <KonvaImage
                image={heatCanvas}
                width={imageWidthPx}
                height={imageHeightPx}
                opacity={props.heatMap?.opacity ?? 0.6}
                listening={false}
              />
            )}
            <Shape sceneFunc={drawOverlay} listening={false} perfectDrawEnabled={false} />
          </Layer>
        </Stage>
      )}
    </div>
  );
}
