import { type EventHub } from './event-hub';

export interface TransferStep {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

/**
 * Progress of an import or export as `transfer_progress` events: ~10 a second at most (one per file would
 * flood the socket on big projects), and always the last step.
 */
export function transferProgress(events: EventHub): (step: TransferStep) => void {
  let lastMs = 0;
  return (step) => {
    const now = Date.now();
    if (now - lastMs < 100 && step.done < step.total) return;
    lastMs = now;
    events.emit({ kind: 'transfer_progress', ...step });
  };
}
