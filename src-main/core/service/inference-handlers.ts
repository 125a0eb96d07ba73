import { type ServiceHandlers } from '@contract';
import { AppError } from '../errors';
import { tagImage } from '../inference';
import { type SettingsStore } from '../settings/settings-store';
import { FileInference } from './file-inference';
import { type InferenceService } from './inference-service';
import { type ProjectSession } from './project-session';
import { type SegmentService } from './segment-service';

export function createInferenceHandlers(
  inference: InferenceService,
  segment: SegmentService,
  session: ProjectSession,
  settings: SettingsStore,
): Pick<ServiceHandlers, 'inference'> {
  const files = new FileInference(inference);
  return {
    inference: {
      status: async () => {
        const modelId = settings.get().modelId;
        const model = modelId
          ? (await inference.engine().listModels()).find((m) => m.id === modelId)
          : undefined;
        return { modelId, modelName: model?.name ?? null, provider: inference.providerStatus() };
      },
      embed: async ({ imageId }) => {
        const t0 = performance.now();
        const { cached } = await inference.embedImage(imageId);
        return { cached, elapsedMs: performance.now() - t0 };
      },
      segmentText: (input) => segment.segmentText(input),
      segmentClick: (input) => segment.segmentClick(input),
      tags: async ({ imageId, labels }) => {
        const names =
          labels ??
          session
            .require()
            .labels.list()
            .map((l) => l.name);
        if (names.length === 0)
          throw new AppError('invalid_input', 'tags: the project has no labels to score');
        const modelId = inference.modelId();
        const scores = await tagImage(inference.engine(), inference.imagePath(imageId), modelId, names, {
          cacheKey: inference.cacheKey(imageId, modelId),
        });
        return scores.map((s) => ({ label: s.label, score: s.score }));
      },
      segmentFile: (input) => files.segment(input),
      featuresFile: (input) => files.features(input),
      tagFile: (input) => files.tag(input),
    },
  };
}
