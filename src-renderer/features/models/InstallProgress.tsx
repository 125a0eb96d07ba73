import { type InstallStatus } from '@contract';
import { api } from '../../bridge';
import { formatBytes, formatEta } from './format';

const STATE_TEXT: Readonly<Record<InstallStatus['state'], string>> = {
  planning: 'Checking the hub…',
  downloading: 'Downloading',
  converting: 'Converting to ONNX',
  verifying: 'Verifying',
  installing: 'Installing',
  done: 'Installed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** One install: phase, progress bar with bytes, speed and time left, and Cancel while it runs. */
export function InstallProgress({
  status,
  name,
}: {
  readonly status: InstallStatus;
  readonly name: string;
}): React.JSX.Element {
  const running = !['done', 'failed', 'cancelled'].includes(status.state);
  const fraction =
    status.totalBytes !== null && status.totalBytes > 0
      ? status.receivedBytes / status.totalBytes
      : undefined;
  return (
    <div className="install-progress" role="group" aria-label={`Install ${name}`}>
      <div className="row">
        <strong>{name}</strong>
        <span className={status.state === 'failed' ? 'error' : 'muted'}>{STATE_TEXT[status.state]}</span>
        {status.state === 'downloading' && (
          <span className="muted small">
            {formatBytes(status.receivedBytes)} / {formatBytes(status.totalBytes)}
            {status.bytesPerSecond ? ` · ${formatBytes(status.bytesPerSecond)}/s` : ''}
            {status.etaSeconds !== null ? ` · ${formatEta(status.etaSeconds)}` : ''}
          </span>
        )}
        <span className="spacer" />
        {running && (
          <button onClick={() => void api().models.cancelInstall({ installId: status.installId })}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <progress
          aria-label={`${name} progress`}
          max={1}
          {...(fraction !== undefined && status.state === 'downloading' ? { value: fraction } : {})}
        />
      )}
      {status.state === 'downloading' && status.file && <div className="muted small">{status.file}</div>}
      {status.message && (
        <div className={status.state === 'failed' ? 'error small' : 'muted small'}>{status.message}</div>
      )}
    </div>
  );
}
