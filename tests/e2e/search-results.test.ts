import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';
import { whereAmI } from './project-helpers';

interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/**
 * Issue 12, defect 8: search hits show file names and a crop of what matched, object hits keep a
 * similarity threshold, and a click opens the image zoomed to the object.
 */
describe('search results with names, crops and a threshold', () => {
  let app: E2eApp;
  const view = async (): Promise<View> =>
    JSON.parse((await app.page.locator('.canvas-host').getAttribute('data-view')) ?? '{}') as View;

  beforeAll(async () => {
    app = await startE2eApp();
    const page = app.page;
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.getByText('6 images').waitFor();
    await page.getByRole('button', { name: 'Precompute' }).click();
    await page.locator('.jobs li', { hasText: 'Precompute embeddings · done' }).waitFor({ timeout: 60_000 });
    // One red annotation on sample-01 to search from.
    await page.getByLabel('Text prompt', { exact: true }).fill('red');
    await page.locator('.prompt-bar', { hasText: /(^|[^0-9])1 (instance )?found/ }).waitFor();
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.locator('.status-bar .save-saved').waitFor();
    await page.locator('.annotations li button.link').first().click();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists object hits above the threshold with file names and crops', async () => {
    const page = app.page;
    const search = page.getByRole('region', { name: 'Search' });
    await search.getByLabel('Minimum similarity').fill('0');
    await search.getByRole('button', { name: 'Similar objects' }).click();
    const hits = search.locator('.hits li');
    await hits.first().waitFor();
    const all = await hits.allInnerTexts();
    await search.getByLabel('Minimum similarity').fill('0.9');
    await search.getByRole('button', { name: 'Similar objects' }).click();
    await expect.poll(async () => (await hits.allInnerTexts()).join('|')).not.toBe(all.join('|'));
    const strict = await hits.allInnerTexts();
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.length).toBeLessThan(all.length);
    for (const text of strict) {
      expect(text).toMatch(/^sample-0\d\.png\nsimilarity (0\.9\d|1\.00)$/);
    }
    expect(await search.locator('.hits canvas.crop').count()).toBe(strict.length);
    expect(await search.getByRole('button', { name: /^Label these \(\d+\)$/ }).innerText()).toBe(
      `Label these (${strict.length})`,
    );
    await app.screenshot('search-hits');
  });

  it('opens the image of a hit zoomed and centred on the object', async () => {
    const page = app.page;
    const fitted = (await view()).scale;
    const hit = page.locator('.search .hits li button').first();
    const name = (await hit.locator('.name').innerText()).trim();
    await hit.click();
    await expect.poll(() => whereAmI(page)).toContain(name);
    await expect.poll(async () => (await view()).scale).toBeGreaterThan(fitted * 1.2);
    const host = await page.locator('.canvas-host').boundingBox();
    const hits = await app.service.handlers.search.similarObjects({
      annotationId: (
        await app.service.handlers.annotations.list({
          imageId: (await app.service.handlers.images.list({ offset: 0, limit: 1, sort: 'name' })).items[0]!
            .id,
        })
      ).items[0]!.id,
      topK: 20,
      minScore: 0.9,
      maxPerImage: 3,
      heatmaps: false,
    });
    const [x, y, w, h] = hits[0]!.bbox;
    const v = await view();
    const cx = v.offsetX + (x + w / 2) * v.scale;
    const cy = v.offsetY + (y + h / 2) * v.scale;
    expect(Math.abs(cx - host!.width / 2)).toBeLessThan(2);
    expect(Math.abs(cy - host!.height / 2)).toBeLessThan(2);
    await app.screenshot('search-hit-opened');
  });
});
