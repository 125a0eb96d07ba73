import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRadioLabelService } from '../../../../src-main/core/api';
import { dispatch } from '../../../../src-main/core/service/dispatch';
import { type Result } from '../../../../src-preload/contract/result';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

describe('inference handlers with the starter bundle (real onnxruntime-node)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-inference-handlers-'));
  const service = createRadioLabelService({ dataDir, mode: 'browser', version: 't', appRoot: ROOT });
  const call = async <T>(group: string, method: string, input: unknown = {}): Promise<T> => {
    const r = (await dispatch(service.handlers, { group: group as 'projects', method }, input)) as Result<T>;
    if (!r.ok) throw new Error(`${group}.${method}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  let imageId = 0;
  beforeAll(async () => {
    await call('projects', 'openSample');
    imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1, sort: 'name' })).items[0]!.id;
  });
  afterAll(async () => {
    await service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the starter bundle, labelled as not semantic', async () => {
    const models = await call<{ id: string; name: string; isStarter: boolean }[]>('models', 'list');
    const starter = models.find((m) => m.isStarter);
    expect(starter?.id).toBe('starter');
    expect(starter?.name).toMatch(/not semantic/i);
  });

  it('reports the model and the provider', async () => {
    const status = await call<{ modelId: string; provider: { active: string } }>('inference', 'status');
    expect(status.modelId).toBe('starter');
    expect(status.provider.active).toBe('cpu');
  });

  it('embeds once, then serves the cache', async () => {
    const first = await call<{ cached: boolean }>('inference', 'embed', { imageId });
    expect(first.cached).toBe(false);
    const second = await call<{ cached: boolean }>('inference', 'embed', { imageId });
    expect(second.cached).toBe(true);
    const info = await call<{ images: number }>('projects', 'current');
    expect(info.images).toBe(6);
  });

  it('rejects selecting an unknown model by name', async () => {
    const r = await dispatch(service.handlers, { group: 'models', method: 'select' }, { modelId: 'nope' });
    expect(r.ok ? null : r.error.message).toBe('no model with id "nope"');
  });
});
