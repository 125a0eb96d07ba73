import { API_METHODS, type ApiError, type ApiGroup } from '@contract';
import { type RadioLabelService } from '../core/api';
import { type CliApi } from './command';

/** A contract call that failed: the service's error as data. */
export class CliCallError extends Error {
  override readonly name = 'CliCallError';
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** Every contract method as an async function over the service's one dispatch (zod validation included). */
export function cliApi(service: RadioLabelService): CliApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const group of Object.keys(API_METHODS) as ApiGroup[]) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const method of API_METHODS[group]) {
      methods[method] = async (input) => {
        const result = await service.call(group, method, input);
        if (!result.ok) throw new CliCallError(result.error);
        return result.value;
      };
    }
    api[group] = methods;
  }
  return api as unknown as CliApi;
}
