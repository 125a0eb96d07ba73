import { useEffect, useState } from 'react';
import { type Job, type JobStart, labelPrompt } from '@contract';
import { api } from '../../bridge';
import { useAppStore } from '../../state/app-store';
import { AutoLabelDialog } from './AutoLabelDialog';

const KIND_NAMES: Readonly<Record<Job['kind'], string>> = {
  embed: 'Precompute embeddings',
  auto_label: 'Auto-label',
  propagate: 'Label all similar',
};

function eta(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s left` : `${Math.round(s / 60)} min left`;
}

/**
 * Background jobs: precompute, auto-label (the labels you choose, each with its prompt), label all similar
 * (the active label), with progress bars, ETA, warnings and cancel. Results of auto-label and propagation
 * wait in the review bar.
 */
export function JobsPanel(): React.JSX.Element {
  const labels = useAppStore((s) => s.labels);
  const activeLabelId = useAppStore((s) => s.activeLabelId);
  const notify = useAppStore((s) => s.notify);
  const invalidateImages = useAppStore((s) => s.invalidateImages);
  const [jobs, setJobs] = useState<readonly Job[]>([]);
  const [choosing, setChoosing] = useState(false);

  useEffect(() => {
    void api()
      .jobs.list({})
      .then((r) => r.ok && setJobs(r.value));
    return api().events.subscribe((event) => {
      if (event.kind !== 'job_progress') return;
      setJobs((prev) =>
        [event.job, ...prev.filter((j) => j.id !== event.job.id)].sort((a, b) => b.id - a.id),
      );
      if (event.job.state === 'done') invalidateImages();
    });
  }, [invalidateImages]);

  const start = async (job: JobStart): Promise<void> => {
    const r = await api().jobs.start(job);
    if (!r.ok) return notify({ kind: 'error', text: r.error.message });
    // Progress events can overtake this answer (a short job is done before it arrives): never let the
    // start snapshot replace a newer state.
    const started = r.value;
    setJobs((prev) => (prev.some((j) => j.id === started.id) ? prev : [started, ...prev]));
  };

  return (
    <section className="panel jobs" aria-label="Jobs">
      <h2>Dataset</h2>
      <div className="row">
        <button onClick={() => void start({ kind: 'embed', params: { images: 'uncached' } })}>
          Precompute
        </button>
        <button disabled={labels.length === 0} onClick={() => setChoosing(true)}>
          Auto-label…
        </button>
        <button
          disabled={activeLabelId === null}
          onClick={() =>
            activeLabelId !== null && void start({ kind: 'propagate', params: { labelId: activeLabelId } })
          }
        >
          Label all similar
        </button>
      </div>
      <ul>
        {jobs.slice(0, 8).map((j) => (
          <li key={j.id} className="job">
            <span className="small">
              {KIND_NAMES[j.kind]} · {j.state} · {j.done}/{j.total}{' '}
              {j.runningElsewhere
                ? `in another process (pid ${j.runningElsewhere.pid})`
                : j.state === 'running'
                  ? eta(j.etaMs)
                  : ''}
            </span>
            <progress max={Math.max(1, j.total)} value={j.done} />
            {(j.state === 'running' || j.state === 'queued') && (
              <button className="icon" onClick={() => void api().jobs.cancel({ jobId: j.id })}>
                cancel
              </button>
            )}
            {j.error && <span className="error small">{j.error}</span>}
            {j.warnings.map((w) => (
              <span key={w} className="warn small" role="note">
                {w}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {choosing && (
        <AutoLabelDialog
          onClose={() => setChoosing(false)}
          onStart={(labelIds, images) => {
            setChoosing(false);
            void start({
              kind: 'auto_label',
              params: {
                images,
                prompts: labels
                  .filter((l) => labelIds.includes(l.id))
                  .map((l) => ({ labelId: l.id, texts: [labelPrompt(l)] })),
              },
            });
          }}
        />
      )}
    </section>
  );
}
