import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene, SAMPLE_SCENES } from '../../resources/sample/sample-scene';
import { decodeRle, maskIou } from '../../src-main/core/segment';
import { startHubServer, type HubServer } from '../fixtures/models/hub-server';
import {
  syntheticRepos,
  TINY_RADIO,
  writeSyntheticCatalogue,
  type RepoFiles,
} from '../fixtures/models/synthetic-hub';
import { type ServiceOptions } from '../../src-main/core/api';
import { testConverters } from '../fixtures/models/test-converters';
import { startE2eApp, type E2eApp } from './harness';
import { clickImage, waitSaved } from './editor-helpers';
import {
  OFFICIAL_ID,
  OFFICIAL_SAM,
  officialRepos,
  writeOfficialCatalogue,
} from '../fixtures/models/official-hub';

/** Opens the sample project, then the model manager. */
async function openManagerOnSample(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Open sample project' }).first().click();
  await page.getByText('6 images').waitFor();
  await page.getByRole('button', { name: 'Models…', exact: true }).click();
  return page.getByRole('dialog', { name: 'Model manager' });
}

/** The app in browser mode with a catalogue whose repositories a local hub serves (the mirror setting). */
async function appWithHub(
  repos: Map<string, RepoFiles>,
  writeCatalogue: (file: string) => string,
  extra: Pick<ServiceOptions, 'modelConverters'> = {},
): Promise<{ app: E2eApp; hub: HubServer; close: () => Promise<void> }> {
  const hub = await startHubServer(repos);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-models-'));
  const app = await startE2eApp({
    ...extra,
    cataloguePath: writeCatalogue(path.join(tmp, 'catalogue.json')),
  });
  await app.service.handlers.settings.update({ modelMirrorBaseUrl: hub.url });
  return {
    app,
    hub,
    close: async () => {
      await app.close();
      await hub.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * The model manager in Chromium: a synthetic catalogue entry is installed from a local hub (licences
 * accepted one by one, progress with bytes, done), made the project's model, and used to segment. The
 * converter is the test converter (a tiny real bundle built with the GraphBuilder from the staged files).
 */
describe('model manager: install from a hub and segment with the new model', () => {
  let app: E2eApp;
  let hub: HubServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, hub, close } = await appWithHub(syntheticRepos(), writeSyntheticCatalogue, {
      modelConverters: testConverters({ withSam: false }).converters,
    }));
  });
  afterAll(() => close?.());

  it('lists the catalogue with licences and what each model gives, and the starter as it is', async () => {
    const page = app.page;
    const manager = await openManagerOnSample(page);
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
    const manager = await openManagerOnSample(page);
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

/**
 * The same walk with the built-in converters and nothing faked: a catalogue entry whose files are
 * synthetic checkpoints in the official layouts (RADIO with siglip2-g + sam adaptors, SigLIP2, SAM) is
 * planned at SAM's input size, downloaded from a local hub, converted in the conversion worker, used, and
 * segmented with a text prompt and a click through the converted SAM decoder.
 */
describe('model manager with the built-in converters: an official-layout checkpoint', () => {
  let app: E2eApp;
  let close: () => Promise<void>;
  const name = 'Tiny C-RADIO (official layout, test)';
  const bundleId = `${OFFICIAL_ID}-${OFFICIAL_SAM.imageSize}-fp32`;

  beforeAll(async () => {
    ({ app, close } = await appWithHub(officialRepos(), writeOfficialCatalogue));
  });
  afterAll(() => close?.());

  it('plans at SAM input size, installs from the hub with the real converters, and becomes the model', async () => {
    const page = app.page;
    const manager = await openManagerOnSample(page);
    const row = manager.getByRole('row', { name });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Text prompts[\s\S]*Click decoder[\s\S]*Similarity/);
    await manager.getByRole('button', { name: `Install ${name}` }).click();
    const panel = manager.getByRole('region', { name: `Install ${name}` });
    const plan = panel.getByLabel('Install plan');
    await plan.waitFor();
    expect(await plan.innerText()).toMatch(
      /test-nvidia\/tiny-c-radio[\s\S]*test-google\/tiny-siglip2-text[\s\S]*test-facebook\/tiny-sam[\s\S]*Click decoder: the encoder is built at 256 × 256 px, SAM's own input size/,
    );
    const size = panel.getByLabel('Input size');
    await expect.poll(() => size.inputValue()).toBe(String(OFFICIAL_SAM.imageSize));
    expect(await size.locator('option:checked').innerText()).toContain('(SAM decoder input)');
    await panel.getByLabel('Accept Test Open Licence').check();
    await panel.getByLabel('Accept Apache License 2.0').check();
    await app.screenshot('model-manager-6-official-plan');
    await panel.getByRole('button', { name: /^Install \(/ }).click();

    const progress = manager.getByRole('group', { name: `Install ${name}` });
    await progress.getByText('Installed').waitFor({ timeout: 60_000 });
    const newRow = manager
      .getByRole('region', { name: 'Installed models' })
      .getByRole('row', { name: new RegExp(bundleId) });
    await newRow.waitFor();
    expect(await newRow.innerText()).toMatch(/Text prompts[\s\S]*Click decoder[\s\S]*Similarity/);
    await newRow.getByRole('button', { name: 'Use' }).click();
    await newRow.getByText('In use').waitFor();
    await app.screenshot('model-manager-7-official-installed');
    expect((await app.service.handlers.inference.status({})).modelId).toBe(bundleId);
    await manager.getByRole('button', { name: 'Close' }).first().click();
  });

  it('segments with a text prompt and with a click through the converted SAM decoder', async () => {
    const page = app.page;
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    await page.locator('.status-bar', { hasText: 'Embedding ready' }).waitFor({ timeout: 60_000 });
    const imageId = (await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' })).items[0]!
      .id;
    const stored = async () => (await app.service.handlers.annotations.list({ imageId })).items;

    // Text: what the editor accepts is exactly what the service computes for the prompt.
    const want = await app.service.handlers.inference.segmentText({
      imageId,
      prompts: ['red'],
      refine: true,
    });
    expect(want.instances.length).toBeGreaterThan(0);
    await page.getByLabel('Text prompt', { exact: true }).fill('red');
    await page.locator('.prompt-bar', { hasText: `${want.instances.length} found` }).waitFor();
    await page.getByRole('button', { name: 'Accept all' }).click();
    await waitSaved(page);
    const text = (await stored()).filter((a) => a.source === 'text');
    expect(text).toHaveLength(want.instances.length);
    for (const a of text) {
      if (a.geometry.kind !== 'mask') throw new Error(`expected a mask, got ${a.geometry.kind}`);
      expect(want.instances.map((i) => i.rle.counts)).toContain(a.geometry.rle.counts);
    }

    // Click: the bundle's SAM decoder answers (not the similarity fallback), and the mask is not empty.
    const click = { x: 120, y: 90, positive: true };
    const decoded = await app.service.handlers.inference.segmentClick({
      imageId,
      clicks: [click],
      refine: true,
    });
    expect(decoded.method).toBe('decoder');
    expect(decoded.instances).toHaveLength(1);
    await page.getByRole('button', { name: 'Click-segment' }).click();
    await clickImage(page, click.x, click.y);
    await page.waitForFunction(() =>
      document.querySelector('.annotations')?.textContent?.includes('proposals pending'),
    );
    await page.keyboard.press('Enter');
    await waitSaved(page);
    const clicked = (await stored()).filter((a) => a.source === 'click');
    expect(clicked).toHaveLength(1);
    const g = clicked[0]!.geometry;
    if (g.kind !== 'mask') throw new Error(`expected a mask, got ${g.kind}`);
    const mask = decodeRle(g.rle);
    expect(mask.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(g.rle.counts).toBe(decoded.instances[0]!.rle.counts);
    await app.screenshot('model-manager-8-official-segmented');
  });
});
