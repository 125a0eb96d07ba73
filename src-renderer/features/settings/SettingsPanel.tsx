import { useEffect, useState } from 'react';
import { ProviderNameSchema, type Settings } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';

const GIB = 1024 ** 3;

/** Execution provider, cache budget, and installing a model bundle (a manifest URL or a folder). */
export function SettingsPanel(): React.JSX.Element {
  const refreshModel = useAppStore((s) => s.refreshModel);
  const notify = useAppStore((s) => s.notify);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [source, setSource] = useState('');
  const [installing, setInstalling] = useState(false);

  useEffect(() => {
    void api()
      .settings.get({})
      .then((r) => r.ok && setSettings(r.value));
  }, []);

  const update = async (patch: Partial<Settings>): Promise<void> => {
    const r = await api().settings.update(patch);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    setSettings(r.value);
    await refreshModel();
  };
  const install = async (): Promise<void> => {
    setInstalling(true);
    const r = await api().models.install({ source });
    setInstalling(false);
    notify(
      r.ok ? { kind: 'info', text: `Installed ${r.value.name}` } : { kind: 'error', text: r.error.message },
    );
    if (r.ok) setSource('');
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
        Install a model (manifest URL or bundle folder)
        <input value={source} onChange={(e) => setSource(e.target.value)} aria-label="Model source" />
      </label>
      <button disabled={!source || installing} onClick={() => void install()}>
        {installing ? 'Installing…' : 'Install'}
      </button>
    </section>
  );
}
