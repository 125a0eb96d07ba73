import { useAppStore } from '../../state/app-store';

const PROVIDER_NAMES = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' } as const;

/** Model, execution provider (plainly "CPU" with the reason when a GPU was asked for), embedding, save state. */
export function StatusBar(): React.JSX.Element {
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
      <span className={`save save-${saveState}`}>
        {saveState === 'saved' ? 'All changes saved' : saveState === 'saving' ? 'Saving…' : 'Save failed'}
      </span>
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
