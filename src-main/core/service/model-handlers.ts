import { randomUUID } from 'node:crypto';
import { type InstallState, type InstallStatus, type ServiceHandlers } from '@contract';
import { AppError } from '../errors';
import { type InstallProgress } from '../models/catalogue-install';
import { type ModelManager } from '../models/model-manager';
import { DEFAULT_SETTINGS, type SettingsStore } from '../settings/settings-store';
import { type EventHub } from './event-hub';
import { type InferenceService } from './inference-service';

/** Progress events at most this often per install (phase changes and the end always go out). */
const PROGRESS_EVENT_MS = 200;
const KEEP_FINISHED = 20;

interface Running {
  readonly controller: AbortController;
  status: InstallStatus;
  lastEventMs: number;
  /** A trailing event for progress that arrived inside the throttle window (a stalled download shows its last bytes). */
  trailing: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Installs in flight, by the id the caller chose: their latest status (for a manager window opened
 * mid-download), cancel, and the `model_install` events.
 */
export class ModelInstalls {
  readonly #running = new Map<string, Running>();
  readonly #finished: InstallStatus[] = [];

  constructor(private readonly events: EventHub) {}

  list(): InstallStatus[] {
    return [...[...this.#running.values()].map((r) => r.status), ...this.#finished];
  }

  cancel(installId: string): boolean {
    const r = this.#running.get(installId);
    if (!r) return false;
    r.controller.abort();
    return true;
  }

  start(installId: string, catalogueId: string | null): Running {
    if (this.#running.has(installId))
      throw new AppError('conflict', `install ${installId} is already running`);
    const same = [...this.#running.values()].find(
      (r) => catalogueId !== null && r.status.catalogueId === catalogueId,
    );
    if (same) throw new AppError('conflict', `${catalogueId} is already being installed`);
    const run: Running = {
      controller: new AbortController(),
      status: {
        installId,
        catalogueId,
        state: 'planning',
        file: null,
        receivedBytes: 0,
        totalBytes: null,
        bytesPerSecond: null,
        etaSeconds: null,
        message: null,
        modelId: null,
      },
      lastEventMs: 0,
      trailing: undefined,
    };
    this.#running.set(installId, run);
    this.#emit(run);
    return run;
  }

  progress(run: Running, p: InstallProgress): void {
    const phaseChanged = run.status.state !== p.phase;
    run.status = {
      ...run.status,
      state: p.phase,
      file: p.file ?? null,
      receivedBytes: p.receivedBytes,
      totalBytes: p.totalBytes,
      bytesPerSecond: p.bytesPerSecond,
      etaSeconds: p.etaSeconds,
    };
    const waitMs = run.lastEventMs + PROGRESS_EVENT_MS - Date.now();
    if (phaseChanged || waitMs <= 0) {
      this.#emit(run);
    } else {
      run.trailing ??= setTimeout(() => this.#emit(run), waitMs);
    }
  }

  finish(
    run: Running,
    state: Extract<InstallState, 'done' | 'failed' | 'cancelled'>,
    extra: Partial<InstallStatus>,
  ): void {
    run.status = { ...run.status, ...extra, state, bytesPerSecond: null, etaSeconds: null };
    this.#running.delete(run.status.installId);
    this.#finished.unshift(run.status);
    this.#finished.length = Math.min(this.#finished.length, KEEP_FINISHED);
    this.#emit(run);
  }

  #emit(run: Running): void {
    clearTimeout(run.trailing);
    run.trailing = undefined;
    run.lastEventMs = Date.now();
    this.events.emit({ kind: 'model_install', install: run.status });
  }
}

export function createModelHandlers(
  manager: ModelManager,
  inference: InferenceService,
  settings: SettingsStore,
  events: EventHub,
  /** Who installs, for the licence record: the app's model manager or the command line. */
  via: 'app' | 'cli',
): ServiceHandlers['models'] {
  const installs = new ModelInstalls(events);
  const summaries = () => manager.installedModels();
  const summaryOf = async (id: string) => {
    await inference.rawEngine().reloadModels();
    const model = (await summaries()).find((m) => m.id === id);
    if (!model) throw new AppError('model_error', `bundle "${id}" was installed but does not load`);
    return model;
  };

  return {
    list: summaries,
    inventory: async () => {
      const provider = inference.providerStatus();
      const { bundles, broken } = await manager.registry().scan();
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
    install: async (input) => {
      const installId = input.installId ?? randomUUID();
      const run = installs.start(installId, input.catalogueId ?? null);
      const signal = run.controller.signal;
      try {
        const installed = input.source
          ? await manager.installSource(input.source, {
              replace: input.replace,
              ...(input.mirrorBaseUrl ? { mirror: input.mirrorBaseUrl } : {}),
              signal,
            })
          : await manager.installCatalogue({
              catalogueId: input.catalogueId ?? '',
              ...(input.resolutionPx !== undefined ? { resolutionPx: input.resolutionPx } : {}),
              ...(input.dtype ? { dtype: input.dtype } : {}),
              ...(input.mirrorBaseUrl ? { mirror: input.mirrorBaseUrl } : {}),
              ...(input.fromDir ? { fromDir: input.fromDir } : {}),
              acceptLicences: input.acceptLicences,
              replace: input.replace,
              via,
              onProgress: (p) => installs.progress(run, p),
              signal,
            });
        const model = await summaryOf(installed.id);
        installs.finish(run, 'done', { modelId: installed.id });
        return { ...model, dir: installed.dir };
      } catch (e) {
        if (signal.aborted) {
          installs.finish(run, 'cancelled', { message: 'The install was cancelled; nothing was kept.' });
          throw new AppError('cancelled', 'The install was cancelled; nothing was kept.');
        }
        installs.finish(run, 'failed', { message: (e as Error).message });
        throw e;
      }
    },
    select: async ({ modelId }) => {
      const model = (await summaries()).find((m) => m.id === modelId);
      if (!model) throw new AppError('not_found', `no model with id "${modelId}"`);
      settings.update({ modelId });
      return model;
    },
    catalogue: () => manager.catalogue(),
    estimateMemory: ({ catalogueId, resolutionPx, dtype }) =>
      manager.estimateMemory(catalogueId, resolutionPx, dtype),
    installPlan: (input) =>
      manager.plan({
        catalogueId: input.catalogueId,
        ...(input.resolutionPx !== undefined ? { resolutionPx: input.resolutionPx } : {}),
        ...(input.dtype ? { dtype: input.dtype } : {}),
        ...(input.mirrorBaseUrl ? { mirror: input.mirrorBaseUrl } : {}),
        ...(input.fromDir ? { fromDir: input.fromDir } : {}),
      }),
    installs: () => Promise.resolve(installs.list()),
    cancelInstall: ({ installId }) => Promise.resolve({ cancelled: installs.cancel(installId) }),
    remove: async ({ modelId }) => {
      // Sessions on the bundle's files are released first: Windows cannot delete open files.
      await inference.rawEngine().reloadModels();
      const removed = await manager.remove(modelId);
      await inference.rawEngine().reloadModels();
      let selected = settings.get().modelId;
      if (selected === modelId) selected = settings.update({ modelId: DEFAULT_SETTINGS.modelId }).modelId;
      return { removed: modelId, dir: removed.dir, selectedModelId: selected };
    },
  };
}
