import { useEffect, useRef, useState } from 'react';
import { type HeatMap, type Label, type ImageId, type LabelId } from '@contract';
import { api } from '../../bridge';
import { type EditorStore } from '../../model';
import { promptsFromText, proposalsFromInstances } from './prompt-proposals';

const DEBOUNCE_MS = 180;

interface Props {
  readonly store: EditorStore;
  readonly imageId: ImageId;
  readonly labels: readonly Label[];
  readonly activeLabelId: LabelId | null;
  readonly onHeatMap: (heat: HeatMap | null) => void;
  readonly onError: (message: string | null) => void;
}

/**
 * Text prompts on the cached embedding: a live heat map while typing (debounced), instance proposals, a
 * threshold slider (auto = Otsu), Enter to accept all, Esc to clear. "red, blue" runs competing prompts.
 */
export function PromptBar({
  store,
  imageId,
  labels,
  activeLabelId,
  onHeatMap,
  onError,
}: Props): React.JSX.Element {
  const [text, setText] = useState('');
  const [autoThreshold, setAutoThreshold] = useState(true);
  const [threshold, setThreshold] = useState(0.5);
  const [count, setCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const prompts = promptsFromText(text);
    const mine = ++seq.current;
    if (prompts.length === 0) {
      store.setProposals('text', [], imageId);
      onHeatMap(null);
      setCount(0);
      return;
    }
    const timer = setTimeout(() => {
      setBusy(true);
      void api()
        .inference.segmentText({ imageId, prompts, ...(autoThreshold ? {} : { threshold }) })
        .then((r) => {
          if (mine !== seq.current) return; // a newer prompt is on its way: this answer is stale
          setBusy(false);
          if (!r.ok) {
            onError(r.error.message);
            store.setProposals('text', [], imageId);
            onHeatMap(null);
            setCount(0);
            return;
          }
          onError(null);
          const proposals = proposalsFromInstances(r.value.instances, labels);
          store.setProposals('text', proposals, imageId);
          onHeatMap(r.value.heatMap);
          setCount(proposals.length);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, autoThreshold, threshold, imageId, labels, store, onHeatMap, onError]);

  const acceptAll = (): void => {
    if (activeLabelId === null) return onError('create a label first: accepted proposals need one');
    const keys = store
      .getSnapshot()
      .proposals.filter((p) => p.origin === 'text')
      .map((p) => p.key);
    store.acceptProposals(keys, activeLabelId);
    setText('');
  };

  return (
    <div className="prompt-bar" aria-label="Prompt bar">
      <input
        type="text"
        value={text}
        aria-label="Text prompt"
        placeholder="Describe what to segment, e.g. red (comma-separate to compare several)"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            acceptAll();
          } else if (e.key === 'Escape') {
            setText('');
          }
          e.stopPropagation();
        }}
      />
      <label className="row small">
        <input type="checkbox" checked={autoThreshold} onChange={(e) => setAutoThreshold(e.target.checked)} />
        auto
      </label>
      <input
        type="range"
        min={0.05}
        max={0.95}
        step={0.01}
        value={threshold}
        disabled={autoThreshold}
        aria-label="Threshold"
        onChange={(e) => setThreshold(Number(e.target.value))}
      />
      <span className="muted small">{busy ? '…' : `${count} found`}</span>
      <button disabled={count === 0} onClick={acceptAll}>
        Accept all
      </button>
    </div>
  );
}
