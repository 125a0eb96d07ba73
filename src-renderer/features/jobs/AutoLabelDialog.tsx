import { useState } from 'react';
import { labelPrompt, type LabelId } from '@contract';
import { useAppStore } from '../../state/app-store';
import { Dialog } from '../common/Dialog';
import { plural } from '../common/plural';
import { unknownWords } from '../prompt-bar/vocabulary';

export type AutoLabelImages = 'new' | 'all';

/**
 * Choose the labels auto-label looks for (each with its prompt). A prompt the model cannot read is
 * flagged here; the job skips such a label with a warning and goes on with the others.
 */
export function AutoLabelDialog({
  onStart,
  onClose,
}: {
  readonly onStart: (labelIds: readonly LabelId[], images: AutoLabelImages) => void;
  readonly onClose: () => void;
}): React.JSX.Element {
  const labels = useAppStore((s) => s.labels);
  const vocabulary = useAppStore((s) => s.model?.capabilities?.vocabulary ?? null);
  const [chosen, setChosen] = useState<ReadonlySet<LabelId>>(() => new Set(labels.map((l) => l.id)));
  const [images, setImages] = useState<AutoLabelImages>('new');
  const toggle = (id: LabelId): void => {
    const next = new Set(chosen);
    if (!next.delete(id)) next.add(id);
    setChosen(next);
  };
  return (
    <Dialog label="Auto-label" onClose={onClose}>
      <h2>Auto-label</h2>
      <p className="small muted">
        Each chosen label is looked for with its prompt; what is found waits for review.
      </p>
      <ul className="choices">
        {labels.map((l) => {
          const prompt = labelPrompt(l);
          const unknown = vocabulary ? unknownWords([prompt], vocabulary) : [];
          return (
            <li key={l.id}>
              <label className="row">
                <input
                  type="checkbox"
                  checked={chosen.has(l.id)}
                  onChange={() => toggle(l.id)}
                  aria-label={`Auto-label ${l.name}`}
                />
                <span className="swatch" style={{ background: l.color }} />
                {l.name}
                <span className="muted small">prompt “{prompt}”</span>
              </label>
              {unknown.length > 0 && (
                <span className="warn small">
                  will be skipped: {unknown.map((w) => `"${w}"`).join(', ')} not in the model's vocabulary —
                  edit the label's prompt (✎)
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <label className="row small">
        Images
        <select
          aria-label="Images to auto-label"
          value={images}
          onChange={(e) => setImages(e.target.value as AutoLabelImages)}
        >
          <option value="new">new images</option>
          <option value="all">all images</option>
        </select>
      </label>
      <div className="row">
        <button
          className="primary"
          disabled={chosen.size === 0}
          onClick={() =>
            onStart(
              labels.filter((l) => chosen.has(l.id)).map((l) => l.id),
              images,
            )
          }
        >
          Start auto-label ({plural(chosen.size, 'label')})
        </button>
        <button onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
