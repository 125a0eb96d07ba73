import { useEffect, useState } from 'react';
import { ProviderNameSchema, type Settings } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { ModelManager } from '../models/ModelManager';

const GIB = 1024 ** 3;

/** Execution provider, cache budget, the model download mirror, and the model manager. */
export function SettingsPanel(): React.JSX.Element {
  const refreshModel = useAppStore((s) => s.refreshModel);
  const notify = useAppStore((s) => s.notify);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [mirror, setMirror] = useState('');
  const [managerOpen, setManagerOpen] = useState(false);

  useEffect(() => {
    void api()
      .settings.get({})
      .then((r) => {
        if (!r.ok) return;
        setSettings(r.value);
        setMirror(r.value.modelMirrorBaseUrl ?? '');
      });
  }, []);

  const update = async (patch: Partial<Settings>): Promise<void> => {
    const r = await api().settings.update(patch);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setSettings(r.value);
    await refreshModel();
  };
  if (!settings) return <section className="panel" />;
  return (
    <section className="panel settings" aria-label="Settings">
      <h2>Settings</h2>
      <label className="row small">
        Execution provider
        <select
          aria-label="Execution provider"
          value={settings.provider}
          onChange={(e) => void update({ provider: ProviderNameSchema.parse(e.target.value) })}
        >
          {ProviderNameSchema.options.map((p) => (
            <option key={p} value={p}>
              {p.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <label className="row small">
        Embedding cache (GiB)
        <input
          type="number"
          min={0.5}
          step={0.5}
          value={settings.cacheBudgetBytes / GIB}
          aria-label="Embedding cache budget"
          onChange={(e) => void update({ cacheBudgetBytes: Math.round(Number(e.target.value) * GIB) })}
        />
      </label>
      <label className="small">
        Model download mirror (a Hugging Face endpoint; empty for huggingface.co)
        <input
          aria-label="Model mirror"
          placeholder="https://huggingface.co"
          value={mirror}
          onChange={(e) => setMirror(e.target.value)}
          onBlur={() => {
            const value = mirror.trim() || null;
            if (value !== settings.modelMirrorBaseUrl) void update({ modelMirrorBaseUrl: value });
          }}
        />
      </label>
      <button onClick={() => setManagerOpen(true)}>Manage models…</button>
      {managerOpen && <ModelManager onClose={() => setManagerOpen(false)} />}
    </section>
  );
}
