import { useAppStore } from '../../state/app-store';

const PROVIDER_NAMES = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' } as const;

/**
 * Model, execution provider (plainly "CPU" with the reason when a GPU was asked for), embedding, and the
 * save state: a failed save says why, keeps retrying on its own, and offers to retry now.
 */
export function StatusBar({ onRetry }: { readonly onRetry: () => void }): React.JSX.Element {
  const model = useAppStore((s) => s.model);
  const embedding = useAppStore((s) => s.embedding);
  const saveState = useAppStore((s) => s.saveState);
  const notice = useAppStore((s) => s.notice);
  const provider = model?.provider;
  return (
    <footer className="status-bar" aria-label="Status">
      <span title="Model">{model?.name ?? 'no model'}</span>
      {provider && (
        <span
          title={provider.fallbackReason ?? 'Execution provider'}
          className={provider.fallbackReason ? 'warn' : ''}
        >
          {PROVIDER_NAMES[provider.active]}
          {provider.fallbackReason &&
            ` (asked for ${PROVIDER_NAMES[provider.requested]}: ${provider.fallbackReason})`}
        </span>
      )}
      {embedding && (
        <span>
          {embedding.state === 'running'
            ? 'Embedding image…'
            : embedding.state === 'done'
              ? 'Embedding ready'
              : 'Embedding failed'}
        </span>
      )}
      {saveState.kind === 'error' ? (
        <span className="save save-error" role="alert">
          Not saved yet — {saveState.message}. Your edits are kept and saving is retried.{' '}
          <button className="link small" onClick={onRetry}>
            Retry now
          </button>
        </span>
      ) : (
        <span className={`save save-${saveState.kind}`}>
          {saveState.kind === 'saved' ? 'All changes saved' : 'Saving…'}
        </span>
      )}
      {notice && (
        <span
          role={notice.kind === 'error' ? 'alert' : 'status'}
          className={notice.kind === 'error' ? 'error' : ''}
        >
          {notice.text}
        </span>
      )}
    </footer>
  );
}
