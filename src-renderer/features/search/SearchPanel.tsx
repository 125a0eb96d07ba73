import { useState, useSyncExternalStore } from 'react';
import { type RegionHit, type ImageId } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { type EditorSession } from '../workspace/editor-session';

type Results =
  | { readonly kind: 'objects'; readonly hits: readonly RegionHit[] }
  | { readonly kind: 'images'; readonly hits: readonly { imageId: ImageId; score: number }[] }
  | { readonly kind: 'duplicates'; readonly pairs: readonly { a: ImageId; b: ImageId; score: number }[] };

/**
 * Similarity search on the embedding cache: objects like the selected annotation, images like the current
 * one, near-duplicates. Click a hit to open its image; "Label these" turns object hits into proposals.
 */
export function SearchPanel({ session }: { readonly session: EditorSession }): React.JSX.Element {
  const current = useAppStore((s) => s.currentImage);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const setCurrentImage = useAppStore((s) => s.setCurrentImage);
  const notify = useAppStore((s) => s.notify);
  const snap = useSyncExternalStore(session.store.subscribe, session.store.getSnapshot);
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const selected = snap.selection.length === 1 ? session.autosave.serverIdOf(snap.selection[0]!) : undefined;

  const run = async <T,>(
    call: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
    wrap: (v: T) => Results,
  ) => {
    setBusy(true);
    const r = await call;
    setBusy(false);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setResults(wrap(r.value));
  };
  const open = async (imageId: ImageId): Promise<void> => {
    const r = await api().images.get({ imageId });
    if (r.ok) setCurrentImage(r.value);
  };

  return (
    <section className="panel search" aria-label="Search">
      <h2>Search</h2>
      <div className="row">
        <button
          disabled={busy || selected === undefined}
          title="Objects like the selected annotation, in every cached image"
          onClick={() =>
            selected !== undefined &&
            void run(api().search.similarObjects({ annotationId: selected, topK: 20 }), (hits) => ({
              kind: 'objects',
              hits,
            }))
          }
        >
          Similar objects
        </button>
        <button
          disabled={busy || !current}
          onClick={() =>
            current &&
            void run(api().search.similarImages({ imageId: current.id, topK: 20 }), (hits) => ({
              kind: 'images',
              hits,
            }))
          }
        >
          Similar images
        </button>
        <button
          disabled={busy}
          onClick={() =>
            void run(api().search.duplicates({ threshold: 0.97 }), ({ pairs }) => ({
              kind: 'duplicates',
              pairs,
            }))
          }
        >
          Duplicates
        </button>
      </div>
      {results?.kind === 'objects' && (
        <>
          <button
            disabled={selected === undefined || activeLabelId === null || results.hits.length === 0}
            onClick={() => {
              if (selected === undefined || activeLabelId === null) return;
              void api()
                .search.proposeHits({ annotationId: selected, labelId: activeLabelId, topK: 20 })
                .then((r) =>
                  notify(
                    r.ok
                      ? { kind: 'info', text: `${r.value.proposed} proposals to review` }
                      : { kind: 'error', text: r.error.message },
                  ),
                );
            }}
          >
            Label these ({results.hits.length})
          </button>
          <ul className="hits">
            {results.hits.map((h) => (
              <li key={`${h.imageId}-${h.bbox.join(',')}`}>
                <button className="link" onClick={() => void open(h.imageId)}>
                  image {h.imageId} · {h.score.toFixed(2)} · at {Math.round(h.bbox[0])},
                  {Math.round(h.bbox[1])}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {results?.kind === 'images' && (
        <ul className="hits">
          {results.hits.map((h) => (
            <li key={h.imageId}>
              <button className="link" onClick={() => void open(h.imageId)}>
                image {h.imageId} · {h.score.toFixed(3)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {results?.kind === 'duplicates' && (
        <ul className="hits">
          {results.pairs.length === 0 && (
            <li className="muted small">No near-duplicates among cached images.</li>
          )}
          {results.pairs.map((p) => (
            <li key={`${p.a}-${p.b}`}>
              <button className="link" onClick={() => void open(p.a)}>
                {p.a} ≈ {p.b} · {p.score.toFixed(3)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
