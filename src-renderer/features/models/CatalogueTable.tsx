import { type CatalogueEntry } from '@contract';
import { formatBytes, formatParameters, providesLabels } from './format';

/** The catalogue: one row per official checkpoint, with why it cannot be installed when it cannot. */
export function CatalogueTable({
  entries,
  busyIds,
  onInstall,
}: {
  readonly entries: readonly CatalogueEntry[];
  /** Catalogue ids with an install running. */
  readonly busyIds: ReadonlySet<string>;
  readonly onInstall: (e: CatalogueEntry) => void;
}): React.JSX.Element {
  return (
    <section aria-label="Model catalogue">
      <h2>Catalogue</h2>
      <table className="models-table">
        <thead>
          <tr className="muted small">
            <th>Model</th>
            <th>Licence</th>
            <th>Provides</th>
            <th>Memory at preferred size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} aria-label={e.name}>
              <td>
                <div>
                  <strong>{e.name}</strong> <span className="muted small">{e.repo}</span>
                </div>
                <div className="muted small">
                  {e.architecture} · {formatParameters(e.parameterCount)} · {e.preferredResolutionPx} px (max{' '}
                  {e.maxResolutionPx})
                </div>
              </td>
              <td className="small">
                <a href={e.licence.url} target="_blank" rel="noreferrer">
                  {e.licence.name}
                </a>
                <div className={e.licence.commercialUse ? 'muted' : 'warn'}>
                  {e.licence.commercialUse ? 'commercial use allowed' : 'non-commercial'}
                </div>
              </td>
              <td>
                {providesLabels(e.provides).map((p) => (
                  <span key={p} className="badge">
                    {p}
                  </span>
                ))}
                {e.notes.map((n) => (
                  <div key={n} className="muted small">
                    {n}
                  </div>
                ))}
              </td>
              <td className="small">
                {e.memoryAtPreferred
                  ? `${formatBytes(e.memoryAtPreferred.fp16)} (fp16) · ${formatBytes(e.memoryAtPreferred.fp32)} (fp32)`
                  : '—'}
                <div className="muted">
                  download: {e.downloadBytes ? formatBytes(e.downloadBytes) : 'size from the hub'}
                </div>
              </td>
              <td className="actions">
                {e.installedModelIds.length > 0 && <span className="badge status-done">Installed</span>}
                {e.blocker ? (
                  <div className="muted small blocker" title={e.blocker}>
                    Not installable: {e.blocker}
                  </div>
                ) : (
                  <button
                    disabled={busyIds.has(e.id)}
                    onClick={() => onInstall(e)}
                    aria-label={`Install ${e.name}`}
                  >
                    {busyIds.has(e.id) ? 'Installing…' : 'Install…'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
