/**
 * The names of every API method, grouped, with no dependencies: the sandboxed preload imports only this
 * file, so it stays a tiny single CJS bundle. `spec.ts` is checked against it at compile time.
 */
export const API_METHODS = {
  projects: ['create', 'open', 'close', 'current', 'recent', 'openSample'],
  images: ['import', 'list', 'get', 'setStatus', 'relink'],
  labels: ['list', 'create', 'ensure', 'update', 'remove'],
  annotations: ['list', 'applyPatch', 'convert'],
  inference: [
    'status',
    'embed',
    'segmentText',
    'segmentClick',
    'tags',
    'segmentFile',
    'featuresFile',
    'tagFile',
  ],
  jobs: ['list', 'start', 'run', 'cancel', 'history'],
  review: ['queue', 'summary', 'list', 'accept', 'acceptAll', 'reject', 'rejectAll'],
  search: ['similarImages', 'similarObjects', 'proposeHits', 'imagesWithTag', 'duplicates'],
  exports: ['run', 'importAnnotations'],
  models: [
    'list',
    'inventory',
    'verify',
    'install',
    'select',
    'catalogue',
    'estimateMemory',
    'installPlan',
    'installs',
    'cancelInstall',
    'remove',
  ],
  settings: ['get', 'update', 'appInfo'],
} as const;

export type ApiGroup = keyof typeof API_METHODS;

/** IPC channel of one method (Electron); browser mode uses POST /api/<group>/<method>. */
export const channelName = (group: string, method: string): string => `rl:${group}.${method}`;
/** The one IPC channel main → renderer events arrive on. */
export const EVENT_CHANNEL = 'rl:event';

/** The largest request body either adapter accepts (a whole-image mask patch fits comfortably). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
