import { type ImageId, type JobId, type JobKind, type JobParams } from '@contract';
import { type Project } from '../project';
import { type PriorityScheduler } from './priority-scheduler';

/** A job's parameters as stored: the contract's params of its kind, with the model always resolved. */
export type StoredJobParams<K extends JobKind> = JobParams<K> & { readonly modelId: string };

/** A job as submitted to the runner: kind and typed parameters together. */
export type StoredJobStart = {
  [K in JobKind]: { readonly kind: K; readonly params: StoredJobParams<K> };
}[JobKind];

/** What one item produced. `commit` runs inside the transaction that marks the item done. */
export type ItemOutcome =
  | { kind: 'done'; commit?: () => void }
  | { kind: 'failed'; error: string }
  /** Stop the job now (e.g. the cache budget is full): the remaining items are skipped, the job is done. */
  | { kind: 'stop'; reason: string };

export interface JobContext {
  readonly jobId: JobId;
  readonly project: Project;
  readonly scheduler: PriorityScheduler;
  readonly signal: AbortSignal;
  /** A line for the CLI's stderr / the log; not the progress bar (that comes from item counts). */
  readonly log: (message: string) => void;
  /** Something skipped that the user must hear about (shown with the job), the job going on. */
  readonly warn: (message: string) => void;
}

/** One item's worker, made by a handler once per run (also when a job resumes after a restart). */
export interface ItemProcessor {
  process(imageId: ImageId): Promise<ItemOutcome>;
  /** Called once when the run ends, however it ends (free caches, close files). */
  close?(): void;
}

/**
 * A job kind. The runner validates the stored params with the contract schema of the kind before
 * `start` sees them; `start` does the per-run setup and must be deterministic given the params and the
 * project, so that a resumed run produces the same results for the remaining items.
 */
export interface JobHandler<K extends JobKind = JobKind> {
  readonly kind: K;
  start(params: StoredJobParams<K>, ctx: JobContext): Promise<ItemProcessor>;
}

/** A handler of any kind (what the runner's handler list holds). */
export type AnyJobHandler = { [K in JobKind]: JobHandler<K> }[JobKind];
