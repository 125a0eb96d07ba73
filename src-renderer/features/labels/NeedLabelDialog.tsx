import { useState } from 'react';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { Dialog } from '../common/Dialog';

/**
 * Opened when a tool is about to make a shape and the project has no label yet: nothing is drawn until
 * a label exists, so no shape is ever lost to a save that cannot succeed.
 */
export function NeedLabelDialog(): React.JSX.Element {
  const requestLabel = useAppStore((s) => s.requestLabel);
  const refreshLabels = useAppStore((s) => s.refreshLabels);
  const setActiveLabel = useAppStore((s) => s.setActiveLabel);
  const [name, setName] = useState('object');
  const [error, setError] = useState<string | null>(null);
  const close = (): void => requestLabel(false);
  const create = async (): Promise<void> => {
    const r = await api().labels.create({ name, hotkey: '1' });
    if (!r.ok) return setError(r.error.message);
    await refreshLabels();
    setActiveLabel(r.value.id);
    close();
  };
  return (
    <Dialog label="Create a label" onClose={close}>
      <h2>A label first</h2>
      <p className="small">
        Every shape belongs to a label, and this project has none yet. Name one, then draw again.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Label name" />
        <button className="primary" type="submit" disabled={!name.trim()}>
          Create label
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </form>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </Dialog>
  );
}
