import { type ImageId, type JobId } from '@contract';
import { type Project } from '../project';
import { type JobKind } from './job-store';
import { type PriorityScheduler } from './priority-scheduler';

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
 * A job kind. `start` validates the stored params (throwing a message naming the bad field) and does the
 * per-run setup; it must be deterministic given the params and the project, so that a resumed run
 * produces the same results for the remaining items.
 */
export interface JobHandler {
  readonly kind: JobKind;
  /** Throws a message naming the bad field; called when a job is submitted, before anything is stored. */
  validate(params: unknown): void;
  start(params: unknown, ctx: JobContext): Promise<ItemProcessor>;
}
