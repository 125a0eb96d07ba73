import { type ApiGroup, type ImageId, type Result, type ServiceHandlers } from '@contract';
import { dispatch } from './service/dispatch';
import { EventHub } from './service/event-hub';
import { SettingsStore } from './settings/settings-store';
import { createProjectHandlers } from './service/project-handlers';
import { ProjectSession } from './service/project-session';
import { createBatchHandlers } from './service/batch-handlers';
import { createExportHandlers } from './service/export-handlers';
import { JobService } from './service/job-service';
import { createInferenceHandlers } from './service/inference-handlers';
import { InferenceService } from './service/inference-service';
import { SegmentService } from './service/segment-service';
import { createModelHandlers } from './service/model-handlers';
import { builtInConverters, type ModelConverters } from './models/converters';
import { ModelManager } from './models/model-manager';

export { APP_VERSION } from './version';
export { appRootFrom, defaultDataDir } from './paths';

export interface ServiceOptions {
  readonly dataDir: string;
  /**
   * Who drives the service. 'cli' is one command per process: it runs only the jobs it asks for, does not
   * add the projects it opens to the recent list, and starts no background file checks.
   */
  readonly mode: 'electron' | 'browser' | 'cli';
  readonly version: string;
  /** Where models/ and resources/ live (the repository, or the packaged app's resources). */
  readonly appRoot: string;
  /** Checkpoint converters for catalogue installs (tests pass a small one); the build's own by default. */
  readonly modelConverters?: ModelConverters;
  /** Another model catalogue (tests); `models/catalogue.json` by default. */
  readonly cataloguePath?: string;
}

/** A file the media route may stream: only ever looked up by image id, never by a client-given path. */
export interface MediaFile {
  readonly path: string;
  readonly contentType: string;
}
export type MediaVariant = 'original' | 'thumbnail';

/**
 * RadioLabelService: the contract implemented on top of the core modules. The Electron IPC adapter, the
 * browser-mode HTTP adapter and the CLI all drive this one object.
 */
export interface RadioLabelService {
  readonly handlers: ServiceHandlers;
  readonly events: EventHub;
  /** One contract call by name: the input validated with the contract schema, any failure as data. */
  call(group: ApiGroup, method: string, input: unknown): Promise<Result<unknown>>;
  resolveMedia(imageId: ImageId, variant: MediaVariant): Promise<MediaFile | undefined>;
  dispose(): Promise<void>;
}

export function createRadioLabelService(options: ServiceOptions): RadioLabelService {
  const interactive = options.mode !== 'cli';
  const events = new EventHub();
  const settings = new SettingsStore(options.dataDir);
  const session = new ProjectSession(options.dataDir, options.appRoot, settings, events, {
    rememberOpened: interactive,
    watchMissing: interactive,
  });
  const projectHandlers = createProjectHandlers(session, events, options.dataDir);
  const inference = new InferenceService(options.dataDir, session, settings, events);
  const segment = new SegmentService(inference);
  const inferenceHandlers = createInferenceHandlers(inference, segment, session, settings);
  const models = new ModelManager({
    dataDir: options.dataDir,
    converters: options.modelConverters ?? builtInConverters,
    // Sessions opened by the check are released so that the folder can be renamed into place (Windows).
    verifyBundle: async (dir) => {
      await inference.rawEngine().verifyModel(dir);
      await inference.rawEngine().reloadModels();
    },
    mirrorSetting: () => settings.get().modelMirrorBaseUrl,
    ...(options.cataloguePath ? { cataloguePath: options.cataloguePath } : {}),
  });
  // Work folders of installs that a crash or kill -9 interrupted; live installs (any process) are kept.
  void models.sweep().catch(() => undefined);
  const jobs = new JobService(session, inference, events, { ownJobsOnly: !interactive });

  const handlers: ServiceHandlers = {
    ...projectHandlers,
    ...inferenceHandlers,
    models: createModelHandlers(models, inference, settings, events, interactive ? 'app' : 'cli'),
    ...createBatchHandlers(session, inference, jobs),
    ...createExportHandlers(session, events),
    settings: {
      get: () => Promise.resolve(settings.get()),
      update: (patch) => Promise.resolve(settings.update(patch)),
      appInfo: () =>
        Promise.resolve({ name: 'RadioLabel' as const, version: options.version, mode: options.mode }),
    },
  };

  return {
    handlers,
    events,
    call: (group, method, input) => dispatch(handlers, { group, method }, input),
    resolveMedia: async (imageId, variant) => {
      const project = session.current;
      if (!project) return undefined;
      try {
        return await project.resolveMedia(imageId, variant);
      } catch {
        return undefined;
      }
    },
    dispose: async () => {
      await session.close();
      await inference.dispose();
    },
  };
}
