import { type Readable } from 'node:stream';
import { type ApiGroup, type ImportReport, type Result, type ServiceHandlers } from '@contract';
import { dispatch } from './service/dispatch';
import { type MediaBody } from './images/media';
import { translateSqliteError } from './db/errors';
import { EventHub } from './service/event-hub';
import { SettingsStore } from './settings/settings-store';
import { GeometryPool } from './service/geometry-pool';
import { createProjectHandlers } from './service/project-handlers';
import { ProjectSession } from './service/project-session';
import { createBatchHandlers } from './service/batch-handlers';
import { createExportHandlers } from './service/export-handlers';
import { JobService } from './service/job-service';
import { type JobClock } from './jobs/job-lease';
import { createInferenceHandlers } from './service/inference-handlers';
import { InferenceService } from './service/inference-service';
import { SegmentService } from './service/segment-service';
import { createDialogHandlers, type NativeDialogs } from './service/dialog-handlers';
import { DownloadStore, receiveUpload } from './service/transfers';

export type { NativeDialogs } from './service/dialog-handlers';
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
  /** Native file dialogs (the desktop app); absent in browser mode and the CLI. */
  readonly dialogs?: NativeDialogs;
  /** Checkpoint converters for catalogue installs (tests pass a small one); the build's own by default. */
  readonly modelConverters?: ModelConverters;
  /** Another model catalogue (tests); `models/catalogue.json` by default. */
  readonly cataloguePath?: string;
  /** Time for job leases and their heartbeat (tests move a manual clock); the system's by default. */
  readonly jobClock?: JobClock;
}

export type { MediaBody };
export { MEDIA_CACHE_CONTROL } from './images/media';

/**
 * RadioLabelService: the contract implemented on top of the core modules. The Electron IPC adapter, the
 * browser-mode HTTP adapter and the CLI all drive this one object.
 */
export interface RadioLabelService {
  readonly handlers: ServiceHandlers;
  readonly events: EventHub;
  /** One contract call by name: the input validated with the contract schema, any failure as data. */
  call(group: ApiGroup, method: string, input: unknown): Promise<Result<unknown>>;
  /**
   * The bytes behind a media address (everything after `media/`), verified against what was imported;
   * undefined (404) when no open project has it. The caller closes the handle.
   */
  openMedia(address: string): Promise<MediaBody | undefined>;
  /** Browser mode: one uploaded file, streamed into the project's uploads/ folder and imported. */
  receiveUpload(fileName: string, body: Readable): Promise<ImportReport>;
  /** Browser mode: a prepared export (exports.prepareDownload) to stream as a zip, once. */
  takeDownload(downloadId: string): { dir: string; fileName: string; done: () => void } | undefined;
  dispose(): Promise<void>;
}

/**
 * Every handler with SQLite failures turned into the errors users can act on (damaged file, full disk,
 * a reference to a missing row) naming the open project's file, instead of `internal` with SQLite's words.
 */
function translateStoreErrors<H extends object>(handlers: H, file: () => string): H {
  const out: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [group, methods] of Object.entries(
    handlers as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>,
  )) {
    out[group] = {};
    for (const [name, fn] of Object.entries(methods)) {
      out[group][name] = async (input) => {
        try {
          return await fn(input);
        } catch (e) {
          throw translateSqliteError(e, file());
        }
      };
    }
  }
  return out as unknown as H;
}

export function createRadioLabelService(options: ServiceOptions): RadioLabelService {
  const interactive = options.mode !== 'cli';
  const events = new EventHub();
  const settings = new SettingsStore(options.dataDir);
  const session = new ProjectSession(options.dataDir, options.appRoot, settings, events, {
    rememberOpened: interactive,
    watchMissing: interactive,
  });
  const geometry = new GeometryPool();
  const projectHandlers = createProjectHandlers(session, events, options.dataDir, geometry);
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
  const jobs = new JobService(session, inference, events, {
    ownJobsOnly: !interactive,
    ...(options.jobClock ? { clock: options.jobClock } : {}),
  });
  const downloads = new DownloadStore();

  const core: Omit<ServiceHandlers, 'dialogs'> = translateStoreErrors(
    {
      ...projectHandlers,
      ...inferenceHandlers,
      models: createModelHandlers(models, inference, settings, events, interactive ? 'app' : 'cli'),
      ...createBatchHandlers(session, inference, jobs),
      ...createExportHandlers(session, events, downloads),
      settings: {
        get: () => Promise.resolve(settings.get()),
        update: (patch) => Promise.resolve(settings.update(patch)),
        appInfo: () =>
          Promise.resolve({
            name: 'RadioLabel' as const,
            version: options.version,
            mode: options.mode,
            warnings: [...settings.warnings],
          }),
      },
    },
    () => session.current?.dbFile ?? 'the project database',
  );
  const handlers: ServiceHandlers = {
    ...core,
    ...createDialogHandlers(options.dialogs, core, () => session.require().name),
  };

  return {
    handlers,
    events,
    call: (group, method, input) => dispatch(handlers, { group, method }, input),
    openMedia: async (address) => (await session.current?.openMedia(address)) ?? undefined,
    receiveUpload: (fileName, body) => receiveUpload(session.require(), fileName, body),
    takeDownload: (downloadId) => downloads.take(downloadId),
    dispose: async () => {
      downloads.dispose();
      await session.close();
      await inference.dispose();
      await geometry.dispose();
    },
  };
}
