import { type Job, type JobFailure, type JobRunReport, type JobStart, type MethodOutput } from '@contract';
import { AppError } from '../errors';
import { JobRunner } from '../jobs';
import { runningElsewhere, systemClock, type JobClock } from '../jobs/job-lease';
import { parseJobParams } from '../jobs/job-params';
import { type StoredJobStart } from '../jobs/job-types';
import {
  cacheStatus,
  intelligenceJobHandlers,
  propagationSplit,
  resolveJobImages,
  specOf,
} from '../intelligence';
import { type Project } from '../project';
import { type EventHub } from './event-hub';
import { type InferenceService } from './inference-service';
import { type ProjectSession } from './project-session';

export interface JobServiceOptions {
  /** Time for job leases (tests move a manual clock); the system's by default. */
  readonly clock?: JobClock;
  /**
   * Run only the jobs this process asked for, and leave interrupted ones alone (the CLI: jobs the app
   * queued in the project stay for the app). Otherwise the runner takes the whole queue and resumes
   * interrupted jobs when the project opens.
   */
  readonly ownJobsOnly: boolean;
}

interface ProjectRunner {
  readonly project: Project;
  readonly runner: JobRunner;
  /** kind + params of the jobs this process asked for (ownJobsOnly). */
  readonly claimed: Set<string>;
  readonly unsubscribe: () => void;
}

/** How a foreground job ended, with the images it could not process (for the run reports). */
interface ForegroundRun {
  readonly job: Job;
  readonly resumed: boolean;
  readonly failed: number;
  readonly failedImages: JobFailure[];
}

const claimKey = (kind: string, params: unknown): string => `${kind}:${JSON.stringify(params)}`;

/**
 * Background jobs of the open project. One priority scheduler for the whole app, so that interactive
 * requests (clicks, prompts) always go before batch work; one runner per open project.
 */
export class JobService {
  #current: ProjectRunner | null = null;
  /** Foreground runs still reporting: the project must not close under them. */
  readonly #foreground = new Set<Promise<unknown>>();

  constructor(
    private readonly session: ProjectSession,
    private readonly inference: InferenceService,
    private readonly events: EventHub,
    private readonly options: JobServiceOptions,
  ) {
    session.onBeforeClose((project) => this.#stop(project));
  }

  runner(): JobRunner {
    return this.#projectRunner().runner;
  }

  /** Queues a job; it runs in the background. */
  async start(start: JobStart): Promise<Job> {
    const project = this.session.require();
    const stored = await this.#resolve(project, start);
    const { runner, claimed } = this.#projectRunner();
    claimed.add(claimKey(stored.kind, stored.params));
    return runner.submit(stored, resolveJobImages(project, stored));
  }

  /** Runs a job to its end in the foreground (resuming the same unfinished job) and reports on it. */
  run(start: JobStart): Promise<JobRunReport> {
    const running = this.#run(start);
    this.#foreground.add(running);
    void running.finally(() => this.#foreground.delete(running)).catch(() => undefined);
    return running;
  }

  async #run(start: JobStart): Promise<JobRunReport> {
    const project = this.session.require();
    const stored = await this.#resolve(project, start);
    switch (stored.kind) {
      case 'embed': {
        const t0 = performance.now();
        const spec = specOf(stored.params);
        const p = this.inference.providerStatus();
        this.#log(
          `embedding with model "${spec.modelId}" on ${p.active}${p.fallbackReason ? ` (fallback from ${p.requested}: ${p.fallbackReason})` : ''}`,
        );
        const alreadyCached = cacheStatus(project, spec).cached.length;
        const ran = await this.#runToEnd(project, stored);
        return {
          model: spec.modelId,
          provider: this.inference.providerStatus(),
          resolution: spec.resolution === undefined ? 'default' : String(spec.resolution),
          images: project.images.count(),
          embedded: ran.job.done - ran.failed,
          cached: alreadyCached,
          ...ran,
          seconds: Math.round(performance.now() - t0) / 1000,
        };
      }
      case 'auto_label': {
        const { proposals } = project;
        const before = proposals.counts().pending;
        const ran = await this.#runToEnd(project, stored);
        const queue = proposals.reviewQueue();
        return {
          ...ran,
          model: stored.params.modelId,
          proposalsAdded: proposals.counts().pending - before,
          review: { images: queue.length, proposals: queue.reduce((n, q) => n + q.pending, 0) },
          firstImageToReview: queue[0]?.imageId ?? null,
        };
      }
      case 'propagate': {
        const label = project.labels.get(stored.params.labelId);
        const { exemplars, targets } = propagationSplit(project, label.id);
        const { proposals } = project;
        const before = proposals.counts().pending;
        const ran = await this.#runToEnd(project, stored);
        return {
          ...ran,
          label: { id: label.id, name: label.name },
          exemplarImages: exemplars.length,
          targetImages: targets.length,
          proposalsAdded: proposals.counts().pending - before,
        };
      }
    }
  }

  /** Stored jobs, newest first, with their params and item counts (no runner needed). */
  history(limit: number): MethodOutput<'jobs', 'history'> {
    const project = this.session.require();
    const store = project.jobs;
    const self = this.#current?.project === project ? this.#current.runner.owner : null;
    const nowMs = (this.options.clock ?? systemClock).nowMs();
    return store.list(limit).map((r) => ({
      id: r.id,
      kind: r.kind,
      state: r.state,
      done: r.done,
      total: r.total,
      failed: r.failed,
      error: r.error,
      params: r.params,
      items: store.itemCounts(r.id),
      createdAt: new Date(r.createdAtMs).toISOString(),
      finishedAt: r.finishedAtMs === null ? null : new Date(r.finishedAtMs).toISOString(),
      ...runningElsewhere(r, self, nowMs),
    }));
  }

  async #runToEnd(project: Project, stored: StoredJobStart): Promise<ForegroundRun> {
    const { runner, claimed } = this.#projectRunner();
    claimed.add(claimKey(stored.kind, stored.params));
    const { job, resumed } = runner.submitOrResume(stored, resolveJobImages(project, stored));
    if (resumed) this.#log(`resuming job ${job.id} (${job.done}/${job.total} already done)`);
    const ended = await runner.runToEnd(job.id);
    // The runner stopped before the job ended (the project is closing: Ctrl-C in the CLI, another project
    // opened): the job stays queued and resumes when the same job is asked for again.
    if (ended.runningElsewhere) {
      const { pid, host } = ended.runningElsewhere;
      throw new AppError(
        'conflict',
        `job ${ended.id} (${ended.kind}) was taken over by another process (pid ${pid} on ${host}) at ${ended.done}/${ended.total}: it finishes there`,
      );
    }
    if (ended.state === 'queued' || ended.state === 'running') {
      throw new AppError(
        'cancelled',
        `job ${ended.id} (${ended.kind}) was interrupted at ${ended.done}/${ended.total}: run it again to resume`,
      );
    }
    const { failed } = project.jobs.get(ended.id);
    return { job: ended, resumed, failed, failedImages: failed > 0 ? project.jobs.failures(ended.id) : [] };
  }

  /**
   * The params in their stored form (the selected model filled in, keys in schema order, so that the same
   * request always finds the same job), the model checked against the installed bundles; propagation
   * needs examples.
   */
  async #resolve(project: Project, start: JobStart): Promise<StoredJobStart> {
    const modelId = start.params.modelId ?? this.inference.modelId();
    await this.inference.requireModel(modelId, 'params.modelId');
    switch (start.kind) {
      case 'embed':
        return { kind: start.kind, params: parseJobParams(start.kind, { ...start.params, modelId }) };
      case 'auto_label':
        return { kind: start.kind, params: parseJobParams(start.kind, { ...start.params, modelId }) };
      case 'propagate': {
        const label = project.labels.get(start.params.labelId);
        if (propagationSplit(project, label.id).exemplars.length === 0) {
          throw new AppError(
            'invalid_input',
            `label "${label.name}" has no annotations yet: label a few examples, then propagate`,
            { field: 'params.labelId' },
          );
        }
        return { kind: start.kind, params: parseJobParams(start.kind, { ...start.params, modelId }) };
      }
    }
  }

  #projectRunner(): ProjectRunner {
    const project = this.session.require();
    if (this.#current?.project === project) return this.#current;
    // The runner passes each image through the scheduler's batch lane itself: the handlers get the raw engine.
    const claimed = new Set<string>();
    const runner = new JobRunner({
      project,
      handlers: intelligenceJobHandlers(this.inference.rawEngine()),
      scheduler: this.inference.scheduler,
      log: (message) => this.#log(message),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(this.options.ownJobsOnly ? { accept: (job) => claimed.has(claimKey(job.kind, job.params)) } : {}),
    });
    const unsubscribe = runner.onProgress((job) => this.events.emit({ kind: 'job_progress', job }));
    this.#current = { project, runner, claimed, unsubscribe };
    if (!this.options.ownJobsOnly) runner.resumeInterrupted();
    return this.#current;
  }

  #log(message: string): void {
    this.events.emit({ kind: 'job_log', message });
  }

  /** Stops the project's runner; its unfinished jobs stay resumable for the next time it opens. */
  async #stop(project: Project): Promise<void> {
    const current = this.#current;
    if (!current || current.project !== project) return;
    this.#current = null;
    current.unsubscribe();
    await current.runner.close();
    await Promise.allSettled(this.#foreground);
  }
}
