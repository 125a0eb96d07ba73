import { type ImportReport, type RadioLabelApi, type Result } from '@contract';
import { createHttpApi, takeToken, TOKEN_HEADER } from './http-transport';

export type BackendMode = 'electron' | 'browser';

interface Backend {
  readonly api: RadioLabelApi;
  readonly mode: BackendMode;
  /** Browser mode: the token every request presents. */
  readonly token?: string;
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
    backend = { api: createHttpApi(token), mode: 'browser', token };
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

/** Unwraps a Result for UI code that shows errors in one place. */
export async function unwrap<T>(
  result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/**
 * Browser mode: uploads one file into the project's uploads/ folder (streamed, the server caps its size)
 * and imports it with the same checks as any import.
 */
export async function uploadFile(file: File, signal?: AbortSignal): Promise<Result<ImportReport>> {
  const { mode, token } = getBackend();
  if (mode !== 'browser' || token === undefined) {
    return { ok: false, error: { code: 'unavailable', message: 'uploads exist only in browser mode' } };
  }
  try {
    const response = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', [TOKEN_HEADER]: token },
      body: file,
      ...(signal ? { signal } : {}),
    });
    return (await response.json()) as Result<ImportReport>;
  } catch (e) {
    return {
      ok: false,
      error: { code: 'unavailable', message: `upload of ${file.name} failed: ${(e as Error).message}` },
    };
  }
}

/** Browser mode: starts the download of a prepared export (exports.prepareDownload) as a zip. */
export function startDownload(downloadId: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = `/downloads/${encodeURIComponent(downloadId)}`;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
}
