import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { type HeatMap, ImageStatusSchema, type ImageStatus, type LabelId } from '@contract';
import { api, mediaUrl } from '../../bridge';
import { AnnotationCanvas, useViewState } from '../../canvas';
import { type Proposal } from '../../model';
import { type ToolName } from '../../tools';
import { useAppStore } from '../../state/app-store';
import { PromptBar } from '../prompt-bar/PromptBar';
import { ReviewBar } from '../review/ReviewBar';
import { ShortcutHelp } from '../shortcuts/ShortcutHelp';
import { type ShortcutAction } from '../shortcuts/shortcuts';
import { type EditorSession } from './editor-session';
import { useEditorKeys } from './use-editor-keys';

const TOOL_BUTTONS: readonly { name: ToolName; title: string; key: string }[] = [
  { name: 'select', title: 'Select', key: 'V' },
  { name: 'box', title: 'Box', key: 'B' },
  { name: 'rotated-box', title: 'Rotated box', key: 'O' },
  { name: 'polygon', title: 'Polygon', key: 'P' },
  { name: 'polyline', title: 'Polyline', key: 'L' },
  { name: 'point', title: 'Point', key: 'K' },
  { name: 'brush', title: 'Brush', key: 'R' },
  { name: 'eraser', title: 'Eraser', key: 'E' },
  { name: 'click-segment', title: 'Click-segment', key: 'S' },
];

interface Props {
  readonly session: EditorSession;
  readonly onNext: () => void;
  readonly onPrev: () => void;
  readonly onNextUnlabelled: () => void;
}

/** The editing area: toolbar, prompt bar, canvas. */
export function Editor({ session, onNext, onPrev, onNextUnlabelled }: Props): React.JSX.Element {
  const { store, controller } = session;
  const current = useAppStore((s) => s.currentImage);
  const labels = useAppStore((s) => s.labels);
  const model = useAppStore((s) => s.model);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const setActiveLabel = useAppStore((s) => s.setActiveLabel);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const setEmbedding = useAppStore((s) => s.setEmbedding);
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const doc = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const tool = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [heatMap, setHeatMap] = useState<HeatMap | null>(null);
  const [tolerancePx, setTolerancePx] = useState(1);
  const [helpOpen, setHelpOpen] = useState(false);
  const [reviewProposal, setReviewProposal] = useState<Proposal | null>(null);
  const proposals = useMemo(
    () => (reviewProposal ? [...doc.proposals, reviewProposal] : doc.proposals),
    [doc.proposals, reviewProposal],
  );
  const canvasHost = useRef<HTMLDivElement>(null);
  const imageSize = useMemo(
    () => ({ widthPx: current?.widthPx ?? 1, heightPx: current?.heightPx ?? 1 }),
    [current?.widthPx, current?.heightPx],
  );
  const viewApi = useViewState(imageSize);

  // Open the image's document.
  const currentId = current?.id;
  useEffect(() => {
    if (!current) return;
    controller.setImageSize(current.widthPx, current.heightPx);
    setHeatMap(null);
    void session
      .openImage(current.id)
      .catch((e: unknown) => notify({ kind: 'error', text: (e as Error).message }));
  }, [current, session, controller, notify]);

  // Warm its embedding in the background (prompts are instant after), again whenever the model or the
  // execution provider changes.
  const modelKey = `${model?.id ?? ''}|${model?.provider.requested ?? ''}`;
  useEffect(() => {
    if (currentId === undefined) return;
    let cancelled = false;
    setEmbedding({ imageId: currentId, state: 'running' });
    void api()
      .inference.embed({ imageId: currentId })
      .then((r) => !cancelled && setEmbedding({ imageId: currentId, state: r.ok ? 'done' : 'error' }));
    return () => {
      cancelled = true;
    };
  }, [currentId, modelKey, setEmbedding]);

  useEffect(() => controller.setImagePxPerScreenPx(1 / viewApi.view.scale), [controller, viewApi.view.scale]);
  // The active label has two writers (the labels panel and the controller's 1–9 hotkeys). `synced` is the
  // last value both agree on, so each side only follows a real change of the other, never echoes it back.
  const synced = useRef<LabelId | null>(null);
  useEffect(() => {
    if (activeLabelId === null || activeLabelId === synced.current) return;
    synced.current = activeLabelId;
    controller.setActiveLabel(activeLabelId);
  }, [activeLabelId, controller]);
  useEffect(() => {
    const fromTool = tool.activeLabelId;
    if (fromTool === synced.current || !labels.some((l) => l.id === fromTool)) return;
    synced.current = fromTool;
    setActiveLabel(fromTool);
  }, [tool.activeLabelId, labels, setActiveLabel]);

  const onAction = useCallback(
    (action: ShortcutAction) => {
      switch (action) {
        case 'image.next':
          return onNext();
        case 'image.prev':
          return onPrev();
        case 'image.nextUnlabelled':
          return onNextUnlabelled();
        case 'view.fit':
          return viewApi.fit();
        case 'help.toggle':
          return setHelpOpen((o) => !o);
        default:
          return undefined;
      }
    },
    [onNext, onPrev, onNextUnlabelled, viewApi],
  );
  const hiddenLabels = useAppStore((s) => s.hiddenLabels);
  const lockedLabels = useAppStore((s) => s.lockedLabels);
  useEffect(
    () => controller.setLabelStates({ hiddenLabels, lockedLabels }),
    [controller, hiddenLabels, lockedLabels],
  );
  const shortcuts = useAppStore((s) => s.shortcuts);
  const setShortcuts = useAppStore((s) => s.setShortcuts);
  useEditorKeys(controller, canvasHost, shortcuts, onAction);

  const colorOf = useMemo(() => {
    const byId = new Map(labels.map((l) => [l.id, l.color]));
    return (id: LabelId) => byId.get(id) ?? '#9e9e9e';
  }, [labels]);
  const heatInput = useMemo(() => {
    if (!heatMap) return null;
    const bytes = Uint8Array.from(atob(heatMap.dataBase64), (c) => c.charCodeAt(0));
    return { data: bytes, widthPx: heatMap.widthPx, heightPx: heatMap.heightPx, opacity: 0.45 };
  }, [heatMap]);
  const onPromptError = useCallback(
    (m: string | null) => notify(m ? { kind: 'error', text: m } : null),
    [notify],
  );

  const setStatus = (status: ImageStatus): void => {
    if (!current) return;
    void api()
      .images.setStatus({ imageId: current.id, status })
      .then((r) => {
        if (!r.ok) return notify({ kind: 'error', text: r.error.message });
        setCurrentImage(r.value);
        invalidateImages();
      });
  };

  return (
    <section className="center" aria-label="Editor">
      <div className="toolbar" role="toolbar">
        {TOOL_BUTTONS.map((t) => (
          <button
            key={t.name}
            className={tool.tool === t.name ? 'active' : ''}
            title={`${t.title} (${t.key})`}
            onClick={() => controller.setTool(t.name)}
          >
            {t.title}
          </button>
        ))}
        <button title="Undo (Ctrl+Z)" aria-label="Undo" onClick={() => store.undo()} disabled={!doc.history}>
          ↶
        </button>
        <button
          title="Redo (Ctrl+Shift+Z)"
          aria-label="Redo"
          onClick={() => store.redo()}
          disabled={!doc.history}
        >
          ↷
        </button>
        <button
          title="Selected masks → polygons"
          onClick={() => void controller.convertSelection('polygon', tolerancePx)}
        >
          → Polygon
        </button>
        <button
          title="Selected shapes → masks"
          onClick={() => void controller.convertSelection('mask', tolerancePx)}
        >
          → Mask
        </button>
        <input
          type="range"
          min={0}
          max={10}
          step={0.5}
          value={tolerancePx}
          aria-label="Polygon tolerance"
          title={`Polygon tolerance ${tolerancePx}px`}
          onChange={(e) => setTolerancePx(Number(e.target.value))}
        />
        <button onClick={viewApi.fit} title="Fit (F)">
          Fit
        </button>
        <button onClick={viewApi.oneToOne} title="1:1">
          1:1
        </button>
        <span className="spacer" />
        <button onClick={onPrev} title="Previous image (A)">
          ◀
        </button>
        <button onClick={onNext} title="Next image (D)">
          ▶
        </button>
        <button onClick={onNextUnlabelled} title="Next unlabelled image (N)">
          Next unlabelled
        </button>
        <select
          aria-label="Image status"
          value={current?.status ?? 'new'}
          onChange={(e) => setStatus(e.target.value as ImageStatus)}
        >
          {ImageStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <button onClick={() => setHelpOpen(true)} title="Keyboard shortcuts (?)">
          ?
        </button>
      </div>
      <ReviewBar session={session} onCurrent={setReviewProposal} />
      {current && (
        <PromptBar
          store={store}
          imageId={current.id}
          labels={labels}
          activeLabelId={activeLabelId}
          onHeatMap={setHeatMap}
          onError={onPromptError}
        />
      )}
      {/* data-view exposes zoom/pan so that e2e tests can map image pixels to the screen. */}
      <div className="canvas-host" ref={canvasHost} data-view={JSON.stringify(viewApi.view)}>
        {current && (
          <AnnotationCanvas
            imageUrl={mediaUrl(current)}
            imageWidthPx={current.widthPx}
            imageHeightPx={current.heightPx}
            doc={doc.imageId === current.id ? (doc.history?.doc ?? null) : null}
            selection={doc.selection}
            labelColor={colorOf}
            labelStates={tool.labels}
            view={viewApi.view}
            onViewChange={viewApi.setView}
            onViewportResize={viewApi.setViewport}
            proposals={proposals}
            heatMap={heatInput}
            tool={tool}
            onToolEvent={(ev) => controller.dispatch(ev)}
            onError={(m) => notify({ kind: 'error', text: m })}
            style={{ position: 'absolute', inset: 0 }}
          />
        )}
      </div>
      {helpOpen && (
        <ShortcutHelp
          overrides={shortcuts}
          onChange={(next) => void setShortcuts(next)}
          onClose={() => setHelpOpen(false)}
        />
      )}
    </section>
  );
}
