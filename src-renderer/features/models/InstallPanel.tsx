import { useEffect, useState } from 'react';
import { type CatalogueEntry, type InstallPlan, type MemoryEstimate, type WeightDtype } from '@contract';
import { api } from '../../bridge';
import { formatBytes, newInstallId, providesLabels, resolutionChoices } from './format';

const DTYPES: readonly { value: WeightDtype; label: string }[] = [
  { value: 'fp32', label: 'fp32 (exact)' },
  { value: 'fp16', label: 'fp16 (half the size)' },
  { value: 'int8', label: 'int8 (smallest, CPU)' },
];

/**
 * Install one catalogue checkpoint: size and weight type with the memory they need, then the plan from the
 * hub (exact files and sizes, disk), the licences to accept one by one, and Install.
 */
export function InstallPanel({
  entry,
  mirror,
  onStarted,
  onClose,
}: {
  readonly entry: CatalogueEntry;
  readonly mirror: string | null;
  readonly onStarted: (installId: string, done: Promise<void>) => void;
  readonly onClose: () => void;
}): React.JSX.Element {
  // null: the plan's choice (SAM's input size when the click decoder comes with it, else the preferred size).
  const [chosenPx, setResolution] = useState<number | null>(null);
  const [dtype, setDtype] = useState<WeightDtype>('fp32');
  const [fromDir, setFromDir] = useState('');
  const [memory, setMemory] = useState<MemoryEstimate | null>(null);
  const [plan, setPlan] = useState<InstallPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<ReadonlySet<string>>(new Set());
  const resolutionPx = chosenPx ?? plan?.resolutionPx ?? entry.preferredResolutionPx;

  useEffect(() => {
    void api()
      .models.estimateMemory({ catalogueId: entry.id, resolutionPx, dtype })
      .then((r) => setMemory(r.ok ? r.value : null));
  }, [entry.id, resolutionPx, dtype]);

  useEffect(() => {
    let live = true;
    setPlan(null);
    setPlanError(null);
    void api()
      .models.installPlan({
        catalogueId: entry.id,
        ...(chosenPx !== null ? { resolutionPx: chosenPx } : {}),
        dtype,
        ...(fromDir ? { fromDir } : {}),
      })
      .then((r) => {
        if (!live) return;
        if (r.ok) setPlan(r.value);
        else setPlanError(r.error.message);
      });
    return () => {
      live = false;
    };
  }, [entry.id, chosenPx, dtype, fromDir]);

  const licences = plan?.licences ?? [entry.licence];
  const allAccepted = licences.every((l) => accepted.has(l.id));
  const diskShort = plan !== null && plan.freeDiskBytes < plan.requiredDiskBytes;

  const install = (): void => {
    const installId = newInstallId();
    const done = api()
      .models.install({
        installId,
        catalogueId: entry.id,
        resolutionPx,
        dtype,
        acceptLicences: [...accepted],
        ...(fromDir ? { fromDir } : {}),
      })
      .then(() => undefined);
    onStarted(installId, done);
  };

  return (
    <section className="card install-panel" aria-label={`Install ${entry.name}`}>
      <div className="row">
        <h2>Install {entry.name}</h2>
        <span className="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      <div className="row small">
        <label>
          Input size
          <select
            aria-label="Input size"
            value={resolutionPx}
            onChange={(e) => setResolution(Number(e.target.value))}
          >
            {resolutionChoices(entry, plan?.clickDecoderResolutionPx).map((px) => (
              <option key={px} value={px}>
                {px} × {px}
                {px === entry.preferredResolutionPx ? ' (preferred)' : ''}
                {px === plan?.clickDecoderResolutionPx ? ' (SAM decoder input)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Weights
          <select
            aria-label="Weights"
            value={dtype}
            onChange={(e) => setDtype(e.target.value as WeightDtype)}
          >
            {DTYPES.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <span aria-label="Memory needed">
          Memory ≈ {formatBytes(memory?.totalBytes)}
          <span className="muted"> ({memory ? `${memory.tokens} tokens` : '…'})</span>
        </span>
      </div>
      <label className="small">
        Files copied by hand (optional): a folder with the repositories, for machines without internet
        <input aria-label="From folder" value={fromDir} onChange={(e) => setFromDir(e.target.value)} />
      </label>
      {planError && (
        <p role="alert" className="error">
          {planError}
        </p>
      )}
      {!plan && !planError && (
        <p className="muted">Reading the file list from {fromDir ? fromDir : (mirror ?? 'Hugging Face')}…</p>
      )}
      {plan && (
        <div className="small" aria-label="Install plan">
          <div>
            {plan.repos.map((r) => (
              <div key={r.repo}>
                <strong>{r.repo}</strong>{' '}
                <span className="muted">
                  ({r.role}) {r.files.map((f) => `${f.path} ${formatBytes(f.bytes)}`).join(', ')}
                </span>
              </div>
            ))}
          </div>
          <div>
            Download {formatBytes(plan.downloadBytes)} · disk needed {formatBytes(plan.requiredDiskBytes)} ·
            free <span className={diskShort ? 'error' : undefined}>{formatBytes(plan.freeDiskBytes)}</span>
          </div>
          <div>
            Gives:{' '}
            {providesLabels(plan.provides).map((p) => (
              <span key={p} className="badge">
                {p}
              </span>
            ))}
          </div>
          {plan.notes.map((n) => (
            <div key={n} className="muted">
              {n}
            </div>
          ))}
          {plan.alreadyInstalled && (
            <div className="warn">{plan.bundleId} is already installed; remove it first.</div>
          )}
        </div>
      )}
      <fieldset className="licences">
        <legend>Licences</legend>
        {licences.map((l) => (
          <label key={l.id} className="licence">
            <span>
              <input
                type="checkbox"
                aria-label={`Accept ${l.name}`}
                checked={accepted.has(l.id)}
                onChange={(e) =>
                  setAccepted((cur) => {
                    const next = new Set(cur);
                    if (e.target.checked) next.add(l.id);
                    else next.delete(l.id);
                    return next;
                  })
                }
              />{' '}
              I accept the{' '}
              <a href={l.url} target="_blank" rel="noreferrer">
                {l.name}
              </a>{' '}
              <span className={l.commercialUse ? 'muted' : 'warn'}>
                ({l.commercialUse ? 'commercial use allowed' : 'non-commercial'})
              </span>
            </span>
            <span className="muted">{l.summary}</span>
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button
          className="primary"
          disabled={!plan || !allAccepted || diskShort || plan.alreadyInstalled}
          onClick={install}
        >
          Install {plan ? `(${formatBytes(plan.downloadBytes)})` : ''}
        </button>
        {!allAccepted && <span className="muted small">Accept each licence to install.</span>}
      </div>
    </section>
  );
}
