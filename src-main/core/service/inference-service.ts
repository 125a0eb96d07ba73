import { type ImageId, type ProviderStatus } from '@contract';
import { type EmbeddingCacheStore, type EmbeddingKey } from '../embedding-types';
import { AppError } from '../errors';
import { fromStoredPath } from '../images/paths';
import { createInferenceEngine, type InferenceEngine } from '../inference';
import { PriorityScheduler, prioritizedEngine } from '../jobs';
import { type EngineImageEmbedding } from '../inference';
import { readRgbImage, type EmbeddedImage } from '../segment';
import { type SettingsStore } from '../settings/settings-store';
import { type EventHub } from './event-hub';
import { type ProjectSession } from './project-session';

/** The cache row of an image at the model's own resolution policy. */
export const DEFAULT_RESOLUTION_KEY = 'default';

/**
 * The engine as the service sees it: created lazily (the worker costs a start-up), re-created when the
 * provider setting changes, and caching embeddings in whichever project is open.
 */
export class InferenceService {
  /** One for the app: interactive requests (clicks, prompts) always go before batch-job passes. */
  readonly scheduler = new PriorityScheduler();
  #engine: InferenceEngine | null = null;
  #interactive: InferenceEngine | null = null;
  #engineProvider: string | null = null;
  #lastImage: { key: string; pending: Promise<EmbeddedImage> } | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly session: ProjectSession,
    private readonly settings: SettingsStore,
    private readonly events: EventHub,
  ) {}

  /** Embeddings go to the open project's cache; with no project open nothing is cached. */
  readonly #cache: EmbeddingCacheStore = {
    get: (key) => this.session.current?.embeddings.get(key),
    put: (key, value) => this.session.current?.embeddings.put(key, value),
    getText: (modelId, text) => this.session.current?.embeddings.getText(modelId, text),
    putText: (modelId, text, e) => this.session.current?.embeddings.putText(modelId, text, e),
  };

  /** The engine for interactive requests: they jump the batch queue. */
  engine(): InferenceEngine {
    const raw = this.rawEngine();
    if (!this.#interactive) this.#interactive = prioritizedEngine(raw, this.scheduler, 'interactive');
    return this.#interactive;
  }

  /** The engine itself, for batch jobs to wrap with their own (lower) priority. */
  rawEngine(): InferenceEngine {
    const provider = this.settings.get().provider;
    if (this.#engine && this.#engineProvider === provider) return this.#engine;
    this.#interactive = null;
    void this.#engine?.dispose();
    this.#engineProvider = provider;
    this.#engine = createInferenceEngine({
      dataDir: this.dataDir,
      provider,
      onnxRuntimeTelemetry: this.settings.get().onnxRuntimeTelemetry,
      cache: this.#cache,
      applyIccProfile: () => this.settings.get().applyIccProfile ?? false,
      onProviderReport: () => this.#announce(),
      onWorkerCrash: (e) => this.events.emit({ kind: 'worker_restarted', reason: e.message }),
    });
    return this.#engine;
  }

  /** Throws a clear 'invalid_input' naming the installed models when `modelId` is not one of them. */
  async requireModel(modelId: string, field = 'modelId'): Promise<void> {
    const models = await this.engine().listModels();
    if (!models.some((m) => m.id === modelId)) {
      throw new AppError(
        'invalid_input',
        `unknown model "${modelId}" (installed: ${models.map((m) => m.id).join(', ') || 'none'})`,
        { field },
      );
    }
  }

  modelId(): string {
    const id = this.settings.get().modelId;
    if (!id) throw new AppError('invalid_input', 'no model is selected: choose one in the model picker');
    return id;
  }

  providerStatus(): ProviderStatus {
    const p = this.engine().provider;
    return p.fallbackReason === undefined
      ? { requested: p.requested, active: p.active }
      : { requested: p.requested, active: p.active, fallbackReason: p.fallbackReason };
  }

  cacheKey(imageId: ImageId, modelId: string): EmbeddingKey {
    return { imageId, modelId, resolution: DEFAULT_RESOLUTION_KEY };
  }

  imagePath(imageId: ImageId): string {
    const project = this.session.require();
    const record = project.images.get(imageId);
    if (record.missing)
      throw new AppError(
        'not_found',
        `image ${imageId} (${record.name}) is missing on disk: relink its folder`,
      );
    return fromStoredPath(project.dir, record.path);
  }

  /** The single entry point for an image's embedding: a cache hit never runs the model. */
  async embedImage(
    imageId: ImageId,
    signal?: AbortSignal,
  ): Promise<{ embedding: EngineImageEmbedding; cached: boolean }> {
    const modelId = this.modelId();
    const key = this.cacheKey(imageId, modelId);
    const cached = this.session.require().embeddings.has(key);
    const embedding = await this.engine().embedImageFile(this.imagePath(imageId), modelId, {
      cacheKey: key,
      ...(signal ? { signal } : {}),
    });
    return { embedding, cached };
  }

  /**
   * The current image as the segmentation pipeline needs it (manifest, decoded embedding, RGB pixels),
   * kept for the last image: a live text prompt asks again on every keystroke, and neither the fp16 decode
   * nor the image decode should run again for the same image.
   */
  async embeddedImage(imageId: ImageId): Promise<EmbeddedImage> {
    const project = this.session.require();
    const modelId = this.modelId();
    const path = this.imagePath(imageId);
    const key = `${project.dir}|${imageId}|${path}|${modelId}|${this.settings.get().provider}`;
    if (this.#lastImage?.key !== key) {
      const pending = (async (): Promise<EmbeddedImage> => {
        const [manifest, { embedding }, image] = await Promise.all([
          this.engine().getManifest(modelId),
          this.embedImage(imageId),
          readRgbImage(path),
        ]);
        return { modelId, manifest, embedding, image };
      })();
      this.#lastImage = { key, pending };
      pending.catch(() => {
        if (this.#lastImage?.pending === pending) this.#lastImage = null;
      });
    }
    return this.#lastImage.pending;
  }

  #announce(): void {
    this.events.emit({
      kind: 'model_status',
      modelId: this.settings.get().modelId,
      provider: this.providerStatus(),
    });
  }

  async dispose(): Promise<void> {
    await this.#engine?.dispose();
    this.#engine = null;
    this.#interactive = null;
    this.#lastImage = null;
  }
}
