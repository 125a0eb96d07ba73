import { useState, useSyncExternalStore } from 'react';
import { type RegionHit, type ImageHit, type Result } from '@contract';
import { api, mediaUrl } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { plural } from '../common/plural';
import { type EditorSession } from '../workspace/editor-session';
import { DuplicatesDialog } from './DuplicatesDialog';
import { ImageCrop } from './ImageCrop';

type Results =
  | { readonly kind: 'objects'; readonly hits: readonly RegionHit[]; readonly minScore: number }
  | { readonly kind: 'images'; readonly hits: readonly ImageHit[] };

const TOP_K = 20;

/**
 * Similarity search on the embedding cache: objects like the selected annotation (above a similarity
 * threshold, several per image when they are separate regions), images like the current one, and the
 * near-duplicates view. Each hit shows its file, a crop of what matched, and opens the image at it.
 */
export function SearchPanel({ session }: { readonly session: EditorSession }): React.JSX.Element {
  const current = useAppStore((s) => s.currentImage);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const focusOn = useAppStore((s) => s.focusOn);
  const notify = useAppStore((s) => s.notify);
  const snap = useSyncExternalStore(session.store.subscribe, session.store.getSnapshot);
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [minScore, setMinScore] = useState(0.6);
  const [duplicatesOpen, setDuplicatesOpen] = useState(false);
  const selected = snap.selection.length === 1 ? session.autosave.serverIdOf(snap.selection[0]!) : undefined;

  const run = async <T,>(call: Promise<Result<T>>, wrap: (v: T) => Results) => {
    setBusy(true);
    const r = await call;
    setBusy(false);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setResults(wrap(r.value));
  };
  const searchObjects = (score: number): void => {
    if (selected === undefined) return;
    void run(
      api().search.similarObjects({ annotationId: selected, topK: TOP_K, minScore: score }),
      (hits) => ({
        kind: 'objects',
        hits,
        minScore: score,
      }),
    );
  };

  return (
    <section className="panel search" aria-label="Search">
      <h2>Search</h2>
      <div className="row">
        <button
          disabled={busy || selected === undefined}
          title={
            selected === undefined
              ? 'Select one saved annotation first'
              : 'Objects like the selected annotation, in every cached image'
          }
          onClick={() => searchObjects(minScore)}
        >
          Similar objects
        </button>
        <button
          disabled={busy || !current}
          onClick={() =>
            current &&
            void run(api().search.similarImages({ imageId: current.id, topK: TOP_K }), (hits) => ({
              kind: 'images',
              hits,
            }))
          }
        >
          Similar images
        </button>
        <button onClick={() => setDuplicatesOpen(true)}>Duplicates…</button>
      </div>
      <label className="slider small" title="Object hits below this cosine similarity are left out">
        Min similarity
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={minScore}
          aria-label="Minimum similarity"
          onChange={(e) => setMinScore(Number(e.target.value))}
          onPointerUp={() => results?.kind === 'objects' && searchObjects(minScore)}
          onKeyUp={() => results?.kind === 'objects' && searchObjects(minScore)}
        />
        <output>{minScore.toFixed(2)}</output>
      </label>
      {busy && (
        <p className="muted small" role="status">
          Searching…
        </p>
      )}
      {results?.kind === 'objects' && (
        <>
          <button
            disabled={selected === undefined || activeLabelId === null || results.hits.length === 0}
            title="Propose the active label on these hits (they wait for review)"
            onClick={() => {
              if (selected === undefined || activeLabelId === null) return;
              void api()
                .search.proposeHits({
                  annotationId: selected,
                  labelId: activeLabelId,
                  topK: TOP_K,
                  minScore: results.minScore,
                })
                .then((r) =>
                  notify(
                    r.ok
                      ? { kind: 'info', text: `${plural(r.value.proposed, 'proposal')} to review` }
                      : { kind: 'error', text: r.error.message },
                  ),
                );
            }}
          >
            Label these ({results.hits.length})
          </button>
          {results.hits.length === 0 && (
            <p className="muted small">
              No object reaches {results.minScore.toFixed(2)}: lower the threshold.
            </p>
          )}
          <ul className="hits">
            {results.hits.map((h) => (
              <li key={`${h.imageId}-${h.bbox.join(',')}`}>
                <button
                  className="hit"
                  title={`Open ${h.fileName} at the match`}
                  onClick={() => void focusOn({ imageId: h.imageId, bbox: h.bbox })}
                >
                  <ImageCrop image={h} bbox={h.bbox} />
                  <span className="hit-text">
                    <span className="name">{h.fileName}</span>
                    <span className="muted small">similarity {h.score.toFixed(2)}</span>
                  </span>
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
              <button
                className="hit"
                title={`Open ${h.fileName}`}
                onClick={() =>
                  void api()
                    .images.get({ imageId: h.imageId })
                    .then((r) => r.ok && useAppStore.getState().setCurrentImage(r.value))
                }
              >
                <img src={mediaUrl(h, 'thumbnail')} alt="" width={96} height={72} />
                <span className="hit-text">
                  <span className="name">{h.fileName}</span>
                  <span className="muted small">similarity {h.score.toFixed(3)}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {duplicatesOpen && <DuplicatesDialog onClose={() => setDuplicatesOpen(false)} />}
    </section>
  );
}
