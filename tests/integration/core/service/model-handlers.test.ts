import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppEvent,
  type CatalogueEntry,
  type InstallPlan,
  type InstallStatus,
  type ModelSummary,
} from '@contract';
import { startHubServer, type HubServer } from '../../../fixtures/models/hub-server';
import { syntheticRepos, TINY_RADIO, writeSyntheticCatalogue } from '../../../fixtures/models/synthetic-hub';
import { testConverters } from '../../../fixtures/models/test-converters';
import { serviceFixture, type ServiceFixture } from './service-fixture';

let hub: HubServer;
let fx: ServiceFixture;
let tmp: string;
const events: AppEvent[] = [];

beforeAll(async () => {
  hub = await startHubServer(syntheticRepos());
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-model-handlers-'));
  fx = serviceFixture('models', {
    modelConverters: testConverters().converters,
    cataloguePath: writeSyntheticCatalogue(path.join(tmp, 'catalogue.json')),
  });
  fx.service.events.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await fx.dispose();
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

const installEvents = (): InstallStatus[] =>
  events.flatMap((e) => (e.kind === 'model_install' ? [e.install] : []));

describe('models group through the service', () => {
  it('lists the catalogue with what each entry provides, its licence and memory', async () => {
    const { entries } = await fx.call<{ entries: CatalogueEntry[] }>('models', 'catalogue');
    const tiny = entries.find((e) => e.id === 'tiny-radio');
    expect(tiny).toMatchObject({
      licence: { id: 'test-open', commercialUse: true },
      provides: { textPrompts: true, clickDecoder: false, similarity: true },
      blocker: null,
      installedModelIds: [],
      downloadBytes: null,
    });
    expect(tiny?.memoryAtPreferred?.fp16).toBeLessThan(tiny?.memoryAtPreferred?.fp32 ?? 0);
    expect(entries.find((e) => e.id === 'tiny-eradio')?.blocker).toBe('E-RADIO is not a ViT.');
  });

  it('plans, installs with progress events, lists, selects, and removes a model', async () => {
    const plan = await fx.call<InstallPlan>('models', 'installPlan', {
      catalogueId: 'tiny-radio',
      mirrorBaseUrl: hub.url,
    });
    expect(plan.licences.map((l) => l.id)).toEqual(['test-open', 'apache-2.0']);
    expect(plan.freeDiskBytes).toBeGreaterThan(plan.requiredDiskBytes);
    const refused = await fx.raw('models', 'install', { catalogueId: 'tiny-radio', mirrorBaseUrl: hub.url });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const model = await fx.call<ModelSummary>('models', 'install', {
      installId: 'install-0001',
      catalogueId: 'tiny-radio',
      mirrorBaseUrl: hub.url,
      acceptLicences: ['test-open', 'apache-2.0'],
    });
    expect(model).toMatchObject({
      id: 'tiny-radio-64-fp32',
      hasText: true,
      builtIn: false,
      isStarter: false,
    });
    const mine = installEvents().filter((s) => s.installId === 'install-0001');
    expect(mine[0]?.state).toBe('planning');
    expect(mine.at(-1)).toMatchObject({ state: 'done', modelId: 'tiny-radio-64-fp32', message: null });
    expect(mine.some((s) => s.state === 'downloading' && s.totalBytes === plan.downloadBytes)).toBe(true);
    const installs = await fx.call<InstallStatus[]>('models', 'installs');
    expect(installs[0]).toMatchObject({ installId: 'install-0001', state: 'done' });

    const listed = await fx.call<ModelSummary[]>('models', 'list');
    expect(listed.find((m) => m.id === 'tiny-radio-64-fp32')?.diskBytes).toBeGreaterThan(0);
    const { entries } = await fx.call<{ entries: CatalogueEntry[] }>('models', 'catalogue');
    expect(entries.find((e) => e.id === 'tiny-radio')?.installedModelIds).toEqual(['tiny-radio-64-fp32']);

    await fx.call('models', 'select', { modelId: 'tiny-radio-64-fp32' });
    const removed = await fx.call('models', 'remove', { modelId: 'tiny-radio-64-fp32' });
    expect(removed).toEqual({
      removed: 'tiny-radio-64-fp32',
      dir: path.join(fx.dataDir, 'models', 'tiny-radio-64-fp32'),
      selectedModelId: 'starter',
    });
    expect(existsSync(path.join(fx.dataDir, 'models', 'tiny-radio-64-fp32'))).toBe(false);
    expect(await fx.raw('models', 'remove', { modelId: 'starter' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('cancels a running install by its id: a cancelled event, nothing kept', async () => {
    hub.faults.stall.set(`${TINY_RADIO}/model.safetensors`, 50_000);
    const stop = fx.service.events.subscribe((e) => {
      if (
        e.kind === 'model_install' &&
        e.install.installId === 'install-0002' &&
        e.install.state === 'downloading'
      )
        void fx.call('models', 'cancelInstall', { installId: 'install-0002' });
    });
    const r = await fx.raw('models', 'install', {
      installId: 'install-0002',
      catalogueId: 'tiny-radio',
      mirrorBaseUrl: hub.url,
      acceptLicences: ['test-open', 'apache-2.0'],
    });
    stop();
    hub.faults.stall.clear();
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'cancelled', message: 'The install was cancelled; nothing was kept.' },
    });
    expect(
      installEvents()
        .filter((s) => s.installId === 'install-0002')
        .at(-1)?.state,
    ).toBe('cancelled');
    expect(readdirSync(path.join(fx.dataDir, 'models'))).toEqual([]);
  });
});
