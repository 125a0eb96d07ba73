import { type Readable } from 'node:stream';
import { type ServiceHandlers, type ImageId, type ImportReport } from '@contract';
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
import { createDialogHandlers, type NativeDialogs } from './service/dialog-handlers';
import { DownloadStore, receiveUpload } from './service/transfers';

export type { NativeDialogs } from './service/dialog-handlers';
import { createModelHandlers } from './service/model-handlers';
import { builtInConverters, type ModelConverters } from './models/converters';
import { ModelManager } from './models/model-manager';

export interface ServiceOptions {
  readonly dataDir: string;
  readonly mode: 'electron' | 'browser';
  readonly version: string;
  /** Where models/ and resources/ live (the repository, or the packaged app's resources). */
  readonly appRoot: string;
  /** Native file dialogs (the desktop app); absent in browser mode and the CLI. */
  readonly dialogs?: NativeDialogs;
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
  resolveMedia(imageId: ImageId, variant: MediaVariant): Promise<MediaFile | undefined>;
  /** Browser mode: one uploaded file, streamed into the project's uploads/ folder and imported. */
  receiveUpload(fileName: string, body: Readable): Promise<ImportReport>;
  /** Browser mode: a prepared export (exports.prepareDownload) to stream as a zip, once. */
  takeDownload(downloadId: string): { dir: string; fileName: string; done: () => void } | undefined;
  dispose(): Promise<void>;
}

export function createRadioLabelService(options: ServiceOptions): RadioLabelService {
  const events = new EventHub();
  const settings = new SettingsStore(options.dataDir);
  const session = new ProjectSession(options.dataDir, options.appRoot, settings, events);
  const projectHandlers = createProjectHandlers(session, options.dataDir);
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
  const jobs = new JobService(session, inference, events);
  const downloads = new DownloadStore();

  const core: Omit<ServiceHandlers, 'dialogs'> = {
    ...projectHandlers,
    ...inferenceHandlers,
    models: createModelHandlers(models, inference, settings, events),
    ...createBatchHandlers(session, inference, jobs),
    ...createExportHandlers(session, events, downloads),
    settings: {
      get: () => Promise.resolve(settings.get()),
      update: (patch) => Promise.resolve(settings.update(patch)),
      appInfo: () =>
        Promise.resolve({ name: 'RadioLabel' as const, version: options.version, mode: options.mode }),
    },
  };
  const handlers: ServiceHandlers = {
    ...core,
    ...createDialogHandlers(options.dialogs, core, () => session.require().name),
  };

  return {
    handlers,
    events,
    resolveMedia: async (imageId, variant) => {
      const project = session.current;
      if (!project) return undefined;
      try {
        return await project.resolveMedia(imageId, variant);
      } catch {
        return undefined;
      }
    },
    receiveUpload: (fileName, body) => receiveUpload(session.require(), fileName, body),
    takeDownload: (downloadId) => downloads.take(downloadId),
    dispose: async () => {
      downloads.dispose();
      await session.close();
      await inference.dispose();
    },
  };
}
