import { type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';
import { autoLabelAll, currentFile } from './project-helpers';

/**
 * Issue 12, defect 10: review and feedback. Every pending proposal drawn, a status that follows the
 * review, PgDn across the project, no layout jump, a busy sign, the model's vocabulary with errors
 * beside the prompt, labelled sliders, zoom %, Escape, plurals, simplified polygons, merge and split.
 */
describe('review and feedback', () => {
  let app: E2eApp;
  const drawn = async () => Number(await app.page.locator('.canvas-host').getAttribute('data-proposals'));
  const canvasTop = async () => (await app.page.locator('.canvas-host').boundingBox())!.y;
  const bar = () => app.page.getByRole('region', { name: 'Review proposals' });
  const imageId = async (name: string) =>
    (await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' })).items.find(
      (i) => i.fileName === name,
    )!.id;

  beforeAll(async () => {
    app = await startE2eApp();
    const page = app.page;
    await page.getByRole('button', { name: 'Open sample project' }).first().click();
    await page.getByText('6 images').waitFor();
    await autoLabelAll(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('draws every pending proposal, counts them in words, and the canvas does not jump', async () => {
    const page = app.page;
    await expect.poll(() => currentFile(page)).toBe('sample-01.png');
    await bar().getByText('2 proposals on this image').waitFor();
    expect(await drawn()).toBe(2);
    const top = await canvasTop();
    await app.screenshot('review-all-proposals');
    await bar().focus();
    await page.keyboard.press('Enter');
    await bar().getByText('1 proposal on this image').waitFor();
    expect(await drawn()).toBe(1);
    await page.keyboard.press('Shift+Enter');
    await bar().waitFor({ state: 'detached' });
    expect(await drawn()).toBe(0);
    expect(await canvasTop()).toBe(top);
    // Nothing left to review: the status box says so at once.
    await expect.poll(() => page.getByLabel('Image status').inputValue()).toBe('in_progress');
    expect((await app.service.handlers.images.get({ imageId: await imageId('sample-01.png') })).status).toBe(
      'in_progress',
    );
  });

  it('PgDn goes to the next image with proposals anywhere in the project, wrapping around', async () => {
    const page = app.page;
    await page.locator('.brand').click();
    await page.keyboard.press('PageDown');
    await expect.poll(() => currentFile(page)).toBe('sample-02.png');
    for (const next of [
      'sample-03.png',
      'sample-04.png',
      'sample-05.png',
      'sample-06.png',
      'sample-02.png',
    ]) {
      await page.locator('.brand').click();
      await page.keyboard.press('PageDown');
      await expect.poll(() => currentFile(page)).toBe(next);
    }
  });

  it('shows a busy sign while a prompt computes, and the vocabulary with errors beside the prompt', async () => {
    const page = app.page;
    const help = page.locator('.prompt-bar .prompt-help');
    expect(await help.innerText()).toMatch(
      /^Starter model: colours and textures, not objects\. Knows \d+ words: red, /,
    );
    const held: Route[] = [];
    await page.route('**/api/inference/segmentText', (route) => void held.push(route));
    await page.getByLabel('Text prompt', { exact: true }).fill('green');
    await page.getByRole('status', { name: 'Working' }).waitFor();
    await app.screenshot('busy-indicator');
    for (const r of held) await r.continue();
    await page.unroute('**/api/inference/segmentText');
    await page.getByRole('status', { name: 'Working' }).waitFor({ state: 'detached' });
    await page.getByLabel('Text prompt', { exact: true }).fill('person');
    await page
      .locator('.prompt-bar')
      .getByRole('alert')
      .getByText('"person" not in this model\'s vocabulary')
      .waitFor();
    await app.screenshot('prompt-vocabulary-error');
    await page.getByLabel('Text prompt', { exact: true }).fill('');
  });

  it('labels its sliders, shows the zoom, and Escape closes dialogs', async () => {
    const page = app.page;
    await page.getByLabel('Polygon tolerance').waitFor();
    expect(await page.locator('.toolbar label', { hasText: 'Tolerance' }).innerText()).toContain('1.5 px');
    expect(await page.getByLabel('Zoom').innerText()).toMatch(/^\d+%$/);
    await page.locator('.brand').click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Export / import…' }).click();
    await page.getByRole('dialog', { name: 'Export and import' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Export and import' }).waitFor({ state: 'detached' });
  });

  it('turns a mask into a simplified polygon, and merges and splits shapes as undoable steps', async () => {
    const page = app.page;
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    await expect.poll(() => currentFile(page)).toBe('sample-01.png');
    await page.getByText('Annotations (2)').waitFor();
    const id = await imageId('sample-01.png');
    const stored = async () => (await app.service.handlers.annotations.list({ imageId: id })).items;
    // The red disc (a mask from auto-label) → a polygon: smooth, not a pixel staircase.
    await page.locator('.annotations li', { hasText: 'red · Mask' }).getByRole('button').first().click();
    await page.getByRole('button', { name: '→ Polygon' }).click();
    await page.locator('.annotations li', { hasText: 'red · Polygon' }).waitFor();
    await page.locator('.status-bar .save-saved').waitFor();
    const polygon = (await stored()).find((a) => a.geometry.kind === 'polygon')!.geometry;
    const points = polygon.kind === 'polygon' ? polygon.rings.reduce((n, r) => n + r.length / 2, 0) : 0;
    expect(points).toBeGreaterThan(12);
    expect(points).toBeLessThan(80);
    // Merge both shapes (a polygon and a mask: merged as one mask), undo, then split the merged one.
    await page.locator('.brand').click();
    await page.keyboard.press('Control+a');
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByText('Annotations (1)').waitFor();
    await page.locator('.status-bar .save-saved').waitFor();
    expect((await stored()).map((a) => a.geometry.kind)).toEqual(['mask']);
    await page.keyboard.press('Control+z');
    await page.getByText('Annotations (2)').waitFor();
    // The browser's own undo did not run: it would have put the focus back into the prompt box.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).not.toBe(
      'Text prompt',
    );
    await page.keyboard.press('Control+Shift+z');
    await page.getByText('Annotations (1)').waitFor();
    await page.keyboard.press('Control+a');
    await page.getByRole('button', { name: 'Split', exact: true }).click();
    await page.getByText('Annotations (2)').waitFor();
    await page.locator('.status-bar .save-saved').waitFor();
    expect((await stored()).map((a) => a.geometry.kind)).toEqual(['mask', 'mask']);
  });
});
