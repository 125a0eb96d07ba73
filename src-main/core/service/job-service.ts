import { type JobKind } from '../jobs';
import { JobRunner } from '../jobs';
import { intelligenceJobHandlers, resolveJobImages } from '../intelligence';
import { type Project } from '../project';
import { type EventHub } from './event-hub';
import { type InferenceService } from './inference-service';
import { type ProjectSession } from './project-session';

/**
 * Background jobs of the open project. One priority scheduler for the whole app, so that interactive
 * requests (clicks, prompts) always go before batch work; one runner per open project, which picks up
 * interrupted jobs when the project opens again.
 */
export class JobService {
  #runner: { project: Project; runner: JobRunner; unsubscribe: () => void } | null = null;

  constructor(
    private readonly session: ProjectSession,
    private readonly inference: InferenceService,
    private readonly events: EventHub,
  ) {
    session.onBeforeClose((project) => this.#stop(project));
  }

  runner(): JobRunner {
    const project = this.session.require();
    if (this.#runner?.project === project) return this.#runner.runner;
    // The runner passes each image through the scheduler's batch lane itself: the handlers get the raw engine.
    const { scheduler } = this.inference;
    const handlers = intelligenceJobHandlers(this.inference.rawEngine());
    const runner = new JobRunner({ project, handlers, scheduler });
    const unsubscribe = runner.onProgress((job) => this.events.emit({ kind: 'job_progress', job }));
    this.#runner = { project, runner, unsubscribe };
    runner.resumeInterrupted();
    return runner;
  }

  /** Job params default to the selected model, so the UI only names what it wants to change. */
  start(kind: JobKind, params: Record<string, unknown>) {
    const project = this.session.require();
    const full = { modelId: this.inference.modelId(), ...params };
    return this.runner().submit(kind, full, resolveJobImages(project, kind, full));
  }

  /** Stops the project's runner; its unfinished jobs stay resumable for the next time it opens. */
  async #stop(project: Project): Promise<void> {
    const current = this.#runner;
    if (!current || current.project !== project) return;
    this.#runner = null;
    current.unsubscribe();
    await current.runner.close();
  }
}
