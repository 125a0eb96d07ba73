import { type RadioLabelApi } from '@contract';
import { createHttpApi, takeToken } from './http-transport';

export type BackendMode = 'electron' | 'browser';

interface Backend {
  readonly api: RadioLabelApi;
  readonly mode: BackendMode;
}

let backend: Backend | undefined;

/**
 * The only way the renderer reaches main: the Electron preload's window.radiolabel, or the browser-mode
 * HTTP/WS transport. Both expose the same RadioLabelApi.
 */
export function getBackend(): Backend {
  if (backend) return backend;
  const injected = (window as unknown as { radiolabel?: RadioLabelApi }).radiolabel;
  if (injected) {
    backend = { api: injected, mode: 'electron' };
  } else {
    const token = takeToken(window.location, window.sessionStorage, window.history) ?? '';
    backend = { api: createHttpApi(token), mode: 'browser' };
  }
  return backend;
}

export const api = (): RadioLabelApi => getBackend().api;

/**
 * Image bytes by the row's media key (project, id and content hash, never a path): app://media/<key> in
 * Electron, /media/<key> in browser mode (token cookie). Another project's or a replaced file's image is
 * another address, so a cached picture is always the right one.
 */
export function mediaUrl(
  image: { readonly mediaKey: string },
  variant: 'original' | 'thumbnail' = 'original',
): string {
  const key = variant === 'thumbnail' ? `${image.mediaKey}/thumbnail` : image.mediaKey;
  return getBackend().mode === 'electron' ? `app://media/${key}` : `/media/${key}`;
}
