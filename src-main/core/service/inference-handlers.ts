import { type ServiceHandlers } from '@contract';
import { AppError } from '../errors';
import { tagImage } from '../inference';
import { type FileProgress } from '../models/download';
import { installBundleSource } from '../models/install-source';
import { builtInModelsDir, ModelRegistry, userModelsDir } from '../models/registry';
import { type SettingsStore } from '../settings/settings-store';
import { type EventHub } from './event-hub';
import { FileInference } from './file-inference';
import { type InferenceService } from './inference-service';
import { type ProjectSession } from './project-session';
import { type SegmentService } from './segment-service';

export function createInferenceHandlers(
  inference: InferenceService,
  segment: SegmentService,
  session: ProjectSession,
  settings: SettingsStore,
  events: EventHub,
  dataDir: string,
): Pick<ServiceHandlers, 'inference' | 'models'> {
  const summaries = async () => (await inference.engine().listModels()).map(toContractSummary);
  const files = new FileInference(inference);
  return {
    inference: {
      status: async () => {
        const modelId = settings.get().modelId;
        const model = modelId ? (await summaries()).find((m) => m.id === modelId) : undefined;
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
      tagFile: (input) => files.tag(input),
    },
    models: {
      list: summaries,
      inventory: async () => {
        const provider = inference.providerStatus();
        const { bundles, broken } = await new ModelRegistry(builtInModelsDir(), [
          userModelsDir(dataDir),
        ]).scan();
        return {
          provider,
          models: bundles.map((b) => ({
            id: b.manifest.id,
            name: b.manifest.name,
            provider: provider.active,
            kind: b.manifest.is_starter ? 'starter (colour & texture, not semantic)' : 'real',
            isStarter: b.manifest.is_starter,
            hasText: b.manifest.text !== undefined,
            hasMaskDecoder: b.manifest.mask_decoder !== undefined,
            source: b.source,
            dir: b.dir,
          })),
          broken,
        };
      },
      verify: async ({ modelId }) => {
        try {
          const { manifest, dir } = await inference.engine().verifyModel(modelId);
          return {
            ok: true,
            problems: [],
            id: manifest.id,
            name: manifest.name,
            dir,
            provider: inference.providerStatus(),
          };
        } catch (e) {
          return { ok: false, problems: [(e as Error).message] };
        }
      },
      install: async ({ source, mirrorBaseUrl, replace }) => {
        const engine = inference.rawEngine();
        const mirror = mirrorBaseUrl ?? settings.get().modelMirrorBaseUrl;
        const installed = await installBundleSource(source, {
          dataDir,
          describeGraph: (p) => engine.describeGraph(p),
          replace,
          onProgress: downloadProgress(events),
          ...(mirror ? { mirrorBaseUrl: mirror } : {}),
        });
        await engine.reloadModels();
        const model = (await summaries()).find((m) => m.id === installed.id);
        if (!model)
          throw new AppError('model_error', `bundle "${installed.id}" was installed but does not load`);
        return { ...model, dir: installed.dir };
      },
      select: async ({ modelId }) => {
        const model = (await summaries()).find((m) => m.id === modelId);
        if (!model) throw new AppError('not_found', `no model with id "${modelId}"`);
        settings.update({ modelId });
        return model;
      },
    },
  };
}

/** One progress event per file per 10 % (per 16 MiB when the size is unknown), not one per chunk. */
function downloadProgress(
  events: EventHub,
): (p: FileProgress & { fileIndex: number; fileCount: number }) => void {
  const last = new Map<string, number>();
  return (p) => {
    const step = p.totalBytes
      ? Math.floor((p.receivedBytes / p.totalBytes) * 10)
      : Math.floor(p.receivedBytes / 2 ** 24);
    if (last.get(p.file) === step) return;
    last.set(p.file, step);
    events.emit({
      kind: 'transfer_progress',
      phase: 'download',
      done: p.receivedBytes,
      total: p.totalBytes ?? 0,
      detail: `[${p.fileIndex + 1}/${p.fileCount}] ${p.file}`,
    });
  };
}

function toContractSummary(m: {
  id: string;
  name: string;
  isStarter: boolean;
  hasText: boolean;
  hasMaskDecoder: boolean;
  source: 'built-in' | 'user';
}) {
  return {
    id: m.id,
    name: m.name,
    isStarter: m.isStarter,
    hasText: m.hasText,
    hasMaskDecoder: m.hasMaskDecoder,
    builtIn: m.source === 'built-in',
  };
}
