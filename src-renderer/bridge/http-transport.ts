import { API_METHODS, type ApiGroup, type AppEvent, type RadioLabelApi, type Result } from '@contract';

const TOKEN_KEY = 'radiolabel.token';
export const TOKEN_HEADER = 'x-radiolabel-token';

/**
 * Browser mode keeps the token from the launch URL in sessionStorage and strips it from the address bar,
 * so it does not linger in history or get copied along with a link.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

async function call(token: string, group: string, method: string, input: unknown): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(`/api/${group}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    return {
      ok: false,
      error: { code: 'unavailable', message: `backend unreachable: ${(e as Error).message}` },
    };
  }
  try {
    return (await response.json()) as Result<unknown>;
  } catch {
    return {
      ok: false,
      error: { code: 'internal', message: `HTTP ${response.status} from ${group}.${method}` },
    };
  }
}

/** The same RadioLabelApi as the Electron preload, over HTTP + WebSocket. */
export function createHttpApi(token: string): RadioLabelApi {
  const api: Record<string, unknown> = {};
  for (const group of Object.keys(API_METHODS) as ApiGroup[]) {
    const methods: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
    for (const method of API_METHODS[group]) methods[method] = (input) => call(token, group, method, input);
    api[group] = methods;
  }
  const listeners = new Set<(event: AppEvent) => void>();
  let socket: WebSocket | null = null;
  const connect = (): void => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/events?token=${encodeURIComponent(token)}`);
    socket.onmessage = (m: MessageEvent<string>) => {
      const event = JSON.parse(m.data) as AppEvent;
      listeners.forEach((l) => l(event));
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(connect, 1000);
    };
  };
  api.events = {
    subscribe(listener: (event: AppEvent) => void): () => void {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
  return api as RadioLabelApi;
}
