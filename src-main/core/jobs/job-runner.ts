import { type ImageId, type JobId, type Job, type JobKind } from '@contract';
import { InvalidInputError } from '../db/errors';
import { type Project } from '../project';
import { EtaEstimator } from './eta';
import { toContractJob, type JobRecord, type JobsRepo } from '../db/jobs-repo';
import { parseJobParams, startHandler } from './job-params';
import {
  type AnyJobHandler,
  type ItemOutcome,
  type ItemProcessor,
  type JobContext,
  type StoredJobStart,
} from './job-types';
import { PriorityScheduler } from './priority-scheduler';

export interface JobRunnerOptions {
  readonly project: Project;
  readonly handlers: readonly AnyJobHandler[];
  /** Shared with the interactive paths, so that they jump ahead of batch work. */
  readonly scheduler?: PriorityScheduler;
  readonly log?: (message: string) => void;
  /** At most one progress event per job per interval (state changes always go out). */
  readonly progressIntervalMs?: number;
  /** Which queued jobs this runner takes (the CLI runs only its own job); default all. */
  readonly accept?: (job: JobRecord) => boolean;
}

type ProgressListener = (job: Job) => void;

interface Running {
  readonly id: JobId;
  readonly controller: AbortController;
  readonly eta: EtaEstimator;
  /** What an abort means: the user cancelled, or the app is closing (then the job resumes next time). */
  abortAs: 'cancelled' | 'queued';
  lastEmitMs: number;
}

/**
 * Runs the persisted job queue, one job at a time, item by item. Progress goes to listeners as the
 * contract's Job (with an ETA), cancel aborts the running item, and `resumeInterrupted` puts jobs that a
 * crash or quit left `running` back in the queue: their finished items are skipped.
 */
export class JobRunner {
  readonly store: JobsRepo;
  readonly scheduler: PriorityScheduler;
  readonly #project: Project;
  readonly #handlers = new Map<JobKind, AnyJobHandler>();
  readonly #listeners = new Set<ProgressListener>();
  readonly #log: (message: string) => void;
  readonly #intervalMs: number;
  readonly #accept: ((job: JobRecord) => boolean) | undefined;
  #loop: Promise<void> | null = null;
  #current: Running | null = null;
  #closed = false;

  constructor(opts: JobRunnerOptions) {
    this.#project = opts.project;
    this.store = opts.project.jobs;
    this.scheduler = opts.scheduler ?? new PriorityScheduler();
    this.#log = opts.log ?? (() => {});
    this.#intervalMs = opts.progressIntervalMs ?? 100;
    this.#accept = opts.accept;
    for (const h of opts.handlers) this.#handlers.set(h.kind, h);
  }

  /** Subscribes to progress; returns the unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates, persists and queues a job; it starts as soon as the jobs before it are finished. */
  submit(start: StoredJobStart, imageIds: readonly ImageId[]): Job {
    if (this.#closed) throw new Error('the job runner is closed');
    const { kind } = start;
    if (!this.#handlers.has(kind))
      throw new InvalidInputError('kind', `no handler for job kind "${kind}" is registered`);
    const params = parseJobParams(kind, start.params);
    const rec = this.store.create(kind, params, imageIds);
    this.#emit(rec, true);
    this.kick();
    return toContractJob(rec);
  }

  /**
   * Resumes the unfinished job of this kind with the same params if there is one (a command run again
   * after a crash), else submits a new one. Returns the job and whether it was resumed.
   */
  submitOrResume(start: StoredJobStart, imageIds: readonly ImageId[]): { job: Job; resumed: boolean } {
    const existing = this.store.findUnfinished(start.kind, parseJobParams(start.kind, start.params));
    if (!existing) return { job: this.submit(start, imageIds), resumed: false };
    if (existing.state === 'running' && this.#current?.id !== existing.id)
      this.store.setState(existing.id, 'queued');
    this.kick();
    return { job: this.get(existing.id), resumed: true };
  }

  get(jobId: JobId): Job {
    return this.#toJob(this.store.get(jobId));
  }

  list(limit = 100): Job[] {
    return this.store.list(limit).map((r) => this.#toJob(r));
  }

  /** Cancels a queued or running job (a finished one is returned unchanged). */
  cancel(jobId: JobId): Job {
    const rec = this.store.get(jobId);
    if (this.#current?.id === jobId) {
      this.#current.abortAs = 'cancelled';
      this.#current.controller.abort(new Error(`job ${jobId} was cancelled`));
      return this.#toJob(this.store.setState(jobId, 'cancelled'));
    }
    if (rec.state !== 'queued' && rec.state !== 'running') return this.#toJob(rec);
    const next = this.store.setState(jobId, 'cancelled');
    this.#emit(next, true);
    return this.#toJob(next);
  }

  /** After an app start: jobs left running go back to the queue, and the queue starts. */
  resumeInterrupted(): number {
    const n = this.store.requeueInterrupted();
    this.kick();
    return n;
  }

  /** Starts the queue if it is idle. */
  kick(): void {
    if (this.#closed || this.#loop) return;
    this.#loop = this.#drain()
      .catch((e: unknown) => this.#log(`the job queue stopped: ${messageOf(e)}`))
      .finally(() => {
        this.#loop = null;
        // A job submitted while the loop was finishing must not wait for the next kick.
        try {
          if (!this.#closed && this.store.nextQueued(this.#accept)) this.kick();
        } catch (e) {
          this.#log(`the job queue stopped: ${messageOf(e)}`);
        }
      });
  }

  /** Resolves when the queue is empty (tests, the CLI). */
  async whenIdle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  /** Runs the queue until it is idle and returns the job as it ended (queued again if the runner closed). */
  async runToEnd(jobId: JobId): Promise<Job> {
    this.kick();
    await this.whenIdle();
    return this.get(jobId);
  }

  /** Stops the running job so that it resumes on the next start, and waits for it. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#current) {
      this.#current.abortAs = 'queued';
      this.#current.controller.abort(new Error('the app is closing'));
    }
    await this.whenIdle();
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const job = this.store.nextQueued(this.#accept);
      if (!job) return;
      await this.#run(job);
    }
  }

  async #run(job: JobRecord): Promise<void> {
    const handler = this.#handlers.get(job.kind);
    if (!handler) {
      this.#emit(this.store.setState(job.id, 'failed', `no handler for job kind "${job.kind}"`), true);
      return;
    }
    const running: Running = {
      id: job.id,
      controller: new AbortController(),
      eta: new EtaEstimator(),
      abortAs: 'cancelled',
      lastEmitMs: 0,
    };
    this.#current = running;
    const { signal } = running.controller;
    this.#emit(this.store.setState(job.id, 'running'), true);
    const ctx: JobContext = {
      jobId: job.id,
      project: this.#project,
      scheduler: this.scheduler,
      signal,
      log: this.#log,
      warn: (message) => {
        this.#log(`job ${job.id}: ${message}`);
        this.#emit(this.store.addWarning(job.id, message), true);
      },
    };
    let processor: ItemProcessor | undefined;
    try {
      processor = await startHandler(handler, job.params, ctx);
      const stopReason = await this.#processItems(job.id, processor, running);
      const rec = this.store.get(job.id);
      const failure = rec.failed > 0 ? this.store.firstFailure(job.id) : undefined;
      const error =
        stopReason ??
        (failure
          ? `${rec.failed} of ${rec.total} images failed; image ${failure.imageId}: ${failure.error}`
          : null);
      this.#emit(this.store.setState(job.id, 'done', error), true);
    } catch (e) {
      const state = signal.aborted ? running.abortAs : 'failed';
      this.#emit(this.store.setState(job.id, state, state === 'failed' ? messageOf(e) : null), true);
    } finally {
      processor?.close?.();
      this.#current = null;
    }
  }

  /** Returns the stop reason when a processor stopped the job early. */
  async #processItems(jobId: JobId, processor: ItemProcessor, running: Running): Promise<string | undefined> {
    const { signal } = running.controller;
    let after = 0;
    for (;;) {
      const page = this.store.pendingItems(jobId, after);
      if (page.length === 0) return undefined;
      for (const imageId of page) {
        after = imageId;
        signal.throwIfAborted();
        await this.scheduler.yieldToInteractive(signal);
        const outcome = await this.#processOne(processor, imageId, signal);
        switch (outcome.kind) {
          case 'done':
            this.store.completeItem(jobId, imageId, outcome.commit);
            break;
          case 'failed':
            this.store.failItem(jobId, imageId, outcome.error);
            this.#log(`job ${jobId}: image ${imageId} failed: ${outcome.error}`);
            break;
          case 'stop':
            this.store.skipPending(jobId, outcome.reason);
            return outcome.reason;
        }
        running.eta.tick();
        this.#emit(this.store.get(jobId), false);
      }
    }
  }

  async #processOne(processor: ItemProcessor, imageId: ImageId, signal: AbortSignal): Promise<ItemOutcome> {
    try {
      return await processor.process(imageId);
    } catch (e) {
      if (signal.aborted) throw e;
      return { kind: 'failed', error: messageOf(e) };
    }
  }

  #toJob(rec: JobRecord): Job {
    const running = this.#current?.id === rec.id && rec.state === 'running' ? this.#current : null;
    return toContractJob(rec, running ? running.eta.etaMs(rec.total - rec.done) : null);
  }

  #emit(rec: JobRecord, force: boolean): void {
    const running = this.#current?.id === rec.id ? this.#current : null;
    const now = Date.now();
    if (!force && running && now - running.lastEmitMs < this.#intervalMs && rec.done < rec.total) return;
    if (running) running.lastEmitMs = now;
    const job = this.#toJob(rec);
    for (const l of this.#listeners) {
      try {
        l(job);
      } catch (e) {
        this.#log(`a job progress listener threw: ${messageOf(e)}`);
      }
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
