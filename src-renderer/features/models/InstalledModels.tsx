import { useState } from 'react';
import { type ModelSummary } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { formatBytes, providesLabels } from './format';
import { modelDisplayName } from './ModelPicker';

/** Installed models: what each gives, licence and size; use one, remove one, or add a bundle folder. */
export function InstalledModels({
  models,
  onChanged,
}: {
  readonly models: readonly ModelSummary[];
  readonly onChanged: () => void;
}): React.JSX.Element {
  const active = useAppStore((s) => s.model?.id ?? null);
  const refreshModel = useAppStore((s) => s.refreshModel);
  const notify = useAppStore((s) => s.notify);
  const [source, setSource] = useState('');
  const [adding, setAdding] = useState(false);

  const use = async (id: string): Promise<void> => {
    const r = await api().models.select({ modelId: id });
    if (!r.ok) notify({ kind: 'error', text: r.error.message });
    await refreshModel();
  };
  const remove = async (m: ModelSummary): Promise<void> => {
    if (!window.confirm(`Remove ${m.name}? Its files (${formatBytes(m.diskBytes)}) are deleted.`)) return;
    const r = await api().models.remove({ modelId: m.id });
    if (!r.ok) notify({ kind: 'error', text: r.error.message });
    else notify({ kind: 'info', text: `Removed ${m.name}` });
    await refreshModel();
    onChanged();
  };
  const add = async (): Promise<void> => {
    setAdding(true);
    const r = await api().models.install({ source });
    setAdding(false);
    notify(
      r.ok ? { kind: 'info', text: `Installed ${r.value.name}` } : { kind: 'error', text: r.error.message },
    );
    if (r.ok) setSource('');
    onChanged();
  };

  return (
    <section aria-label="Installed models">
      <h2>Installed</h2>
      <table className="models-table">
        <tbody>
          {models.map((m) => (
            <tr key={m.id} className={m.id === active ? 'active' : undefined}>
              <td>
                <div>{modelDisplayName(m)}</div>
                <div className="muted small">{m.id}</div>
              </td>
              <td>
                {providesLabels({
                  textPrompts: m.hasText,
                  clickDecoder: m.hasMaskDecoder,
                  similarity: true,
                }).map((p) => (
                  <span key={p} className="badge">
                    {p}
                  </span>
                ))}
              </td>
              <td className="small">{m.license}</td>
              <td className="small">{formatBytes(m.diskBytes)}</td>
              <td className="actions">
                {m.id === active ? (
                  <span className="badge status-done">In use</span>
                ) : (
                  <button onClick={() => void use(m.id)}>Use</button>
                )}
                {!m.builtIn && <button onClick={() => void remove(m)}>Remove</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row small models-add">
        <input
          aria-label="Bundle folder or manifest URL"
          placeholder="Add a converted bundle: folder path or https://…/manifest.json"
          value={source}
          onChange={(e) => setSource(e.target.value)}
        />
        <button disabled={!source || adding} onClick={() => void add()}>
          {adding ? 'Adding…' : 'Add bundle'}
        </button>
      </div>
    </section>
  );
}
