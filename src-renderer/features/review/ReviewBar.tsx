import { useCallback, useEffect, useRef, useState } from 'react';
import { type StoredProposal, type AnnotationId } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { type Proposal } from '../../model';
import { type EditorSession } from '../workspace/editor-session';

/**
 * Review of stored proposals (auto-label, label-all-similar), keyboard-only while the bar has focus:
 * ←/→ previous/next proposal, Enter accept, Delete reject, Shift+Enter accept all on the image,
 * E accept and select it for editing, PageDown next image with proposals.
 */
export function ReviewBar({
  session,
  onCurrent,
}: {
  readonly session: EditorSession;
  /** The proposal under review, for the canvas to draw; null when there is none. */
  readonly onCurrent: (proposal: Proposal | null) => void;
}): React.JSX.Element | null {
  const current = useAppStore((s) => s.currentImage);
  const labels = useAppStore((s) => s.labels);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const [items, setItems] = useState<readonly StoredProposal[]>([]);
  const [index, setIndex] = useState(0);
  const bar = useRef<HTMLDivElement>(null);
  const imageId = current?.id;

  const load = useCallback(async (): Promise<void> => {
    if (imageId === undefined) return;
    const r = await api().review.list({ imageId });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setItems(r.value);
    setIndex((i) => Math.min(i, Math.max(0, r.value.length - 1)));
  }, [imageId, notify]);

  useEffect(() => {
    setIndex(0);
    void load();
  }, [load]);

  const item = items[index];
  // The proposal under review is drawn on the canvas (dashed). It is not put among the editor's own
  // proposals: those are accepted locally, and a stored one must be accepted through the review API.
  useEffect(() => {
    onCurrent(
      item
        ? {
            key: `stored-${item.id}`,
            origin: 'propagated',
            geometry: item.geometry,
            labelId: item.labelId,
            score: item.score,
          }
        : null,
    );
  }, [item, onCurrent]);
  useEffect(() => {
    if (items.length > 0) bar.current?.focus();
  }, [items.length]);

  const after = async (
    r: { ok: boolean; error?: { message: string } },
    select?: readonly AnnotationId[],
  ): Promise<void> => {
    if (!r.ok) return notify({ kind: 'error', text: r.error?.message ?? 'review failed' });
    if (imageId !== undefined) await session.reloadImage(imageId);
    if (select) session.store.setSelection(select.map((id) => session.autosave.localIdOf(id)));
    invalidateImages();
    await Promise.all([load(), refreshLabels()]);
  };
  const nextImage = async (): Promise<void> => {
    const q = await api().review.queue({});
    if (!q.ok) return;
    const next = q.value.find((e) => e.imageId !== imageId);
    if (!next) return notify({ kind: 'info', text: 'Review queue is empty' });
    const row = await api().images.get({ imageId: next.imageId });
    if (row.ok) setCurrentImage(row.value);
  };

  if (!item || imageId === undefined) return null;
  const label = labels.find((l) => l.id === item.labelId);
  const onKey = (e: React.KeyboardEvent): void => {
    const handled = ((): boolean => {
      switch (e.key) {
        case 'ArrowRight':
          setIndex((i) => Math.min(items.length - 1, i + 1));
          return true;
        case 'ArrowLeft':
          setIndex((i) => Math.max(0, i - 1));
          return true;
        case 'Enter':
          if (e.shiftKey)
            void api()
              .review.acceptAll({ imageId })
              .then((r) => after(r));
          else
            void api()
              .review.accept({ proposalId: item.id })
              .then((r) => after(r));
          return true;
        case 'Delete':
        case 'Backspace':
          void api()
            .review.reject({ proposalId: item.id })
            .then((r) => after(r));
          return true;
        case 'e':
        case 'E':
          void api()
            .review.accept({ proposalId: item.id })
            .then((r) => after(r, r.ok ? r.value.annotationIds : undefined));
          return true;
        case 'PageDown':
          void nextImage();
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
    >
      <strong>Review</strong>
      <span>
        {index + 1}/{items.length}: {label?.name ?? '?'} · {item.source === 'text' ? 'auto-label' : 'similar'}{' '}
        · score {item.score.toFixed(2)}
      </span>
      <span className="muted small">
        ←/→ move · Enter accept · Del reject · Shift+Enter accept all · E edit · PgDn next image
      </span>
      <span className="spacer" />
      <button
        onClick={() =>
          void api()
            .review.accept({ proposalId: item.id })
            .then((r) => after(r))
        }
      >
        Accept
      </button>
      <button
        onClick={() =>
          void api()
            .review.reject({ proposalId: item.id })
            .then((r) => after(r))
        }
      >
        Reject
      </button>
      <button
        onClick={() =>
          void api()
            .review.acceptAll({ imageId })
            .then((r) => after(r))
        }
      >
        Accept all
      </button>
      <button onClick={() => void nextImage()}>Next image</button>
    </div>
  );
}
