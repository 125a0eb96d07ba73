import { type ImageId, type JobId, type Job, type JobKind } from '@contract';
import { ConflictError, InvalidInputError, translateSqliteError } from '../db/errors';
import { toContractJob, type JobOwner, type JobRecord, type JobsRepo } from '../db/jobs-repo';
import { type Project } from '../project';
import { EtaEstimator } from './eta';
import {
  JOB_HEARTBEAT_MS,
  JOB_LEASE_MS,
  leaseHolder,
  newJobOwner,
  systemClock,
  type JobClock,
} from './job-lease';
import { parseJobParams, startHandler } from './job-params';
import { failureSummary, projectWriteFailure, stoppedAt, withFailures } from './job-report';
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
  /** Time for leases and the heartbeat (default: the system's; tests move a manual clock). */
  readonly clock?: JobClock;
  /** This runner as the holder of its jobs (default: a fresh owner of this process). */
  readonly owner?: JobOwner;
}

type ProgressListener = (job: Job) => void;

interface Running {
  readonly id: JobId;
  readonly controller: AbortController;
  readonly eta: EtaEstimator;
  /**
   * What an abort means: the user cancelled; the app is closing (the job is let go, to resume next time);
   * or another process took the job over after this runner's lease ran out (nothing more is written).
   */
  abortAs: 'cancelled' | 'queued' | 'lost';
  lastEmitMs: number;
}

/** Thrown inside a run when its job turned out to be held by another runner: this one stops writing. */
class LeaseLostError extends Error {}

/**
 * Runs the persisted job queue, one job at a time, item by item. Each job it takes is leased to it (see
 * job-lease.ts) and a heartbeat renews the lease while the runner lives, so a second process never
 * computes the same job; `resumeInterrupted` takes over jobs whose runner died (lease run out), and a
 * resumed job skips its finished items. Progress goes to listeners as the contract's Job (with an ETA);
 * cancel aborts the running item.
 */
export class JobRunner {
  readonly store: JobsRepo;
  readonly scheduler: PriorityScheduler;
  readonly owner: JobOwner;
  readonly #project: Project;
  readonly #handlers = new Map<JobKind, AnyJobHandler>();
  readonly #listeners = new Set<ProgressListener>();
  readonly #log: (message: string) => void;
  readonly #intervalMs: number;
  readonly #accept: ((job: JobRecord) => boolean) | undefined;
  readonly #clock: JobClock;
  #stopHeartbeat: (() => void) | null = null;
  /** Set by resumeInterrupted: each heartbeat also takes over jobs whose runner has gone since. */
  #adopting = false;
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
    this.#clock = opts.clock ?? systemClock;
    this.owner = opts.owner ?? newJobOwner();
    for (const h of opts.handlers) this.#handlers.set(h.kind, h);
  }

  /** Subscribes to progress; returns the unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates, persists and queues a job, held by this runner; it starts when the jobs before it are done. */
  submit(start: StoredJobStart, imageIds: readonly ImageId[]): Job {
    if (this.#closed) throw new Error('the job runner is closed');
    const { kind } = start;
    if (!this.#handlers.has(kind))
      throw new InvalidInputError('kind', `no handler for job kind "${kind}" is registered`);
    const params = parseJobParams(kind, start.params);
    const nowMs = this.#clock.nowMs();
    const rec = this.store.create(kind, params, imageIds, {
      owner: this.owner,
      untilMs: nowMs + JOB_LEASE_MS,
      nowMs,
    });
    this.#startHeartbeat();
    this.#emit(rec, true);
    this.kick();
    return this.#toJob(rec);
  }

  /**
   * Resumes the unfinished job of this kind with the same params if there is one (a command run again
   * after a crash), else submits a new one. Returns the job and whether it was resumed. A job that another
   * live process holds is refused (conflict): it runs there, and is not computed twice.
   */
  submitOrResume(start: StoredJobStart, imageIds: readonly ImageId[]): { job: Job; resumed: boolean } {
    const existing = this.store.findUnfinished(start.kind, parseJobParams(start.kind, start.params));
    if (!existing) return { job: this.submit(start, imageIds), resumed: false };
    const nowMs = this.#clock.nowMs();
    const holder = leaseHolder(existing.owner, existing.leaseExpiresAtMs, this.owner, nowMs);
    if (holder === 'elsewhere' && existing.owner) {
      const { pid, host } = existing.owner;
      throw new ConflictError(
        `job ${existing.id} (${existing.kind}) is ${existing.state} in another process (pid ${pid} on ${host}), ${existing.done}/${existing.total} done: it is not computed twice; wait for it, or stop that process (its job is taken over ${JOB_LEASE_MS / 1000} s after it stops)`,
        { jobId: existing.id, pid, host },
      );
    }
    if (holder === 'none') this.store.releaseIfExpired(existing.id, nowMs);
    this.#startHeartbeat();
    this.kick();
    return { job: this.get(existing.id), resumed: true };
  }

  get(jobId: JobId): Job {
    return this.#toJob(this.store.get(jobId));
  }

  list(limit = 100): Job[] {
    return this.store.list(limit).map((r) => this.#toJob(r));
  }

  /** Cancels a queued or running job, here or in another process (a finished one is returned unchanged). */
  cancel(jobId: JobId): Job {
    const rec = this.store.cancel(jobId, this.#clock.nowMs());
    if (this.#current?.id === jobId) {
      // The run ends it (and emits): the item in flight still commits, nothing after it runs.
      this.#current.abortAs = 'cancelled';
      this.#current.controller.abort(new Error(`job ${jobId} was cancelled`));
      return this.#toJob(rec);
    }
    if (rec.state === 'cancelled') this.#emit(rec, true);
    return this.#toJob(rec);
  }

  /**
   * When a project opens in the app or the server: jobs whose runner has gone (its lease ran out, e.g. a
   * killed CLI) go back to the queue and the queue starts; from now on each heartbeat does the same for
   * runners that go later. Jobs a live process holds are left to it. Returns how many were taken over.
   */
  resumeInterrupted(): number {
    this.#adopting = true;
    const n = this.store.releaseExpired(this.#clock.nowMs());
    this.#startHeartbeat();
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
          if (!this.#closed && this.store.nextQueued(this.owner, this.#clock.nowMs(), this.#accept))
            this.kick();
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

  /** Stops the running job and lets go of this runner's jobs, so that they resume on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#current) {
      this.#current.abortAs = 'queued';
      this.#current.controller.abort(new Error('the app is closing'));
    }
    await this.whenIdle();
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = null;
    try {
      this.store.letGo(this.owner);
    } catch (e) {
      // Unwritable now (full disk): the leases run out by themselves.
      this.#log(`could not let go of this process's jobs: ${messageOf(e)}`);
    }
  }

  #startHeartbeat(): void {
    if (this.#stopHeartbeat || this.#closed) return;
    this.#stopHeartbeat = this.#clock.every(JOB_HEARTBEAT_MS, () => this.#heartbeat());
  }

  /** Renews this runner's leases, stops a run whose job was cancelled or taken over elsewhere, adopts orphans. */
  #heartbeat(): void {
    try {
      const nowMs = this.#clock.nowMs();
      this.store.renewLeases(this.owner, nowMs + JOB_LEASE_MS);
      const current = this.#current;
      if (current) {
        const rec = this.store.get(current.id);
        if (rec.owner?.id !== this.owner.id) {
          current.abortAs = 'lost';
          current.controller.abort(new LeaseLostError(takenOver(rec)));
        } else if (rec.state === 'cancelled') {
          current.abortAs = 'cancelled';
          current.controller.abort(new Error(`job ${rec.id} was cancelled`));
        }
      }
      if (this.#adopting && !this.#closed && this.store.releaseExpired(nowMs) > 0) this.kick();
    } catch (e) {
      // A full disk or a lock: the next beat tries again (the lease outlasts several beats).
      this.#log(`job leases could not be renewed: ${messageOf(e)}`);
    }
  }

  async #drain(): Promise<void> {
    const passed = new Set<JobId>();
    for (;;) {
      if (this.#closed) return;
      const nowMs = this.#clock.nowMs();
      const job = this.store.nextQueued(
        this.owner,
        nowMs,
        (j) => !passed.has(j.id) && (this.#accept?.(j) ?? true),
      );
      if (!job) return;
      // Another process may claim it between the read and here: then it is theirs.
      if (!this.store.claim(job.id, this.owner, nowMs, nowMs + JOB_LEASE_MS)) {
        passed.add(job.id);
        continue;
      }
      this.#startHeartbeat();
      await this.#run(this.store.get(job.id));
    }
  }

  async #run(job: JobRecord): Promise<void> {
    const handler = this.#handlers.get(job.kind);
    if (!handler) {
      this.#finish(job.id, 'failed', `no handler for job kind "${job.kind}"`);
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
    this.#emit(job, true);
    const ctx: JobContext = {
      jobId: job.id,
      project: this.#project,
      scheduler: this.scheduler,
      signal,
      log: this.#log,
    };
    let processor: ItemProcessor | undefined;
    try {
      processor = await startHandler(handler, job.params, ctx);
      const stopReason = await this.#processItems(job.id, processor, running);
      const rec = this.store.get(job.id);
      const failures = rec.failed > 0 ? this.store.failures(job.id, 5) : [];
      this.#finish(job.id, 'done', withFailures(stopReason, failureSummary(rec, failures)));
    } catch (e) {
      if (e instanceof LeaseLostError || running.abortAs === 'lost' || !this.#holds(job.id)) {
        this.#log(e instanceof LeaseLostError ? e.message : takenOver(this.store.get(job.id)));
        this.#emit(this.store.get(job.id), true);
      } else if (signal.aborted) {
        this.#finish(job.id, running.abortAs, null);
      } else {
        this.#finish(job.id, 'failed', messageOf(e));
      }
    } finally {
      processor?.close?.();
      this.#current = null;
    }
  }

  /** Writes how the run ended (if this runner still holds the job) and tells the listeners. */
  #finish(jobId: JobId, state: 'done' | 'failed' | 'cancelled' | 'queued', error: string | null): void {
    this.#emit(this.store.finish(jobId, this.owner, state, error, this.#clock.nowMs()), true);
  }

  #holds(jobId: JobId): boolean {
    try {
      return this.store.get(jobId).owner?.id === this.owner.id;
    } catch {
      return true;
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
        const outcome = await this.#processOne(processor, jobId, imageId, signal);
        let written: 'written' | 'already' | 'lost';
        switch (outcome.kind) {
          case 'done':
            written = this.store.completeItem(jobId, imageId, this.owner, outcome.commit);
            break;
          case 'failed':
            written = this.store.failItem(jobId, imageId, this.owner, outcome.error);
            this.#log(`job ${jobId}: ${this.#imageName(imageId)} failed: ${outcome.error}`);
            break;
          case 'stop':
            this.store.skipPending(jobId, outcome.reason);
            return outcome.reason;
        }
        if (written === 'lost') throw new LeaseLostError(takenOver(this.store.get(jobId)));
        running.eta.tick();
        this.#emit(this.store.get(jobId), false);
      }
    }
  }

  /**
   * One item. A failure of that image is the item's; a failure to write the project (full disk, read-only,
   * damaged file) stops the whole job, failed with that reason: every later item would fail the same way.
   */
  async #processOne(
    processor: ItemProcessor,
    jobId: JobId,
    imageId: ImageId,
    signal: AbortSignal,
  ): Promise<ItemOutcome> {
    try {
      return await processor.process(imageId);
    } catch (e) {
      if (signal.aborted) throw e;
      const fatal = projectWriteFailure(translateSqliteError(e, this.#project.dbFile));
      if (fatal) throw new Error(stoppedAt(this.store.get(jobId), this.#imageName(imageId), fatal));
      return { kind: 'failed', error: messageOf(e) };
    }
  }

  #imageName(imageId: ImageId): string {
    const name = this.#project.images.tryGet(imageId)?.name;
    return name === undefined ? `image ${imageId}` : `${name} (image ${imageId})`;
  }

  #toJob(rec: JobRecord): Job {
    const running = this.#current?.id === rec.id && rec.state === 'running' ? this.#current : null;
    const job = toContractJob(rec, running ? running.eta.etaMs(rec.total - rec.done) : null);
    const holder = leaseHolder(rec.owner, rec.leaseExpiresAtMs, this.owner, this.#clock.nowMs());
    return holder === 'elsewhere' && rec.owner
      ? { ...job, runningElsewhere: { pid: rec.owner.pid, host: rec.owner.host } }
      : job;
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

function takenOver(rec: JobRecord): string {
  const by = rec.owner ? `pid ${rec.owner.pid} on ${rec.owner.host}` : 'another process';
  return `job ${rec.id} was taken over by ${by} after this process's lease ran out: it stops here`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
