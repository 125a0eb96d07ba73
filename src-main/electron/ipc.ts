import { ipcMain } from 'electron';
import { API_METHODS, MAX_REQUEST_BYTES, channelName, type ApiGroup, err, type Result } from '@contract';
import { type RadioLabelService } from '../core/api';
import { dispatch } from '../core/service/dispatch';
import { senderAllowed } from './sender-check';

/** Rough size cap before parsing: structured-clone payloads have no byte length of their own. */
function payloadTooLarge(input: unknown): boolean {
  try {
    return JSON.stringify(input ?? null).length > MAX_REQUEST_BYTES;
  } catch {
    return true;
  }
}

/**
 * The one `handle()` wrapper: for every contract method, check the sender frame, cap the size, validate
 * with the contract schema (inside dispatch) and return a Result. Nothing is thrown across IPC.
 */
export function bindIpc(service: RadioLabelService): () => void {
  const channels: string[] = [];
  for (const group of Object.keys(API_METHODS) as ApiGroup[]) {
    for (const method of API_METHODS[group]) {
      const channel = channelName(group, method);
      channels.push(channel);
      ipcMain.handle(channel, async (event, input: unknown): Promise<Result<unknown>> => {
        if (!senderAllowed(event)) return err('forbidden', 'IPC call from an untrusted frame');
        if (payloadTooLarge(input)) return err('payload_too_large', `${group}.${method}: request too large`);
        return dispatch(service.handlers, { group, method }, input);
      });
    }
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}
