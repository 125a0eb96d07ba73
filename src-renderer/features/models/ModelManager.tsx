import { useCallback, useEffect, useState } from 'react';
import { type CatalogueEntry, type InstallStatus, type ModelSummary } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { CatalogueTable } from './CatalogueTable';
import { InstallPanel } from './InstallPanel';
import { InstallProgress } from './InstallProgress';
import { InstalledModels } from './InstalledModels';
import { isFinished, useModelInstalls } from './use-model-installs';

/**
 * The model manager: installed models (use, remove), running installs (progress, ETA, cancel) and the
 * catalogue of official RADIO checkpoints (licence, what each gives, memory, install).
 */
export function ModelManager({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const notify = useAppStore((s) => s.notify);
  const refreshModel = useAppStore((s) => s.refreshModel);
  const [installed, setInstalled] = useState<readonly ModelSummary[]>([]);
  const [entries, setEntries] = useState<readonly CatalogueEntry[]>([]);
  const [mirror, setMirror] = useState<string | null>(null);
  const [selected, setSelected] = useState<CatalogueEntry | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    void api()
      .models.list({})
      .then((r) => r.ok && setInstalled(r.value));
    void api()
      .models.catalogue({})
      .then((r) => (r.ok ? setEntries(r.value.entries) : setError(r.error.message)));
  }, []);
  useEffect(() => {
    reload();
    void api()
      .settings.get({})
      .then((r) => r.ok && setMirror(r.value.modelMirrorBaseUrl));
  }, [reload]);

  const onFinished = useCallback(
    (s: InstallStatus) => {
      if (s.state === 'done')
        notify({
          kind: 'info',
          text: `Installed ${s.modelId ?? 'the model'}: choose Use to annotate with it.`,
        });
      if (s.state === 'failed' && s.message) notify({ kind: 'error', text: s.message });
      reload();
      void refreshModel();
    },
    [notify, reload, refreshModel],
  );
  const installs = useModelInstalls(onFinished);
  const nameOf = (s: InstallStatus): string =>
    entries.find((e) => e.id === s.catalogueId)?.name ?? s.catalogueId ?? 'bundle';
  const shown = [...installs.values()];
  const busyIds = new Set(
    shown.filter((s) => !isFinished(s) && s.catalogueId).map((s) => s.catalogueId ?? ''),
  );

  return (
    <div className="overlay" role="dialog" aria-label="Model manager" onClick={onClose}>
      <div className="card model-manager" onClick={(e) => e.stopPropagation()}>
        <div className="row">
          <h2>Models</h2>
          <span className="spacer" />
          <button onClick={onClose}>Close</button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {shown.length > 0 && (
          <section aria-label="Installs">
            {shown.map((s) => (
              <InstallProgress key={s.installId} status={s} name={nameOf(s)} />
            ))}
          </section>
        )}
        <InstalledModels models={installed} onChanged={reload} />
        {selected && (
          <InstallPanel
            entry={selected}
            mirror={mirror}
            onClose={() => setSelected(null)}
            onStarted={(_id, done) => {
              setSelected(null);
              // Progress and the outcome arrive as events; this only keeps a rejected call from going unseen.
              done.catch(() => undefined);
            }}
          />
        )}
        <CatalogueTable entries={entries} busyIds={busyIds} onInstall={setSelected} />
      </div>
    </div>
  );
}
