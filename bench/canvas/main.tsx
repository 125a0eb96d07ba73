import type Konva from 'konva';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { AnnotationCanvas } from '../../src-renderer/canvas/AnnotationCanvas';
import { fitView, panBy, type Size, type ViewState, zoomAt } from '../../src-renderer/canvas/view';
import { type Geometry, type AnnotationId } from '@contract';
import { geometryBounds } from '../../src-renderer/model/geometry-ops';
import { translateAnnotations } from '../../src-renderer/model/commands';
import { applyPatch, type AnnotationDoc, listAnnotations } from '../../src-renderer/model/document';
import { IMAGE_H, IMAGE_W, labelColor, makeImageUrl, makeScene } from './scene';

/** What the bench driver reads back from the page. */
export interface PageResults {
  readonly setupMs: number;
  readonly firstDrawMs: number;
  readonly panWorkMs: number[];
  readonly panFrameMs: number[];
  readonly zoomWorkMs: number[];
  readonly zoomFrameMs: number[];
  readonly editWorkMs: number[];
  readonly annotations: number;
}

interface BenchWindow {
  __benchReady?: boolean;
  __benchError?: string;
  __runBench?: (frames: number) => Promise<PageResults>;
}
const w = window as unknown as BenchWindow;

let setViewNow: (v: ViewState) => void = () => undefined;
let setDocNow: (d: AnnotationDoc) => void = () => undefined;
let setSelectionNow: (ids: readonly AnnotationId[]) => void = () => undefined;
let stage: Konva.Stage | null = null;

function Page({ initialDoc, imageUrl }: { initialDoc: AnnotationDoc; imageUrl: string }) {
  const [view, setView] = useState<ViewState>({ scale: 1, offsetX: 0, offsetY: 0 });
  const [doc, setDoc] = useState(initialDoc);
  const [selection, setSelection] = useState<readonly AnnotationId[]>([]);
  useEffect(() => {
    setSelectionNow = (ids) => flushSync(() => setSelection(ids));
    setViewNow = (v) => flushSync(() => setView(v));
    setDocNow = (d) => flushSync(() => setDoc(d));
  }, []);
  return (
    <AnnotationCanvas
      imageUrl={imageUrl}
      imageWidthPx={IMAGE_W}
      imageHeightPx={IMAGE_H}
      doc={doc}
      selection={selection}
      labelColor={labelColor}
      view={view}
      onViewChange={setView}
      onStage={(s) => {
        stage = s;
      }}
      style={{ width: '100%', height: '100%' }}
    />
  );
}

function centreDistance(g: Geometry): number {
  const b = geometryBounds(g);
  return Math.hypot(b.x + b.widthPx / 2 - IMAGE_W / 2, b.y + b.heightPx / 2 - IMAGE_H / 2);
}

function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

/** Canvas 2D records draw calls lazily; reading a pixel forces every layer to rasterise now. */
function forceRaster(): void {
  for (const layer of stage?.getLayers() ?? []) layer.getContext()._context.getImageData(0, 0, 1, 1);
}

/** Synchronous cost of one view change: React commit + Konva redraw + rasterisation of every layer. */
function work(views: readonly ViewState[]): number[] {
  const out: number[] = [];
  for (const v of views) {
    const t0 = performance.now();
    setViewNow(v);
    stage?.draw();
    forceRaster();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Frame-to-frame time while the view changes on every animation frame (Konva draws in its own rAF). */
async function frames(views: readonly ViewState[]): Promise<number[]> {
  const out: number[] = [];
  let last = await nextFrame();
  for (const v of views) {
    setViewNow(v);
    const now = await nextFrame();
    out.push(now - last);
    last = now;
  }
  return out;
}

function panViews(start: ViewState, n: number): ViewState[] {
  return Array.from({ length: n }, (_, i) => panBy(start, Math.sin(i / 9) * 400, Math.cos(i / 7) * 250));
}

function zoomViews(start: ViewState, viewport: Size, n: number): ViewState[] {
  const out: ViewState[] = [];
  let v = start;
  for (let i = 0; i < n; i++) {
    // In to 8× the fit scale and back out, around a moving cursor.
    const factor = Math.floor(i / 20) % 2 === 0 ? 1.11 : 1 / 1.11;
    v = zoomAt(v, factor, { x: viewport.widthPx * (0.3 + 0.4 * ((i % 13) / 13)), y: viewport.heightPx / 2 });
    out.push(v);
  }
  return out;
}

async function main() {
  const t0 = performance.now();
  const doc = makeScene();
  listAnnotations(doc);
  const imageUrl = await makeImageUrl();
  const setupMs = performance.now() - t0;
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root');
  createRoot(root).render(<Page initialDoc={doc} imageUrl={imageUrl} />);
  while (!stage) await nextFrame();
  // Wait until the image has loaded and is drawn (the image layer's centre pixel is opaque).
  const imageLayerHasPixels = () => {
    const c = stage?.getLayers()[0]?.getCanvas()._canvas;
    return (c?.getContext('2d')?.getImageData(c.width >> 1, c.height >> 1, 1, 1).data[3] ?? 0) > 0;
  };
  while (!imageLayerHasPixels()) await nextFrame();
  const viewport = { widthPx: stage.width(), heightPx: stage.height() };
  const fit = fitView({ widthPx: IMAGE_W, heightPx: IMAGE_H }, viewport);

  w.__runBench = async (n: number) => {
    const d0 = performance.now();
    setViewNow(fit);
    stage?.draw();
    forceRaster();
    const firstDrawMs = performance.now() - d0;
    // Pan at 2× the fit scale: part of the image, many shapes partly on screen.
    const panStart = zoomAt(fit, 2, { x: viewport.widthPx / 2, y: viewport.heightPx / 2 });
    work(panViews(panStart, 10));
    const panWorkMs = work(panViews(panStart, n));
    const panFrameMs = await frames(panViews(panStart, n));
    setViewNow(fit);
    const zoomWorkMs = work(zoomViews(fit, viewport, n));
    setViewNow(fit);
    const zoomFrameMs = await frames(zoomViews(fit, viewport, n));
    // Dragging one polygon: every frame is a new document revision, so the annotation raster is repainted.
    const panned = panViews(panStart, 1)[0] ?? panStart;
    setViewNow(panned);
    // The polygon nearest the image centre, selected first as the select tool does before a drag.
    const first = listAnnotations(doc)
      .filter((a) => a.geometry.kind === 'polygon')
      .sort((a, b) => centreDistance(a.geometry) - centreDistance(b.geometry))[0];
    if (first) setSelectionNow([first.id]);
    stage?.draw();
    forceRaster();
    const editWorkMs: number[] = [];
    let current = doc;
    for (let i = 0; i < n && first; i++) {
      const moved = translateAnnotations([first.id], 2, 1)(current);
      current = applyPatch(current, moved);
      const t0 = performance.now();
      setDocNow(current);
      stage?.draw();
      forceRaster();
      editWorkMs.push(performance.now() - t0);
    }
    setDocNow(doc);
    setSelectionNow([]);
    return {
      editWorkMs,
      setupMs,
      firstDrawMs,
      panWorkMs,
      panFrameMs,
      zoomWorkMs,
      zoomFrameMs,
      annotations: doc.byId.size,
    };
  };
  (w as { __diag?: (n: number) => number[][] }).__diag = (n: number) => {
    const panStart = zoomAt(fit, 2, { x: viewport.widthPx / 2, y: viewport.heightPx / 2 });
    return panViews(panStart, n).map((v) => {
      setViewNow(v);
      return (stage?.getLayers() ?? []).map((layer) => {
        const t0 = performance.now();
        layer.draw();
        layer.getContext()._context.getImageData(0, 0, 1, 1);
        return performance.now() - t0;
      });
    });
  };
  w.__benchReady = true;
}

main().catch((err: unknown) => {
  w.__benchError = err instanceof Error ? (err.stack ?? err.message) : String(err);
});
