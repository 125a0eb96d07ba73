import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { type HeatMap, type LabelId } from '@contract';
import { api, mediaUrl } from '../../bridge';
import { AnnotationCanvas, useViewState } from '../../canvas';
import { type Proposal } from '../../model';
import { useAppStore } from '../../state/app-store';
import { PromptBar } from '../prompt-bar/PromptBar';
import { ReviewBar } from '../review/ReviewBar';
import { ShortcutHelp } from '../shortcuts/ShortcutHelp';
import { type ShortcutAction } from '../shortcuts/shortcuts';
import { type EditorSession } from './editor-session';
import { EditorToolbar } from './EditorToolbar';
import { useEditorKeys } from './use-editor-keys';

interface Props {
  readonly session: EditorSession;
  /** The current image's index in the image list, and the list's length ("68 / 2000"). */
  readonly position: number | null;
  readonly total: number | null;
  readonly onNext: () => void;
  readonly onPrev: () => void;
  readonly onNextUnlabelled: () => void;
  readonly onNextReview: () => void;
}

/** The editing area: toolbar, review bar, prompt bar, canvas. */
export function Editor({
  session,
  position,
  total,
  onNext,
  onPrev,
  onNextUnlabelled,
  onNextReview,
}: Props): React.JSX.Element {
  const { store, controller } = session;
  const current = useAppStore((s) => s.currentImage);
  const labels = useAppStore((s) => s.labels);
  const model = useAppStore((s) => s.model);
  const labelStates = useAppStore((s) => s.labelStates);
  const focus = useAppStore((s) => s.focus);
  const clearFocus = useAppStore((s) => s.clearFocus);
  const setEmbedding = useAppStore((s) => s.setEmbedding);
  const notify = useAppStore((s) => s.notify);
  const doc = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const tool = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [heatMap, setHeatMap] = useState<HeatMap | null>(null);
  const [promptBusy, setPromptBusy] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [review, setReview] = useState<{ items: readonly Proposal[]; currentKey: string | null }>({
    items: [],
    currentKey: null,
  });
  const proposals = useMemo(
    () => (review.items.length > 0 ? [...doc.proposals, ...review.items] : doc.proposals),
    [doc.proposals, review.items],
  );
  const canvasHost = useRef<HTMLDivElement>(null);
  const promptInput = useRef<HTMLInputElement>(null);
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

  // A search hit asked to show a region of this image: runs after the fit of a newly opened image.
  const { showRect, viewport } = viewApi;
  useEffect(() => {
    if (!focus || focus.imageId !== currentId || viewport.widthPx <= 0) return;
    const [x, y, widthPx, heightPx] = focus.bbox;
    showRect({ x, y, widthPx, heightPx });
    clearFocus();
  }, [focus, currentId, viewport, showRect, clearFocus]);

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

  const onAction = useCallback(
    (action: ShortcutAction) => {
      switch (action) {
        case 'image.next':
          return onNext();
        case 'image.prev':
          return onPrev();
        case 'image.nextUnlabelled':
          return onNextUnlabelled();
        case 'review.next':
          return onNextReview();
        case 'tool.text':
          promptInput.current?.focus();
          return promptInput.current?.select();
        case 'view.fit':
          return viewApi.fit();
        case 'view.actual':
          return viewApi.oneToOne();
        case 'help.toggle':
          return setHelpOpen((o) => !o);
        default:
          return undefined;
      }
    },
    [onNext, onPrev, onNextUnlabelled, onNextReview, viewApi],
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
  const onReview = useCallback(
    (items: readonly Proposal[], currentKey: string | null) => setReview({ items, currentKey }),
    [],
  );
  const busy = tool.busy || promptBusy;

  return (
    <section className="center" aria-label="Editor">
      <EditorToolbar
        session={session}
        tool={tool.tool}
        canUndo={doc.history !== null}
        zoomPercent={Math.round(viewApi.view.scale * 100)}
        position={position}
        total={total}
        onFit={viewApi.fit}
        onOneToOne={viewApi.oneToOne}
        onPrev={onPrev}
        onNext={onNext}
        onNextUnlabelled={onNextUnlabelled}
        onHelp={() => setHelpOpen(true)}
      />
      {/* A fixed slot: the canvas never jumps when the review bar comes or goes. */}
      <div className="review-slot">
        <ReviewBar session={session} onProposals={onReview} onNextImage={onNextReview} />
      </div>
      {current && (
        <PromptBar
          store={store}
          imageId={current.id}
          labels={labels}
          inputRef={promptInput}
          capabilities={model?.capabilities ?? null}
          onHeatMap={setHeatMap}
          onBusy={setPromptBusy}
        />
      )}
      {/* data-view exposes zoom/pan so that e2e tests can map image pixels to the screen; data-proposals
          says how many proposals are drawn. */}
      <div
        className="canvas-host"
        ref={canvasHost}
        data-view={JSON.stringify(viewApi.view)}
        data-proposals={proposals.length}
      >
        {current && (
          <AnnotationCanvas
            imageUrl={mediaUrl(current)}
            imageWidthPx={current.widthPx}
            imageHeightPx={current.heightPx}
            doc={doc.imageId === current.id ? (doc.history?.doc ?? null) : null}
            selection={doc.selection}
            labelColor={colorOf}
            labelStates={labelStates}
            view={viewApi.view}
            onViewChange={viewApi.setView}
            onViewportResize={viewApi.setViewport}
            proposals={proposals}
            currentProposalKey={review.currentKey}
            heatMap={heatInput}
            tool={tool}
            onToolEvent={(ev) => controller.dispatch(ev)}
            onError={(m) => notify({ kind: 'error', text: m })}
            style={{ position: 'absolute', inset: 0 }}
          />
        )}
        {busy && (
          <div className="busy" role="status" aria-label="Working">
            <span className="spinner" aria-hidden="true" /> Working…
          </div>
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
