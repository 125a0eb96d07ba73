import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInferenceEngine, OutOfVocabularyError, parseProvider, tagImage } from '../../core/inference';
import { SettingsStore } from '../../core/settings/settings-store';
import { CliUsageError, optionalString, positional, requireString, type CliCommand } from '../command';

export const tagCommands: readonly CliCommand[] = [
  {
    path: ['tag'],
    summary: 'zero-shot tags: scores of each label for one image (best first)',
    usage: 'tag <image> --labels a,b,c [--model id]',
    options: { labels: { type: 'string' }, model: { type: 'string' } },
    async run(args, io) {
      const imagePath = path.resolve(positional(args, 0, 'image'));
      if (!existsSync(imagePath)) throw new CliUsageError(`image not found: ${imagePath}`);
      const labels = requireString(args, 'labels')
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
      if (labels.length === 0)
        throw new CliUsageError('--labels needs at least one label, e.g. --labels red,green');
      const settings = new SettingsStore(io.dataDir).get();
      const modelId = optionalString(args, 'model') ?? settings.modelId ?? 'starter';
      const engine = createInferenceEngine({
        dataDir: io.dataDir,
        provider: parseProvider(settings.provider, 'settings.provider'),
      });
      try {
        const tags = await tagImage(engine, imagePath, modelId, labels);
        return { image: imagePath, model: modelId, provider: engine.provider, tags };
      } catch (e) {
        if (e instanceof OutOfVocabularyError) throw new CliUsageError(e.message);
        throw e;
      } finally {
        await engine.dispose();
      }
    },
  },
];
