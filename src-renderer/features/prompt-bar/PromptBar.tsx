import { useEffect, useRef, useState } from 'react';
import { type HeatMap, type Label, type ImageId, type ModelCapabilities } from '@contract';
import { api } from '../../bridge';
import { appLabelSource, useAppStore } from '../../state/app-store';
import { type EditorStore } from '../../model';
import { plural } from '../common/plural';
import { promptsFromText, proposalsFromInstances } from './prompt-proposals';
import { unknownWords } from './vocabulary';

const DEBOUNCE_MS = 180;

interface Props {
  readonly store: EditorStore;
  readonly imageId: ImageId;
  readonly labels: readonly Label[];
  /** The prompt box, for the `t` shortcut to focus. */
  readonly inputRef: React.RefObject<HTMLInputElement | null>;
  /** What the selected model understands: its closed vocabulary (the starter) or open prompts. */
  readonly capabilities: ModelCapabilities | null;
  readonly onHeatMap: (heat: HeatMap | null) => void;
  readonly onBusy: (busy: boolean) => void;
}

/**
 * Text prompts on the cached embedding: a live heat map while typing (debounced), instance proposals, a
 * threshold slider (auto = Otsu), Enter to accept all, Esc to clear. "red, blue" runs competing prompts.
 * What the model understands is shown beside the box, and so is any error about the prompt.
 */
export function PromptBar(props: Props): React.JSX.Element {
  const { store, imageId, labels, capabilities, onHeatMap, onBusy } = props;
  const requestLabel = useAppStore((s) => s.requestLabel);
  const [text, setText] = useState('');
  const [autoThreshold, setAutoThreshold] = useState(true);
  const [threshold, setThreshold] = useState(0.5);
  const [count, setCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const vocabulary = capabilities?.vocabulary ?? null;
  const textDisabled = capabilities !== null && !capabilities.text;

  useEffect(() => onBusy(busy), [busy, onBusy]);
  useEffect(() => {
    const prompts = promptsFromText(text);
    const mine = ++seq.current;
    const clear = (): void => {
      store.setProposals('text', [], imageId);
      onHeatMap(null);
      setCount(0);
    };
    if (prompts.length === 0) {
      clear();
      setError(null);
      setBusy(false);
      return;
    }
    // Words the model cannot know are named at once, without a round trip.
    const unknown = vocabulary ? unknownWords(prompts, vocabulary) : [];
    if (unknown.length > 0) {
      clear();
      setBusy(false);
      setError(`${unknown.map((w) => `"${w}"`).join(', ')} not in this model's vocabulary`);
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
            setError(r.error.message);
            clear();
            return;
          }
          setError(null);
          const proposals = proposalsFromInstances(r.value.instances, labels);
          store.setProposals('text', proposals, imageId);
          onHeatMap(r.value.heatMap);
          setCount(proposals.length);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, autoThreshold, threshold, imageId, labels, store, onHeatMap, vocabulary]);

  const acceptAll = (): void => {
    const labelId = appLabelSource.activeLabelId();
    if (labelId === null) return requestLabel(true);
    const keys = store
      .getSnapshot()
      .proposals.filter((p) => p.origin === 'text')
      .map((p) => p.key);
    store.acceptProposals(keys, labelId);
    setText('');
  };

  return (
    <div className="prompt-bar" aria-label="Prompt bar">
      <input
        ref={props.inputRef}
        type="text"
        value={text}
        disabled={textDisabled}
        aria-label="Text prompt"
        aria-invalid={error !== null}
        aria-describedby="prompt-help"
        placeholder={
          textDisabled
            ? 'This model takes no text prompts: click or draw instead'
            : 'Describe what to segment (t), e.g. red; comma-separate to compare several'
        }
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            acceptAll();
          } else if (e.key === 'Escape') {
            if (text) setText('');
            else e.currentTarget.blur();
          }
          e.stopPropagation();
        }}
      />
      <label className="slider small" title="Auto: the threshold is chosen per image (Otsu)">
        <input type="checkbox" checked={autoThreshold} onChange={(e) => setAutoThreshold(e.target.checked)} />
        auto
      </label>
      <label className="slider small">
        Threshold
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
        <output>{autoThreshold ? 'auto' : threshold.toFixed(2)}</output>
      </label>
      <span className="muted small" aria-live="polite">
        {busy ? 'working…' : `${count} found`}
      </span>
      <button disabled={count === 0} onClick={acceptAll}>
        Accept all
      </button>
      <div id="prompt-help" className="prompt-help small">
        {error ? (
          <span role="alert" className="error">
            {error}
          </span>
        ) : null}
        <Capabilities capabilities={capabilities} />
      </div>
    </div>
  );
}

/** What the model understands, in a line under the prompt box. */
function Capabilities({ capabilities }: { readonly capabilities: ModelCapabilities | null }) {
  if (!capabilities) return null;
  if (!capabilities.text) return <span className="muted">No text prompts with this model.</span>;
  if (capabilities.vocabulary) {
    return (
      <span className="muted vocabulary" title={capabilities.vocabulary.join(', ')}>
        {capabilities.isStarter ? 'Starter model: colours and textures, not objects. ' : ''}
        Knows {plural(capabilities.vocabulary.length, 'word')}: {capabilities.vocabulary.join(', ')}
      </span>
    );
  }
  return (
    <span className="muted">
      Open vocabulary: describe objects in words
      {capabilities.maskDecoder ? '; clicks use the SAM decoder' : ''}.
    </span>
  );
}
