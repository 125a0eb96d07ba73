import { type AppEvent } from '@contract';

/**
 * The service's events as progress lines on stderr: every job state change, job counts at most once a
 * second, transfer counts at most twice a second, and every line a job wants read.
 */
export function progressLines(
  write: (line: string) => void,
  nowMs = () => Date.now(),
): (e: AppEvent) => void {
  const lastState = new Map<number, string>();
  let lastJobMs = -Infinity;
  let lastTransferMs = -Infinity;
  return (e) => {
    switch (e.kind) {
      case 'job_progress': {
        const { job } = e;
        const changed = lastState.get(job.id) !== job.state;
        if (!changed && nowMs() - lastJobMs < 1000) return;
        lastState.set(job.id, job.state);
        lastJobMs = nowMs();
        const eta = job.etaMs === null ? '' : `, about ${Math.ceil(job.etaMs / 1000)} s left`;
        write(`job ${job.id} ${job.kind} ${job.state}: ${job.done}/${job.total}${eta}`);
        return;
      }
      case 'job_log':
        write(e.message);
        return;
      case 'transfer_progress': {
        if (nowMs() - lastTransferMs < 500 && (e.total === 0 || e.done < e.total)) return;
        lastTransferMs = nowMs();
        const count = e.total > 0 ? `${e.done}/${e.total}` : `${e.done}`;
        write(`${e.phase}: ${count}${e.detail === undefined ? '' : ` ${e.detail}`}`);
        return;
      }
      case 'model_status':
      case 'worker_restarted':
      case 'project_changed':
      case 'images_changed':
        return;
    }
  };
}
