import { useState } from 'react';
import { type Label, type LabelRemoval } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';

/** Label CRUD with colours, hotkeys and counts; deleting a used label asks what to do with its annotations. */
export function LabelsPanel(): React.JSX.Element {
  const labels = useAppStore((s) => s.labels);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const setActive = useAppStore((s) => s.setActiveLabel);
  const refresh = useAppStore((s) => s.refreshLabels);
  const notify = useAppStore((s) => s.notify);
  const hiddenLabels = useAppStore((s) => s.hiddenLabels);
  const lockedLabels = useAppStore((s) => s.lockedLabels);
  const toggleHidden = useAppStore((s) => s.toggleLabelHidden);
  const toggleLocked = useAppStore((s) => s.toggleLabelLocked);
  const [newName, setNewName] = useState('');
  const [removing, setRemoving] = useState<Label | null>(null);

  const add = async (): Promise<void> => {
    const name = newName.trim();
    if (!name) return;
    const used = new Set(labels.map((l) => l.hotkey));
    const hotkey = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].find((k) => !used.has(k)) ?? null;
    const r = await api().labels.create({ name, hotkey });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setNewName('');
    await refresh();
  };

  const update = async (label: Label, changes: { name?: string; color?: string }): Promise<void> => {
    const r = await api().labels.update({ labelId: label.id, ...changes });
    if (!r.ok) notify({ kind: 'error', text: r.error.message });
    await refresh();
  };

  const remove = async (label: Label, strategy: LabelRemoval): Promise<void> => {
    const r = await api().labels.remove({ labelId: label.id, strategy });
    setRemoving(null);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    await refresh();
  };

  return (
    <section className="panel labels" aria-label="Labels">
      <h2>Labels</h2>
      <ul>
        {labels.map((l) => (
          <li key={l.id} className={l.id === activeLabelId ? 'active' : ''}>
            <input
              type="color"
              value={l.color}
              aria-label={`Colour of ${l.name}`}
              onChange={(e) => void update(l, { color: e.target.value })}
            />
            <button className="link" onClick={() => setActive(l.id)} title="Make this the active label">
              {l.name}
            </button>
            <kbd>{l.hotkey ?? ''}</kbd>
            <button
              className="icon small"
              aria-label={`${hiddenLabels.has(l.id) ? 'Show' : 'Hide'} ${l.name}`}
              onClick={() => toggleHidden(l.id)}
            >
              {hiddenLabels.has(l.id) ? 'show' : 'hide'}
            </button>
            <button
              className="icon small"
              aria-label={`${lockedLabels.has(l.id) ? 'Unlock' : 'Lock'} ${l.name}`}
              onClick={() => toggleLocked(l.id)}
            >
              {lockedLabels.has(l.id) ? 'unlock' : 'lock'}
            </button>
            <span className="muted small">{l.annotationCount}</span>
            <button
              className="icon"
              aria-label={`Delete ${l.name}`}
              onClick={() =>
                l.annotationCount > 0 ? setRemoving(l) : void remove(l, { kind: 'only_if_unused' })
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {removing && (
        <div className="card" role="dialog" aria-label="Delete label">
          <p>
            “{removing.name}” is used by {removing.annotationCount} annotations.
          </p>
          {labels
            .filter((l) => l.id !== removing.id)
            .map((l) => (
              <button key={l.id} onClick={() => void remove(removing, { kind: 'reassign', toLabelId: l.id })}>
                Move them to {l.name}
              </button>
            ))}
          <button className="danger" onClick={() => void remove(removing, { kind: 'delete_annotations' })}>
            Delete them too
          </button>
          <button onClick={() => setRemoving(null)}>Cancel</button>
        </div>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
          placeholder="New label"
          aria-label="New label"
        />
        <button type="submit">Add</button>
      </form>
    </section>
  );
}
