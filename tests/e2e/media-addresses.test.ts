import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToScreen } from './editor-helpers';
import { startE2eApp, type E2eApp } from './harness';

const MAGENTA = [255, 0, 255];

/** The colour on screen at an image pixel of the editor canvas. */
async function pixelAt(page: Page, xPx: number, yPx: number): Promise<number[]> {
  const p = await imageToScreen(page, xPx, yPx);
  const png = await page.screenshot({
    clip: { x: Math.round(p.x), y: Math.round(p.y), width: 1, height: 1 },
  });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, 3)];
}

const near = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= 8);

/** Issue 12, defect 1: a new project's first image must show its own pixels, not the sample's. */
describe('media addresses across projects (Chromium)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("shows a new project's first image, not the sample's image of the same id, also after a reload (and a TIFF)", async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    await expect.poll(() => pixelAt(page, 320, 240), { timeout: 20_000 }).not.toEqual([20, 22, 26]);
    const sampleCentre = await pixelAt(page, 320, 240);
    expect(near(sampleCentre, MAGENTA)).toBe(false);

    const imagesDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-e2e-magenta-'));
    await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 255, g: 0, b: 255 } } })
      .png()
      .toFile(path.join(imagesDir, 'a-magenta.png'));
    // A TIFF, which Chromium cannot decode itself: served as a PNG copy, so the canvas shows it.
    await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 0, g: 255, b: 255 } } })
      .tiff()
      .toFile(path.join(imagesDir, 'b-cyan.tiff'));
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.getByLabel('Project folder').fill(mkdtempSync(path.join(os.tmpdir(), 'radiolabel-e2e-mine-')));
    await page.getByLabel('Project name').fill('Mine');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'Import images…' }).click();
    // Typed paths sit behind a disclosure now; older builds show the field at once (so that this test
    // checks the same defect on either).
    const byPath = page.getByText('Files or folders on this computer, by path');
    const paths = page.getByLabel('Paths to import');
    await byPath.or(paths).first().waitFor();
    if (!(await paths.isVisible())) await byPath.click();
    await paths.fill(imagesDir);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 added, 0 duplicates, 0 skipped').waitFor();
    await page.getByRole('dialog', { name: 'Import images' }).getByRole('button', { name: 'Close' }).click();
    const mine = await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
    expect(mine.items.map((i) => i.id)).toEqual([1, 2]); // the same ids the sample's images had

    await page.locator('.image-row', { hasText: 'a-magenta.png' }).click();
    await expect
      .poll(async () => near(await pixelAt(page, 320, 240), MAGENTA), { timeout: 20_000 })
      .toBe(true);
    await app.screenshot('media-new-project-first-image');
    await page.locator('.image-row', { hasText: 'b-cyan.tiff' }).click();
    await expect
      .poll(async () => near(await pixelAt(page, 320, 240), [0, 255, 255]), { timeout: 20_000 })
      .toBe(true);

    await page.reload();
    await page.locator('.image-row', { hasText: 'a-magenta.png' }).click();
    await expect
      .poll(async () => near(await pixelAt(page, 320, 240), MAGENTA), { timeout: 20_000 })
      .toBe(true);
  });
});
