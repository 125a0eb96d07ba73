import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene, SAMPLE_SCENES } from '../../resources/sample/sample-scene';
import { decodeRle, maskIou } from '../../src-main/core/segment';
import { startHubServer, type HubServer } from '../fixtures/models/hub-server';
import { syntheticRepos, TINY_RADIO, writeSyntheticCatalogue } from '../fixtures/models/synthetic-hub';
import { testConverters } from '../fixtures/models/test-converters';
import { startE2eApp, type E2eApp } from './harness';
import { waitSaved } from './editor-helpers';

/**
 * The model manager in Chromium: a synthetic catalogue entry is installed from a local hub (licences
 * accepted one by one, progress with bytes, done), made the project's model, and used to segment. The
 * converter is the test converter (a tiny real bundle built with the GraphBuilder from the staged files).
 */
describe('model manager: install from a hub and segment with the new model', () => {
  let app: E2eApp;
  let hub: HubServer;
  let tmp: string;

  beforeAll(async () => {
    hub = await startHubServer(syntheticRepos());
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-models-'));
    app = await startE2eApp({
      modelConverters: testConverters({ withSam: false }).converters,
      cataloguePath: writeSyntheticCatalogue(path.join(tmp, 'catalogue.json')),
    });
    await app.service.handlers.settings.update({ modelMirrorBaseUrl: hub.url });
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the catalogue with licences and what each model gives, and the starter as it is', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.getByText('6 images').waitFor();
    await page.getByRole('button', { name: 'Models…', exact: true }).click();
    const manager = page.getByRole('dialog', { name: 'Model manager' });
    await manager.getByRole('row', { name: 'Tiny RADIO (test)' }).waitFor();
    const installed = manager.getByRole('region', { name: 'Installed models' });
    await expect.poll(() => installed.innerText()).toContain('Starter — colour & texture (not semantic)');
    const row = manager.getByRole('row', { name: 'Tiny RADIO (test)' });
    expect(await row.innerText()).toMatch(
      /Test Open Licence[\s\S]*commercial use allowed[\s\S]*Text prompts/,
    );
    const eradio = manager.getByRole('row', { name: 'Tiny E-RADIO (test)' });
    expect(await eradio.innerText()).toContain('Not installable: E-RADIO is not a ViT.');
    await app.screenshot('model-manager-1-catalogue');
  });

  it('installs with each licence accepted, shows progress with bytes, and makes the model the project model', async () => {
    const page = app.page;
    const manager = page.getByRole('dialog', { name: 'Model manager' });
    hub.faults.stall.set(`${TINY_RADIO}/model.safetensors`, 400_000);
    await manager.getByRole('button', { name: 'Install Tiny RADIO (test)' }).click();
    const panel = manager.getByRole('region', { name: 'Install Tiny RADIO (test)' });
    await panel.getByLabel('Install plan').waitFor();
    expect(await panel.getByLabel('Install plan').innerText()).toMatch(
      /test-nvidia\/tiny-radio[\s\S]*model\.safetensors/,
    );
    const install = panel.getByRole('button', { name: /^Install \(/ });
    expect(await install.isDisabled()).toBe(true);
    await panel.getByLabel('Accept Test Open Licence').check();
    expect(await install.isDisabled()).toBe(true); // the text tower's licence is still open
    await panel.getByLabel('Accept Apache License 2.0').check();
    await app.screenshot('model-manager-2-licences');
    await install.click();

    const progress = manager.getByRole('group', { name: 'Install Tiny RADIO (test)' });
    await progress.getByText('Downloading').waitFor();
    await expect.poll(() => progress.innerText()).toMatch(/\d+(\.\d)? (KB|MB) \/ \d+(\.\d)? (KB|MB)/);
    expect(await progress.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    await app.screenshot('model-manager-3-progress');
    hub.releaseStalls();

    await progress.getByText('Installed').waitFor({ timeout: 30_000 });
    const installed = manager.getByRole('region', { name: 'Installed models' });
    const newRow = installed.getByRole('row', { name: /tiny-radio-64-fp32/ });
    await newRow.waitFor();
    expect(await newRow.innerText()).toMatch(
      /Tiny RADIO \(test\) · 64 px · fp32[\s\S]*Text prompts[\s\S]*Similarity/,
    );
    await newRow.getByRole('button', { name: 'Use' }).click();
    await newRow.getByText('In use').waitFor();
    await app.screenshot('model-manager-4-installed');
    const status = await app.service.handlers.inference.status({});
    expect(status.modelId).toBe('tiny-radio-64-fp32');
  });

  it('segments with the installed model', async () => {
    const page = app.page;
    await page
      .getByRole('dialog', { name: 'Model manager' })
      .getByRole('button', { name: 'Close' })
      .first()
      .click();
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('tiny-radio-64-fp32');
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    await page.locator('.status-bar', { hasText: 'Embedding ready' }).waitFor();
    await page.getByLabel('Text prompt', { exact: true }).fill('red');
    await page.locator('.prompt-bar', { hasText: '1 found' }).waitFor();
    await page.getByRole('button', { name: 'Accept all' }).click();
    await waitSaved(page);
    const list = await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
    const imageId = list.items[0]!.id;
    const text = (await app.service.handlers.annotations.list({ imageId })).items.filter(
      (a) => a.source === 'text',
    );
    expect(text).toHaveLength(1);
    const g = text[0]!.geometry;
    if (g.kind !== 'mask') throw new Error(`expected a mask, got ${g.kind}`);
    const truth = renderScene(SAMPLE_SCENES[0]!);
    expect(maskIou(decodeRle(g.rle), truth.masks.red)).toBeGreaterThanOrEqual(0.9);
    await app.screenshot('model-manager-5-segmented');
  });
});

describe('model manager with the official catalogue', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists every official checkpoint with its licence, and says why E-RADIO cannot be installed', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.getByText('6 images').waitFor();
    await page.getByRole('button', { name: 'Models…', exact: true }).click();
    const manager = page.getByRole('dialog', { name: 'Model manager' });
    await manager.getByRole('row', { name: 'E-RADIO' }).waitFor();
    const names = await manager
      .locator('section[aria-label="Model catalogue"] tbody tr strong')
      .allInnerTexts();
    expect(names).toEqual([
      'C-RADIOv4-H',
      'C-RADIOv4-SO400M',
      'C-RADIOv3-B',
      'C-RADIOv3-L',
      'C-RADIOv3-H',
      'C-RADIOv3-g',
      'RADIOv2.5-B',
      'RADIOv2.5-L',
      'RADIOv2.5-H',
      'RADIOv2.5-g',
      'E-RADIO',
    ]);
    expect(await manager.getByRole('row', { name: 'RADIOv2.5-B' }).innerText()).toContain('non-commercial');
    expect(await manager.getByRole('row', { name: 'C-RADIOv3-B' }).innerText()).toContain(
      'commercial use allowed',
    );
    expect(await manager.getByRole('row', { name: 'E-RADIO' }).innerText()).toContain('is not a ViT');
    await app.screenshot('model-manager-0-official-catalogue');
  });
});
