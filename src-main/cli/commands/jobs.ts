import { type ImageId, type Job } from '@contract';
import { createInferenceEngine, parseProvider, type InferenceEngine } from '../../core/inference';
import { autoLabelHandler } from '../../core/intelligence/auto-label';
import { type EmbeddingSpec } from '../../core/intelligence/embeddings';
import { precomputeHandler } from '../../core/intelligence/precompute';
import { propagateHandler } from '../../core/intelligence/propagate';
import { JobRunner } from '../../core/jobs/job-runner';
import { type JobKind } from '../../core/jobs/job-store';
import { withProject, type Project } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import { SettingsStore } from '../../core/settings/settings-store';
import {
  CliUsageError,
  optionalNumber,
  optionalString,
  positional,
  type CliArgs,
  type CliCommand,
  type CliIo,
} from '../command';

/** --model and --resolution, shared by the intelligence commands (defaults: the settings' model). */
export const SPEC_OPTIONS = { model: { type: 'string' }, resolution: { type: 'string' } } as const;

export function specFrom(args: CliArgs, io: CliIo): EmbeddingSpec {
  const resolution = optionalNumber(args, 'resolution');
  if (resolution !== undefined && !(Number.isInteger(resolution) && resolution >= 16 && resolution <= 4096)) {
    throw new CliUsageError(`--resolution must be an integer between 16 and 4096, got ${resolution}`);
  }
  const modelId = optionalString(args, 'model') ?? new SettingsStore(io.dataDir).get().modelId ?? 'starter';
  return { modelId, ...(resolution === undefined ? {} : { resolution }) };
}

/** Opens the project and an engine caching into it; both are closed afterwards. */
export function withProjectAndEngine<T>(
  args: CliArgs,
  io: CliIo,
  fn: (project: Project, engine: InferenceEngine) => Promise<T>,
): Promise<T> {
  const dir = positional(args, 0, 'project');
  const settings = new SettingsStore(io.dataDir).get();
  return withProject(dir, projectOptionsFrom(io.dataDir), async (project) => {
    const engine = createInferenceEngine({
      dataDir: io.dataDir,
      provider: parseProvider(settings.provider, 'settings.provider'),
      cache: project.embeddings,
    });
    try {
      return await fn(project, engine);
    } finally {
      await engine.dispose();
    }
  });
}

/**
 * Runs one job to its end in this process, resuming an unfinished identical one (a command re-run after
 * a crash or Ctrl-C carries on where it stopped). Progress lines go to stderr; Ctrl-C leaves it resumable.
 */
export async function runJobInCli(
  project: Project,
  engine: InferenceEngine,
  io: CliIo,
  kind: JobKind,
  params: unknown,
  imageIds: readonly ImageId[],
): Promise<{ job: Job; resumed: boolean }> {
  const runner = new JobRunner({
    project,
    handlers: [precomputeHandler(engine), autoLabelHandler(engine), propagateHandler(engine)],
    log: (m) => io.progress(m),
    progressIntervalMs: 1000,
    // Only this command's job: jobs the app queued in this project stay for the app.
    accept: (job) => job.kind === kind && JSON.stringify(job.params) === JSON.stringify(params),
  });
  runner.onProgress((j) => {
    const eta = j.etaMs === null ? '' : `, about ${Math.ceil(j.etaMs / 1000)} s left`;
    io.progress(`job ${j.id} ${j.kind} ${j.state}: ${j.done}/${j.total}${eta}`);
  });
  const onSigint = (): void => void runner.close();
  process.once('SIGINT', onSigint);
  try {
    const { job, resumed } = runner.submitOrResume(kind, params, imageIds);
    if (resumed) io.progress(`resuming job ${job.id} (${job.done}/${job.total} already done)`);
    await runner.whenIdle();
    return { job: runner.get(job.id), resumed };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export const jobsCommands: readonly CliCommand[] = [
  {
    path: ['jobs'],
    summary: "list a project's background jobs (newest first) with their item counts",
    usage: 'jobs <project> [--limit n]',
    options: { limit: { type: 'string' } },
    run(args, io) {
      const limit = optionalNumber(args, 'limit') ?? 50;
      if (!(Number.isInteger(limit) && limit > 0))
        throw new CliUsageError(`--limit must be a positive integer, got ${limit}`);
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), (project) => {
        const runner = new JobRunner({ project, handlers: [] });
        return runner.store.list(limit).map((r) => ({
          id: r.id,
          kind: r.kind,
          state: r.state,
          done: r.done,
          total: r.total,
          failed: r.failed,
          error: r.error,
          params: r.params,
          items: runner.store.itemCounts(r.id),
          createdAt: new Date(r.createdAtMs).toISOString(),
          finishedAt: r.finishedAtMs === null ? null : new Date(r.finishedAtMs).toISOString(),
        }));
      });
    },
  },
];
