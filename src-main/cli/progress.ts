import { type AppEvent, type InstallStatus } from '@contract';
import { formatBytes, formatClock } from '@shared/format/bytes';

/**
 * The service's events as progress lines on stderr: every job or install phase change, job and download
 * counts at most once a second, transfer counts at most twice a second, every line a job wants read, and
 * each job warning once (auto-label skipping a label the model cannot use).
 */
export function progressLines(
  write: (line: string) => void,
  nowMs = () => Date.now(),
): (e: AppEvent) => void {
  const lastState = new Map<number, string>();
  const warningsShown = new Map<number, number>();
  let lastJobMs = -Infinity;
  let lastTransferMs = -Infinity;
  const installPhase = new Map<string, string>();
  let lastInstallMs = -Infinity;
  return (e) => {
    switch (e.kind) {
      case 'job_progress': {
        const { job } = e;
        for (const warning of job.warnings.slice(warningsShown.get(job.id) ?? 0))
          write(`job ${job.id} warning: ${warning}`);
        warningsShown.set(job.id, job.warnings.length);
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
      case 'model_install': {
        const i = e.install;
        const line = installLine(i);
        const phaseChanged = installPhase.get(i.installId) !== i.state;
        if (line === undefined || (!phaseChanged && nowMs() - lastInstallMs < 1000)) return;
        installPhase.set(i.installId, i.state);
        lastInstallMs = nowMs();
        write(line);
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

/**
 * `downloading <file>: 20.0 MiB/400.0 MiB (5%), 20.0 MiB/s, 0:19 left`, or the phase and its file; none
 * for planning (the plan itself is printed) nor for the end (the command's result or error says it).
 */
function installLine(i: InstallStatus): string | undefined {
  switch (i.state) {
    case 'downloading': {
      const pct = i.totalBytes ? ` (${Math.floor((i.receivedBytes / i.totalBytes) * 100)}%)` : '';
      const total = i.totalBytes ? `/${formatBytes(i.totalBytes)}` : '';
      const speed = i.bytesPerSecond ? `, ${formatBytes(i.bytesPerSecond)}/s` : '';
      const eta = i.etaSeconds !== null ? `, ${formatClock(i.etaSeconds)} left` : '';
      return `downloading ${i.file ?? ''}: ${formatBytes(i.receivedBytes)}${total}${pct}${speed}${eta}`;
    }
    case 'converting':
    case 'verifying':
    case 'installing':
      return `${i.state}${i.file ? ` ${i.file}` : ''}…`;
    case 'planning':
    case 'done':
    case 'failed':
    case 'cancelled':
      return undefined;
  }
}
