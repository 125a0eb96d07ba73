import { API_METHODS, type ApiGroup } from '../../../src-preload/contract/channels';
import { type ServiceHandlers } from '../../../src-preload/contract/spec';
import { AppError } from '../errors';

/** Handlers for a group whose backing module is absent in this build: each answers 'unavailable'. */
export function unavailableGroup<G extends ApiGroup>(group: G, reason: string): ServiceHandlers[G] {
  const out: Record<string, () => Promise<never>> = {};
  for (const method of API_METHODS[group]) {
    out[method] = () => Promise.reject(new AppError('unavailable', `${group}.${method}: ${reason}`));
  }
  return out as unknown as ServiceHandlers[G];
}
