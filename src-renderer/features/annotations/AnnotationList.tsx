import { useSyncExternalStore } from 'react';
import { type Label, type LabelId } from '@contract';
import { listAnnotations, setHidden, setLocked, type EditorStore } from '../../model';
import { AnnotationDetails } from './AnnotationDetails';

const KIND_NAMES = {
  box: 'Box',
  polygon: 'Polygon',
  mask: 'Mask',
  point: 'Point',
  polyline: 'Polyline',
  rotated_box: 'Rotated box',
  tag: 'Image tag',
} as const;

/** The current image's annotations: click to select, toggle hidden/locked; the selection's details below. */
export function AnnotationList({
  store,
  labels,
  activeLabelId = null,
}: {
  readonly store: EditorStore;
  readonly labels: readonly Label[];
  readonly activeLabelId?: LabelId | null;
}): React.JSX.Element {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const doc = snap.history?.doc;
  const items = doc ? listAnnotations(doc) : [];
  const labelOf = new Map(labels.map((l) => [l.id, l]));
  const selected = items.filter((a) => snap.selection.includes(a.id));
  return (
    <section className="panel annotations" aria-label="Annotations">
      <h2>Annotations ({items.length})</h2>
      <ul>
        {items.map((a) => {
          const label = labelOf.get(a.labelId);
          return (
            <li key={a.id} className={snap.selection.includes(a.id) ? 'selected' : ''}>
              <span className="swatch" style={{ background: label?.color ?? '#888' }} />
              <button className="link" onClick={() => store.setSelection([a.id])}>
                {label?.name ?? '?'} · {KIND_NAMES[a.geometry.kind]}
                {a.groupId !== null && <span className="muted small"> g{a.groupId}</span>}
                {a.iscrowd && <span className="muted small"> crowd</span>}
                {a.score !== null && <span className="muted small"> {a.score.toFixed(2)}</span>}
              </button>
              <span className="muted small">{a.source}</span>
              <button
                className="icon"
                aria-label={a.hidden ? 'Show' : 'Hide'}
                title={a.hidden ? 'Show' : 'Hide'}
                onClick={() => store.run(setHidden([a.id], !a.hidden))}
              >
                {a.hidden ? 'show' : 'hide'}
              </button>
              <button
                className="icon"
                aria-label={a.locked ? 'Unlock' : 'Lock'}
                title={a.locked ? 'Unlock' : 'Lock'}
                onClick={() => store.run(setLocked([a.id], !a.locked))}
              >
                {a.locked ? 'unlock' : 'lock'}
              </button>
            </li>
          );
        })}
      </ul>
      {doc && (
        <AnnotationDetails
          store={store}
          doc={doc}
          selected={selected}
          labels={labels}
          activeLabelId={activeLabelId}
        />
      )}
      {snap.proposals.length > 0 && (
        <p className="muted small">{snap.proposals.length} proposals pending (Enter accepts, Esc rejects)</p>
      )}
    </section>
  );
}
