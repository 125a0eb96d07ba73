import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';

describe('project picker and image list in Chromium', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('offers the sample project on first run and opens it', async () => {
    const page = app.page;
    await page.getByText('First time here?').waitFor();
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.getByText('6 images').waitFor();
    const names = await page.locator('.image-row .name').allInnerTexts();
    expect(names).toEqual([
      'sample-01.png',
      'sample-02.png',
      'sample-03.png',
      'sample-04.png',
      'sample-05.png',
      'sample-06.png',
    ]);
    const labels = await page.locator('.labels li button.link').allInnerTexts();
    expect(labels).toEqual(['red', 'green', 'blue', 'yellow']);
    // Thumbnails load through /media with the token cookie, never by path.
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.image-row img')];
      return imgs.length === 6 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    await app.screenshot('sample-project');
  });

  it('filters the image list by name', async () => {
    await app.page.getByLabel('Filter by name').fill('03');
    await app.page.getByText('1 image', { exact: true }).waitFor();
    expect(await app.page.locator('.image-row .name').allInnerTexts()).toEqual(['sample-03.png']);
    await app.page.getByLabel('Filter by name').fill('');
    await app.page.getByText('6 images').waitFor();
  });

  it('adds a label with the next free hotkey', async () => {
    await app.page.getByLabel('New label').fill('purple');
    await app.page.getByRole('button', { name: 'Add' }).click();
    await app.page.locator('.labels li', { hasText: 'purple' }).waitFor();
    expect(await app.page.locator('.labels li', { hasText: 'purple' }).locator('kbd').innerText()).toBe('5');
  });

  it('says CPU plainly, with the reason, when CUDA was asked for and is not available', async () => {
    await app.page.getByLabel('Execution provider').selectOption('cuda');
    const status = app.page.locator('.status-bar');
    await expect.poll(async () => status.innerText()).toContain('CPU (asked for CUDA: the CUDA provider');
    await app.screenshot('provider-fallback');
    await app.page.getByLabel('Execution provider').selectOption('cpu');
    await expect.poll(async () => status.innerText()).not.toContain('asked for');
  });

  it('exports the project as COCO from the dialog', async () => {
    const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'radiolabel-e2e-export-')), 'coco');
    await app.page.getByRole('button', { name: 'Export / import…' }).click();
    await app.page.getByText('Or write into a folder on this computer, by path').click();
    await app.page.getByLabel('Output folder').fill(outDir);
    await app.page.getByRole('button', { name: 'Export', exact: true }).click();
    await app.page.getByText(`Exported 6 images and 0 annotations to ${outDir}`).waitFor();
    expect(readdirSync(outDir).sort()).toEqual(['annotations', 'images']);
    await app.screenshot('export-dialog');
    await app.page
      .getByRole('dialog', { name: 'Export and import' })
      .getByRole('button', { name: 'Close' })
      .click();
  });
});
