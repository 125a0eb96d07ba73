import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene, SAMPLE_SCENES } from '../../resources/sample/sample-scene';
import { decodeRle, maskIou } from '../../src-main/core/segment';
import { type Annotation, type Label } from '@contract';
import { ROOT, startE2eApp, type E2eApp } from './harness';
import { annotationRows, clickImage, dragImage, waitSaved } from './editor-helpers';

/** The walk: project, import, box + polygon with undo/redo, text prompt, click, hotkey, reload. */
describe('editor walk in Chromium with the real backend and the starter bundle', () => {
  let app: E2eApp;
  let imageId = 0;
  const scene = SAMPLE_SCENES[0]!;
  const truth = renderScene(scene);

  const stored = async (): Promise<Annotation[]> => {
    const r = await app.service.handlers.annotations.list({ imageId: imageId as Annotation['imageId'] });
    return r.items;
  };
  const labels = async (): Promise<Label[]> => app.service.handlers.labels.list({});

  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates a project and imports the sample images', async () => {
    const page = app.page;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-walk-'));
    await page.getByLabel('Project folder').fill(dir);
    await page.getByLabel('Project name').fill('Walk');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'Import images…' }).click();
    await page.getByText('Files or folders on this computer, by path').click();
    await page.getByLabel('Paths to import').fill(path.join(ROOT, 'resources/sample'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('6 added, 0 duplicates, 0 skipped').waitFor();
    await page.getByRole('dialog', { name: 'Import images' }).getByRole('button', { name: 'Close' }).click();
    for (const name of ['red', 'blue']) {
      await page.getByLabel('New label').fill(name);
      await page.getByRole('button', { name: 'Add' }).click();
      await page.locator('.labels li', { hasText: name }).waitFor();
    }
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    await page.locator('.status-bar', { hasText: 'Embedding ready' }).waitFor();
    const list = await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
    imageId = list.items[0]!.id;
    expect(list.total).toBe(6);
  });

  it('draws a box and a polygon, then undoes and redoes both', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Box', exact: true }).click();
    await dragImage(page, [20, 300], [120, 420]);
    await page.getByRole('button', { name: 'Polygon', exact: true }).click();
    for (const [x, y] of [
      [20, 20],
      [140, 20],
      [140, 90],
      [20, 90],
    ] as const) {
      await clickImage(page, x, y);
    }
    await page.keyboard.press('Enter');
    await page.getByText('Annotations (2)').waitFor();
    await waitSaved(page);
    await app.screenshot('walk-1-box-polygon');
    expect((await stored()).map((a) => a.geometry.kind).sort()).toEqual(['box', 'polygon']);
    const box = (await stored()).find((a) => a.geometry.kind === 'box')!.geometry;
    expect(box).toMatchObject({ kind: 'box' });
    if (box.kind === 'box') {
      expect(Math.abs(box.x - 20)).toBeLessThan(2);
      expect(Math.abs(box.widthPx - 100)).toBeLessThan(3);
    }
    await app.screenshot('walk-1-box-polygon');

    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.getByText('Annotations (0)').waitFor();
    await waitSaved(page);
    expect(await stored()).toHaveLength(0);
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await page.getByText('Annotations (2)').waitFor();
    await waitSaved(page);
    expect((await stored()).map((a) => a.geometry.kind).sort()).toEqual(['box', 'polygon']);
  });

  it('turns the text prompt "red" into a mask of the red disc', async () => {
    const page = app.page;
    await page.getByLabel('Text prompt', { exact: true }).fill('red');
    await page.locator('.prompt-bar', { hasText: '1 found' }).waitFor();
    await app.screenshot('walk-2-heatmap');
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.getByText('Annotations (3)').waitFor();
    await waitSaved(page);
    const text = (await stored()).filter((a) => a.source === 'text');
    expect(text).toHaveLength(1);
    const g = text[0]!.geometry;
    if (g.kind !== 'mask') throw new Error(`expected a mask, got ${g.kind}`);
    expect(maskIou(decodeRle(g.rle), truth.masks.red)).toBeGreaterThanOrEqual(0.9);
    const red = (await labels()).find((l) => l.name === 'red')!;
    expect(text[0]!.labelId).toBe(red.id);
  });

  it('click-segments the blue rectangle and relabels it with hotkey 2', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Click-segment' }).click();
    await clickImage(page, 460, 195);
    await page.waitForFunction(() =>
      document.querySelector('.annotations')?.textContent?.includes('proposals pending'),
    );
    await page.keyboard.press('Enter');
    await page.getByText('Annotations (4)').waitFor();
    await waitSaved(page);
    const click = (await stored()).filter((a) => a.source === 'click');
    expect(click).toHaveLength(1);
    const g = click[0]!.geometry;
    if (g.kind !== 'mask') throw new Error(`expected a mask, got ${g.kind}`);
    expect(maskIou(decodeRle(g.rle), truth.masks.blue)).toBeGreaterThanOrEqual(0.9);
    // The accepted shape is selected: hotkey 2 (the "blue" label) relabels it.
    await page.keyboard.press('2');
    await waitSaved(page);
    const blue = (await labels()).find((l) => l.name === 'blue')!;
    await expect.poll(async () => (await stored()).find((a) => a.source === 'click')?.labelId).toBe(blue.id);
    await app.screenshot('walk-3-masks');
  });

  it('keeps everything after a reload', async () => {
    const page = app.page;
    await page.reload();
    await page.getByText('Annotations (4)').waitFor();
    const rows = await annotationRows(page);
    expect(rows.filter((r) => r.includes('Mask'))).toHaveLength(2);
    expect(rows.some((r) => r.includes('Box'))).toBe(true);
    expect(rows.some((r) => r.includes('Polygon'))).toBe(true);
    expect(scene.name).toBe('sample-01.png');
    await app.screenshot('walk-4-after-reload');
  });
});
