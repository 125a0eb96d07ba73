import { useState } from 'react';
import { type Label } from '@contract';

/**
 * Rename a label and set the text auto-label prompts the model with (empty: the name, e.g. a label
 * "person" the starter cannot read could prompt with "pink" instead). Enter saves, Escape cancels.
 */
export function LabelEditor({
  label,
  onSave,
  onCancel,
}: {
  readonly label: Label;
  readonly onSave: (changes: { name: string; prompt: string | null }) => void | Promise<void>;
  readonly onCancel: () => void;
}): React.JSX.Element {
  const [name, setName] = useState(label.name);
  const [prompt, setPrompt] = useState(label.prompt ?? '');
  return (
    <form
      className="label-editor"
      aria-label={`Edit label ${label.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void onSave({ name: name.trim(), prompt: prompt.trim() || null });
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }}
    >
      <label className="small">
        Name
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-label="Label name" />
      </label>
      <label className="small">
        Prompt for auto-label
        <input
          value={prompt}
          placeholder={name || label.name}
          onChange={(e) => setPrompt(e.target.value)}
          aria-label="Label prompt"
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={!name.trim()}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
