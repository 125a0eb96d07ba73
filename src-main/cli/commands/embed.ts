import { cacheStatus, resolveJobImages } from '../../core/intelligence';
import { CliUsageError, type CliCommand } from '../command';
import { runJobInCli, SPEC_OPTIONS, specFrom, withProjectAndEngine } from './jobs';

export const embedCommands: readonly CliCommand[] = [
  {
    path: ['embed'],
    summary:
      "fill the project's embedding cache as a resumable job (one encoder pass per uncached image; an interrupted run carries on)",
    usage: 'embed <project> [--model id] [--resolution N]',
    options: SPEC_OPTIONS,
    run(args, io) {
      const spec = specFrom(args, io);
      return withProjectAndEngine(args, io, async (project, engine) => {
        const models = await engine.listModels();
        if (!models.some((m) => m.id === spec.modelId)) {
          throw new CliUsageError(
            `unknown model "${spec.modelId}" (installed: ${models.map((m) => m.id).join(', ')})`,
          );
        }
        const p = engine.provider;
        io.progress(
          `embedding with model "${spec.modelId}" on ${p.active}${p.fallbackReason ? ` (fallback from ${p.requested}: ${p.fallbackReason})` : ''}`,
        );
        const t0 = performance.now();
        const alreadyCached = cacheStatus(project, spec).cached.length;
        const params = { ...spec, images: 'uncached' as const };
        const { job, resumed } = await runJobInCli(
          project,
          engine,
          io,
          'embed',
          params,
          resolveJobImages(project, 'embed', params),
        );
        return {
          model: spec.modelId,
          provider: engine.provider,
          resolution: spec.resolution === undefined ? 'default' : String(spec.resolution),
          images: project.images.count(),
          embedded: job.done,
          cached: alreadyCached,
          job,
          resumed,
          seconds: Math.round(performance.now() - t0) / 1000,
        };
      });
    },
  },
];
