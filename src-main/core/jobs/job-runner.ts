import { type ImageId, type JobId, type Job, type JobKind } from '@contract';
import { ConflictError, InvalidInputError, IoError } from '../db/errors';
import { toContractJob, type JobOwner, type JobRecord, type JobsRepo } from '../db/jobs-repo';
import { type Project } from '../project';
import { DiskReserve, noRoomForJobs } from './disk-reserve';
import { JobEnds } from './job-ends';
import { EtaEstimator } from './eta';
import {
  JOB_HEARTBEAT_MS,
  JOB_LEASE_MS,
  leaseHolder,
  runningElsewhere,
  newJobOwner,
  systemClock,
  type JobClock,
} from './job-lease';
import { parseJobParams, startHandler } from './job-params';
import { LeaseLostError, processItems, type ItemLoop } from './job-items';
import { failureSummary, heldElsewhere, messageOf, takenOver, withFailures } from './job-report';
import { type AnyJobHandler, type ItemProcessor, type JobContext, type StoredJobStart } from './job-types';
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
  readonly #reserve: DiskReserve;
  readonly #items: ItemLoop;
  #stopHeartbeat: (() => void) | null = null;
  /** Set by resumeInterrupted: each heartbeat also takes over jobs whose runner has gone since. */
  #adopting = false;
  #loop: Promise<void> | null = null;
  #current: Running | null = null;
  readonly #ends: JobEnds;
  #closed = false;

  constructor(opts: JobRunnerOptions) {
    this.#project = opts.project;
    this.store = opts.project.jobs;
    this.scheduler = opts.scheduler ?? new PriorityScheduler();
    this.#log = opts.log ?? (() => {});
    this.#intervalMs = opts.progressIntervalMs ?? 100;
    this.#accept = opts.accept;
    this.#clock = opts.clock ?? systemClock;
    this.#reserve = new DiskReserve(opts.project.dir);
    this.owner = opts.owner ?? newJobOwner();
    for (const h of opts.handlers) this.#handlers.set(h.kind, h);
    this.#ends = new JobEnds(
      this.store,
      this.owner,
      this.#reserve,
      this.#clock,
      this.#project.dbFile,
      this.#log,
    );
    this.#items = {
      project: this.#project,
      store: this.store,
      owner: this.owner,
      scheduler: this.scheduler,
      log: this.#log,
    };
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
    // No room for a job to record its end: refused before anything is written.
    if (this.#reserve.ensure() === 'full')
      throw new IoError('disk_full', noRoomForJobs(this.#project.dbFile));
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
    const holder = leaseHolder(existing, this.owner, nowMs);
    if (holder === 'elsewhere') throw new ConflictError(heldElsewhere(existing), { jobId: existing.id });
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
    // A run here ends it (and emits): the item in flight still commits, nothing after it runs.
    if (this.#current?.id === jobId) this.#abortCurrent('cancelled', new Error(`job ${jobId} was cancelled`));
    else if (rec.state === 'cancelled') this.#emit(rec, true);
    return this.#toJob(rec);
  }

  /**
   * When a project opens in the app or the server: jobs whose runner has gone (its lease ran out, e.g. a
   * killed CLI) go back to the queue and the queue starts; from now on each heartbeat does the same for
   * runners that go later. Jobs a live process holds are left to it. Returns how many were taken over.
   */
  resumeInterrupted(): number {
    // A project open read-only runs no jobs: nothing to take over, no lease to write.
    if (this.#project.readOnly) return 0;
    this.#adopting = true;
    const n = this.store.releaseExpired(this.#clock.nowMs());
    this.#startHeartbeat();
    this.kick();
    return n;
  }

  /** Starts the queue if it is idle. */
  kick(): void {
    if (this.#closed || this.#loop) return;
    let stopped = false;
    this.#loop = this.#drain()
      .catch((e: unknown) => {
        stopped = true;
        this.#log(`the job queue stopped: ${messageOf(e)}`);
      })
      .finally(() => {
        this.#loop = null;
        if (stopped || this.#closed) return;
        // A job submitted while the loop was finishing must not wait for the next kick.
        try {
          if (this.#nextQueued()) this.kick();
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
    this.#abortCurrent('queued', new Error('the app is closing'));
    await this.whenIdle();
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = null;
    this.#reserve.release();
    if (this.#project.readOnly) return;
    try {
      for (const rec of this.#ends.saveUnsaved()) this.#emit(rec, true);
      this.store.letGo(this.owner);
    } catch (e) {
      // Unwritable now (full disk): the leases run out by themselves.
      this.#log(`could not let go of this process's jobs: ${messageOf(e)}`);
    }
  }

  #abortCurrent(as: Running['abortAs'], reason: Error): void {
    if (!this.#current) return;
    this.#current.abortAs = as;
    this.#current.controller.abort(reason);
  }

  #startHeartbeat(): void {
    if (this.#stopHeartbeat || this.#closed) return;
    this.#stopHeartbeat = this.#clock.every(JOB_HEARTBEAT_MS, () => this.#heartbeat());
  }

  /** Renews this runner's leases, stops a run whose job was cancelled or taken over elsewhere, adopts orphans. */
  #heartbeat(): void {
    try {
      const nowMs = this.#clock.nowMs();
      for (const rec of this.#ends.saveUnsaved()) this.#emit(rec, true);
      this.store.renewLeases(this.owner, nowMs + JOB_LEASE_MS);
      const rec = this.#current && this.store.get(this.#current.id);
      if (rec && rec.owner?.id !== this.owner.id)
        this.#abortCurrent('lost', new LeaseLostError(takenOver(rec)));
      else if (rec?.state === 'cancelled')
        this.#abortCurrent('cancelled', new Error(`job ${rec.id} was cancelled`));
      if (this.#adopting && !this.#closed && this.store.releaseExpired(nowMs) > 0) this.kick();
    } catch (e) {
      // A full disk or a lock: the next beat tries again (the lease outlasts several beats).
      this.#log(`job leases could not be renewed: ${messageOf(e)}`);
    }
  }

  /** The next queued job this runner may take, other than those it could not start (and `passed`). */
  #nextQueued(passed?: ReadonlySet<JobId>): JobRecord | undefined {
    return this.store.nextQueued(
      this.owner,
      this.#clock.nowMs(),
      (j) => !this.#ends.has(j.id) && !passed?.has(j.id) && (this.#accept?.(j) ?? true),
    );
  }

  async #drain(): Promise<void> {
    const passed = new Set<JobId>();
    for (;;) {
      if (this.#closed) return;
      const job = this.#nextQueued(passed);
      if (!job) return;
      passed.add(job.id);
      const nowMs = this.#clock.nowMs();
      let claimed: boolean;
      try {
        // A job that could not record its end must not start: it would stay 'running' with no reason.
        if (this.#reserve.ensure() === 'full') {
          this.#emit(
            this.store.failQueued(job.id, this.owner, noRoomForJobs(this.#project.dbFile), nowMs),
            true,
          );
          continue;
        }
        claimed = this.store.claim(job.id, this.owner, nowMs, nowMs + JOB_LEASE_MS);
      } catch (e) {
        // Unwritable project (full disk): the job cannot even start; it stays queued in the file.
        this.#ends.couldNotStart(job.id, e);
        this.#emit(job, true);
        continue;
      }
      // Another process may claim it between the read and here: then it is theirs.
      if (!claimed) continue;
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
      warn: (message) => {
        this.#log(`job ${job.id}: ${message}`);
        this.#emit(this.store.addWarning(job.id, message), true);
      },
    };
    let processor: ItemProcessor | undefined;
    try {
      processor = await startHandler(handler, job.params, ctx);
      const stopReason = await processItems(this.#items, job.id, processor, signal, () => {
        running.eta.tick();
        this.#emit(this.store.get(job.id), false);
      });
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

  #finish(jobId: JobId, state: 'done' | 'failed' | 'cancelled' | 'queued', error: string | null): void {
    this.#emit(this.#ends.write(jobId, state, error), true);
  }

  #holds(jobId: JobId): boolean {
    try {
      return this.store.get(jobId).owner?.id === this.owner.id;
    } catch {
      return true;
    }
  }

  #toJob(stored: JobRecord): Job {
    const rec = this.#ends.overlay(stored);
    const running = this.#current?.id === rec.id && rec.state === 'running' ? this.#current : null;
    const job = toContractJob(rec, running ? running.eta.etaMs(rec.total - rec.done) : null);
    return { ...job, ...runningElsewhere(rec, this.owner, this.#clock.nowMs()) };
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
