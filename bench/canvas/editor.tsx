import { useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { asImageId, asLabelId, type LabelId } from '@contract';
import { AnnotationCanvas } from '../../src-renderer/canvas/AnnotationCanvas';
import { useEditorSnapshot, useToolSnapshot } from '../../src-renderer/canvas/use-editor-bindings';
import { useViewState } from '../../src-renderer/canvas/use-view-state';
import { EditorStore } from '../../src-renderer/model/editor-store';
import { bitmapToRle, emptyMaskBitmap, strokeBitmap } from '../../src-renderer/model/mask-bitmap';
import { memoryLabelSource, ToolController } from '../../src-renderer/tools/controller';

/**
 * A playground wiring EditorStore + ToolController + AnnotationCanvas the way the app does, on a blank
 * 800×600 image. Used to check the pointer/keyboard plumbing in a real browser; `window.__editor` exposes
 * the store and controller.
 */
const COLORS = ['#e6194b', '#3cb44b', '#4363d8'];
const labelColor = (id: LabelId) => COLORS[(id - 1) % COLORS.length] ?? '#ffffff';
const W = 800;
const H = 600;

function imageUrl(): string {
  const c = document.createElement('canvas');
  c.width = W;
  c.height = H;
  const ctx = c.getContext('2d');
  if (ctx) {
    ctx.fillStyle = '#556';
    ctx.fillRect(0, 0, W, H);
  }
  return c.toDataURL();
}

const store = new EditorStore();
const disc = strokeBitmap(emptyMaskBitmap(W, H), { x: 600, y: 400 }, { x: 650, y: 420 }, 40, 1);
store.openImage(asImageId(1), [
  {
    id: store.ids.next(),
    labelId: asLabelId(2),
    geometry: {
      kind: 'mask',
      rle: bitmapToRle(strokeBitmap(disc, { x: 620, y: 410 }, { x: 620, y: 410 }, 15, 0)),
    },
    score: null,
    source: 'manual',
    iscrowd: false,
    attributes: {},
    groupId: null,
    hidden: false,
    locked: false,
  },
]);
const controller = new ToolController({
  store,
  labels: memoryLabelSource(asLabelId(1)),
  labelForHotkey: (d) => (d <= 3 ? asLabelId(d) : null),
});
controller.setImageSize(W, H);
(window as unknown as { __editor: unknown }).__editor = { store, controller };

function Editor() {
  const url = useMemo(imageUrl, []);
  const image = useMemo(() => ({ widthPx: W, heightPx: H }), []);
  const viewApi = useViewState(image);
  const snap = useEditorSnapshot(store);
  const tool = useToolSnapshot(controller, viewApi.view.scale);
  return (
    <AnnotationCanvas
      imageUrl={url}
      imageWidthPx={W}
      imageHeightPx={H}
      doc={snap.history?.doc ?? null}
      selection={snap.selection}
      proposals={snap.proposals}
      labelColor={labelColor}
      view={viewApi.view}
      onViewChange={viewApi.setView}
      onViewportResize={viewApi.setViewport}
      tool={tool}
      onToolEvent={(ev) => controller.dispatch(ev)}
      style={{ width: '100%', height: '100%' }}
    />
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<Editor />);
