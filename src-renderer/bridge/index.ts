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

/** Image bytes by id only: app://media/<id> in Electron, /media/<id> in browser mode (token cookie). */
export function mediaUrl(imageId: number, variant: 'original' | 'thumbnail' = 'original'): string {
  const query = variant === 'thumbnail' ? '?variant=thumbnail' : '';
  return getBackend().mode === 'electron' ? `app://media/${imageId}${query}` : `/media/${imageId}${query}`;
}
