import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Annotation } from '@contract';
import { ROOT, startE2eApp, type E2eApp } from './harness';
import { clickImage, dragImage, waitSaved } from './editor-helpers';

/** The annotation model in the editor: rotated box, polyline, point, image tag, typed attributes, crowd. */
describe('annotation model in Chromium with the real backend', () => {
  let app: E2eApp;
  let imageId = 0;
  const stored = async (): Promise<Annotation[]> =>
    (await app.service.handlers.annotations.list({ imageId: imageId as Annotation['imageId'] })).items;

  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('draws a rotated box, a polyline and a point, tags the image, and edits typed attributes', async () => {
    const page = app.page;
    await page.getByLabel('Project folder').fill(mkdtempSync(path.join(os.tmpdir(), 'radiolabel-model-')));
    await page.getByLabel('Project name').fill('Model');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('button', { name: 'Import images…' }).click();
    // Typed paths may sit behind a disclosure; older builds show the field at once.
    const byPath = page.getByText('Files or folders on this computer, by path');
    const paths = page.getByLabel('Paths to import');
    await byPath.or(paths).first().waitFor();
    if (!(await paths.isVisible())) await byPath.click();
    await paths.fill(path.join(ROOT, 'resources/sample/sample-01.png'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('1 added, 0 duplicates, 0 skipped').waitFor();
    await page.getByRole('dialog', { name: 'Import images' }).getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('New label').fill('car');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('.labels li', { hasText: 'car' }).waitFor();
    await page.locator('.image-row', { hasText: 'sample-01.png' }).click();
    imageId = (await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' })).items[0]!.id;

    await page.getByRole('button', { name: 'Rotated box', exact: true }).click();
    await dragImage(page, [40, 40], [160, 100]);
    await page.getByText('Annotations (1)').waitFor();
    // Declare an attribute on the label from the panel, then set it on the selected box.
    await page.getByLabel('Attribute name').fill('color');
    await page.getByLabel('Attribute type').selectOption('one_of');
    await page.getByLabel('Options').fill('red, blue');
    await page.getByRole('button', { name: 'Add to “car”' }).click();
    await page.getByLabel('color', { exact: true }).selectOption('blue');
    await page.getByLabel('crowd (iscrowd)').check();
    await page.getByRole('button', { name: 'Tag image “car”' }).click();

    await page.getByRole('button', { name: 'Polyline', exact: true }).click();
    for (const [x, y] of [
      [20, 200],
      [120, 230],
      [220, 200],
    ] as const) {
      await clickImage(page, x, y);
    }
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Point', exact: true }).click();
    await clickImage(page, 300, 60);
    await page.getByText('Annotations (4)').waitFor();
    await waitSaved(page);
    await app.screenshot('annotation-model');

    const items = await stored();
    expect(items.map((a) => a.geometry.kind)).toEqual(['rotated_box', 'tag', 'polyline', 'point']);
    const box = items[0]!;
    expect(box).toMatchObject({ iscrowd: true, attributes: { color: 'blue' } });
    expect(box.geometry).toMatchObject({ kind: 'rotated_box', rotationDeg: 0 });
    if (box.geometry.kind === 'rotated_box') {
      expect(Math.abs(box.geometry.widthPx - 120)).toBeLessThan(3);
      expect(Math.abs(box.geometry.cx - 100)).toBeLessThan(2);
    }
    const line = items[2]!.geometry;
    expect(line.kind === 'polyline' && line.points.length).toBe(6);
    const labels = await app.service.handlers.labels.list({});
    expect(labels[0]!.attributes).toEqual([
      { kind: 'one_of', name: 'color', options: ['red', 'blue'], default: 'red' },
    ]);
  });
});
