import { type ImageId } from '../../../src-preload/contract/ids';
import { fromStoredPath } from '../../core/images/paths';
import { createInferenceEngine, parseProvider } from '../../core/inference';
import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import { SettingsStore } from '../../core/settings/settings-store';
import { CliUsageError, optionalNumber, optionalString, positional, type CliCommand } from '../command';

/** Same key as the service (InferenceService.cacheKey) for the model's own resolution policy. */
const DEFAULT_RESOLUTION_KEY = 'default';
const PAGE = 200;

export const embedCommands: readonly CliCommand[] = [
  {
    path: ['embed'],
    summary: "fill the project's embedding cache (one encoder pass per image; cached images are skipped)",
    usage: 'embed <project> [--model id] [--resolution N]',
    options: { model: { type: 'string' }, resolution: { type: 'string' } },
    async run(args, io) {
      const dir = positional(args, 0, 'project');
      const resolution = optionalNumber(args, 'resolution');
      if (
        resolution !== undefined &&
        !(Number.isInteger(resolution) && resolution >= 16 && resolution <= 4096)
      ) {
        throw new CliUsageError(`--resolution must be an integer between 16 and 4096, got ${resolution}`);
      }
      const settings = new SettingsStore(io.dataDir).get();
      const modelId = optionalString(args, 'model') ?? settings.modelId ?? 'starter';
      return withProject(dir, projectOptionsFrom(io.dataDir), async (project) => {
        const engine = createInferenceEngine({
          dataDir: io.dataDir,
          provider: parseProvider(settings.provider, 'settings.provider'),
          cache: project.embeddings,
        });
        try {
          const models = await engine.listModels();
          if (!models.some((m) => m.id === modelId)) {
            throw new CliUsageError(
              `unknown model "${modelId}" (installed: ${models.map((m) => m.id).join(', ')})`,
            );
          }
          const p = engine.provider;
          io.progress(
            `embedding with model "${modelId}" on ${p.active}${p.fallbackReason ? ` (fallback from ${p.requested}: ${p.fallbackReason})` : ''}`,
          );
          const total = project.images.count();
          const resolutionKey = resolution === undefined ? DEFAULT_RESOLUTION_KEY : String(resolution);
          const failed: { imageId: ImageId; name: string; error: string }[] = [];
          let embedded = 0;
          let cached = 0;
          let missing = 0;
          let done = 0;
          const t0 = performance.now();
          for (
            let after = 0, page = project.images.pageAfter(0, PAGE);
            page.length > 0;
            page = project.images.pageAfter(after, PAGE)
          ) {
            for (const image of page) {
              after = image.id;
              done++;
              if (image.missing) {
                missing++;
                continue;
              }
              const cacheKey = { imageId: image.id, modelId, resolution: resolutionKey };
              if (project.embeddings.has(cacheKey)) {
                cached++;
                continue;
              }
              const started = performance.now();
              try {
                await engine.embedImageFile(fromStoredPath(project.dir, image.path), modelId, {
                  cacheKey,
                  ...(resolution === undefined ? {} : { resolution }),
                });
                embedded++;
                io.progress(
                  `[${done}/${total}] ${image.name} (${Math.round(performance.now() - started)} ms)`,
                );
              } catch (e) {
                failed.push({ imageId: image.id, name: image.name, error: (e as Error).message });
                io.progress(`[${done}/${total}] ${image.name}: FAILED ${(e as Error).message}`);
              }
            }
          }
          return {
            model: modelId,
            provider: engine.provider,
            resolution: resolutionKey,
            images: total,
            embedded,
            cached,
            missing,
            failed,
            seconds: Math.round(performance.now() - t0) / 1000,
          };
        } finally {
          await engine.dispose();
        }
      });
    },
  },
];
