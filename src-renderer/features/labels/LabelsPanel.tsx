import { useState } from 'react';
import { type Label, type LabelId, type LabelRemoval } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { Dialog } from '../common/Dialog';
import { plural } from '../common/plural';
import { LabelEditor } from './LabelEditor';
import { reordered } from './label-order';

/**
 * Label CRUD with colours, hotkeys and counts; rename and the auto-label prompt in place; reorder by
 * drag or with the ↑/↓ buttons. Deleting a used label asks what to do with its annotations.
 */
export function LabelsPanel(): React.JSX.Element {
  const labels = useAppStore((s) => s.labels);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const setActive = useAppStore((s) => s.setActiveLabel);
  const refresh = useAppStore((s) => s.refreshLabels);
  const notify = useAppStore((s) => s.notify);
  const labelStates = useAppStore((s) => s.labelStates);
  const toggleHidden = useAppStore((s) => s.toggleLabelHidden);
  const toggleLocked = useAppStore((s) => s.toggleLabelLocked);
  const [newName, setNewName] = useState('');
  const [removing, setRemoving] = useState<Label | null>(null);
  const [editing, setEditing] = useState<LabelId | null>(null);
  const [dragged, setDragged] = useState<LabelId | null>(null);

  const add = async (): Promise<void> => {
    const name = newName.trim();
    if (!name) return;
    const used = new Set(labels.map((l) => l.hotkey));
    const hotkey = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].find((k) => !used.has(k)) ?? null;
    const r = await api().labels.create({ name, hotkey });
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setNewName('');
    await refresh();
    if (useAppStore.getState().activeLabelId === null) setActive(r.value.id);
  };

  const update = async (
    label: Label,
    changes: { name?: string; color?: string; prompt?: string | null },
  ): Promise<boolean> => {
    const r = await api().labels.update({ labelId: label.id, ...changes });
    if (!r.ok) notify({ kind: 'error', text: r.error.message });
    await refresh();
    return r.ok;
  };

  const move = async (moved: LabelId, to: number): Promise<void> => {
    const r = await api().labels.reorder({
      labelIds: reordered(
        labels.map((l) => l.id),
        moved,
        to,
      ),
    });
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
      {labels.length === 0 && (
        <p className="muted small">No labels yet: add one below (shapes need a label).</p>
      )}
      <ul>
        {labels.map((l, i) =>
          editing === l.id ? (
            <li key={l.id} className="editing">
              <LabelEditor
                label={l}
                onSave={async (changes) => {
                  if (await update(l, changes)) setEditing(null);
                }}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li
              key={l.id}
              className={`${l.id === activeLabelId ? 'active' : ''}${dragged === l.id ? ' dragging' : ''}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData('text/x-radiolabel-label', String(l.id));
                setDragged(l.id);
              }}
              onDragEnd={() => setDragged(null)}
              onDragOver={(e) => {
                if (dragged !== null) e.preventDefault();
              }}
              onDrop={(e) => {
                e.preventDefault();
                if (dragged !== null && dragged !== l.id) void move(dragged, i);
                setDragged(null);
              }}
            >
              <input
                type="color"
                value={l.color}
                aria-label={`Colour of ${l.name}`}
                onChange={(e) => void update(l, { color: e.target.value })}
              />
              <button
                className="link"
                onClick={() => setActive(l.id)}
                onDoubleClick={() => setEditing(l.id)}
                title={`Make this the active label · prompt: "${l.prompt ?? l.name}" · double-click to edit`}
              >
                {l.name}
                {l.prompt && <span className="muted small"> “{l.prompt}”</span>}
              </button>
              <kbd>{l.hotkey ?? ''}</kbd>
              <button
                className="icon small reorder"
                aria-label={`Move ${l.name} up`}
                disabled={i === 0}
                onClick={() => void move(l.id, i - 1)}
              >
                ↑
              </button>
              <button
                className="icon small reorder"
                aria-label={`Move ${l.name} down`}
                disabled={i === labels.length - 1}
                onClick={() => void move(l.id, i + 1)}
              >
                ↓
              </button>
              <button
                className="icon small reorder"
                aria-label={`Edit ${l.name}`}
                onClick={() => setEditing(l.id)}
              >
                ✎
              </button>
              <button
                className="icon small"
                aria-label={`${labelStates.hiddenLabels.has(l.id) ? 'Show' : 'Hide'} ${l.name}`}
                onClick={() => toggleHidden(l.id)}
              >
                {labelStates.hiddenLabels.has(l.id) ? 'show' : 'hide'}
              </button>
              <button
                className="icon small"
                aria-label={`${labelStates.lockedLabels.has(l.id) ? 'Unlock' : 'Lock'} ${l.name}`}
                onClick={() => toggleLocked(l.id)}
              >
                {labelStates.lockedLabels.has(l.id) ? 'unlock' : 'lock'}
              </button>
              <span className="muted small" title="Annotations">
                {l.annotationCount}
              </span>
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
          ),
        )}
      </ul>
      {removing && (
        <Dialog label="Delete label" onClose={() => setRemoving(null)}>
          <p>
            “{removing.name}” is used by {plural(removing.annotationCount, 'annotation')}.
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
        </Dialog>
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
