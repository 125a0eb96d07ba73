import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRadioLabelService,
  type RadioLabelService,
  type ServiceOptions,
} from '../../../../src-main/core/api';
import { dispatch } from '../../../../src-main/core/service/dispatch';
import { type ApiGroup, type Result } from '@contract';

export const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface ServiceFixture {
  readonly dataDir: string;
  readonly service: RadioLabelService;
  /** One contract call through `dispatch` (validation included); an error Result throws with its code. */
  readonly call: <T>(group: string, method: string, input?: unknown) => Promise<T>;
  /** The raw Result, for tests about errors. */
  readonly raw: (group: string, method: string, input?: unknown) => Promise<Result<unknown>>;
  readonly dispose: () => Promise<void>;
}

/** A real service (real SQLite, real onnxruntime-node) on a temp data dir. */
export function serviceFixture(
  name: string,
  extra: Pick<ServiceOptions, 'modelConverters' | 'cataloguePath'> = {},
): ServiceFixture {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `radiolabel-${name}-`));
  const service = createRadioLabelService({
    dataDir,
    mode: 'browser',
    version: 't',
    appRoot: ROOT,
    ...extra,
  });
  const raw = (group: string, method: string, input: unknown = {}) =>
    dispatch(service.handlers, { group: group as ApiGroup, method }, input);
  return {
    dataDir,
    service,
    raw,
    call: async <T>(group: string, method: string, input: unknown = {}): Promise<T> => {
      const r = await raw(group, method, input);
      if (!r.ok) throw new Error(`${group}.${method}: ${r.error.code}: ${r.error.message}`);
      return r.value as T;
    },
    dispose: async () => {
      await service.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
