import { useCallback, useEffect, useRef, useState } from 'react';
import { type StoredProposal, type AnnotationId, type Result } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { type Proposal } from '../../model';
import { plural } from '../common/plural';
import { type EditorSession } from '../workspace/editor-session';

const toProposal = (p: StoredProposal): Proposal => ({
  key: `stored-${p.id}`,
  origin: 'propagated',
  geometry: p.geometry,
  labelId: p.labelId,
  score: p.score,
});

/**
 * Review of stored proposals (auto-label, label-all-similar), keyboard-only while the bar has focus:
 * ←/→ previous/next proposal, Enter accept, Delete reject, Shift+Enter accept all on the image,
 * E accept and select it for editing, PageDown next image with proposals (anywhere in the editor).
 * Every pending proposal of the image is drawn; the one under review is highlighted.
 */
export function ReviewBar({
  session,
  onProposals,
  onNextImage,
}: {
  readonly session: EditorSession;
  /** The image's pending proposals for the canvas, and the key of the one under review. */
  readonly onProposals: (items: readonly Proposal[], currentKey: string | null) => void;
  readonly onNextImage: () => void;
}): React.JSX.Element {
  const current = useAppStore((s) => s.currentImage);
  const labels = useAppStore((s) => s.labels);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const [items, setItems] = useState<readonly StoredProposal[]>([]);
  const [index, setIndex] = useState(0);
  const [busy, setBusy] = useState(false);
  const bar = useRef<HTMLDivElement>(null);
  const imageId = current?.id;

  const load = useCallback(async (): Promise<void> => {
    if (imageId === undefined) return setItems([]);
    const r = await api().review.list({ imageId });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setItems(r.value);
    setIndex((i) => Math.min(i, Math.max(0, r.value.length - 1)));
  }, [imageId, notify]);

  useEffect(() => {
    setIndex(0);
    void load();
  }, [load]);
  // Proposals arrive from jobs: a finished auto-label or propagation may have some for this image.
  useEffect(
    () =>
      api().events.subscribe((event) => {
        if (event.kind === 'job_progress' && event.job.state === 'done') void load();
      }),
    [load],
  );

  const item = items[index];
  useEffect(() => {
    onProposals(items.map(toProposal), item ? `stored-${item.id}` : null);
  }, [items, item, onProposals]);
  useEffect(() => () => onProposals([], null), [onProposals]);
  useEffect(() => {
    if (items.length > 0) bar.current?.focus();
  }, [items.length]);

  const act = async (call: Promise<Result<unknown>>, select?: (v: unknown) => readonly AnnotationId[]) => {
    setBusy(true);
    const r = await call;
    if (!r.ok) {
      setBusy(false);
      return notify({ kind: 'error', text: r.error.message });
    }
    if (imageId !== undefined) {
      await session.reloadImage(imageId);
      if (select) session.store.setSelection(select(r.value).map((id) => session.autosave.localIdOf(id)));
      // The image's status moves on (review → in progress) once nothing is left to review.
      const row = await api().images.get({ imageId });
      if (row.ok && useAppStore.getState().currentImage?.id === imageId) setCurrentImage(row.value);
    }
    invalidateImages();
    await Promise.all([load(), refreshLabels()]);
    setBusy(false);
  };

  if (!item || imageId === undefined) {
    return (
      <div className="review-empty muted small">
        No proposals to review on this image · PgDn: next image with some
      </div>
    );
  }
  const label = labels.find((l) => l.id === item.labelId);
  const accept = () => void act(api().review.accept({ proposalId: item.id }));
  const reject = () => void act(api().review.reject({ proposalId: item.id }));
  const acceptAll = () => void act(api().review.acceptAll({ imageId }));
  const onKey = (e: React.KeyboardEvent): void => {
    const handled = ((): boolean => {
      // One decision at a time: keys pressed while one is being saved are swallowed.
      if (busy && ['Enter', 'Delete', 'Backspace', 'e', 'E'].includes(e.key)) return true;
      switch (e.key) {
        case 'ArrowRight':
          setIndex((i) => Math.min(items.length - 1, i + 1));
          return true;
        case 'ArrowLeft':
          setIndex((i) => Math.max(0, i - 1));
          return true;
        case 'Enter':
          if (e.shiftKey) acceptAll();
          else accept();
          return true;
        case 'Delete':
        case 'Backspace':
          reject();
          return true;
        case 'e':
        case 'E':
          void act(
            api().review.accept({ proposalId: item.id }),
            (v) => (v as { annotationIds: AnnotationId[] }).annotationIds,
          );
          return true;
        case 'PageDown':
          onNextImage();
          return true;
        default:
          return false;
      }
    })();
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return (
    <div
      className="review-bar"
      ref={bar}
      tabIndex={0}
      onKeyDown={onKey}
      role="region"
      aria-label="Review proposals"
      aria-busy={busy}
      title="←/→ move · Enter accept · Del reject · Shift+Enter accept all · E accept and edit · PgDn next image"
    >
      <strong>Review</strong>
      <span>
        {index + 1}/{items.length}: {label?.name ?? '?'} · {item.source === 'text' ? 'auto-label' : 'similar'}{' '}
        · score {item.score.toFixed(2)}
      </span>
      <span className="muted small">{plural(items.length, 'proposal')} on this image</span>
      <span className="muted small keys">Enter accept · Del reject · PgDn next image</span>
      <span className="spacer" />
      <button disabled={busy} onClick={accept}>
        Accept
      </button>
      <button disabled={busy} onClick={reject}>
        Reject
      </button>
      <button disabled={busy} onClick={acceptAll}>
        Accept all
      </button>
      <button onClick={onNextImage}>Next image</button>
    </div>
  );
}
