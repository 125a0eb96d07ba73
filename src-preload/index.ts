import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, EVENT_CHANNEL, channelName, type ApiGroup } from './contract/channels';

/**
 * window.radiolabel: one named function per contract method, each bound to its own channel. Never
 * ipcRenderer itself, nor a generic invoke/send that a compromised page could point anywhere.
 */
function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const group of Object.keys(API_METHODS) as ApiGroup[]) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const method of API_METHODS[group]) {
      const channel = channelName(group, method);
      methods[method] = (input: unknown) => ipcRenderer.invoke(channel, input);
    }
    api[group] = Object.freeze(methods);
  }
  api.events = Object.freeze({
    subscribe(listener: (event: unknown) => void): () => void {
      const handler = (_e: unknown, event: unknown): void => listener(event);
      ipcRenderer.on(EVENT_CHANNEL, handler);
      return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    },
  });
  return Object.freeze(api);
}

contextBridge.exposeInMainWorld('radiolabel', buildApi());
