import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import { dragImage, waitSaved } from './editor-helpers';
import { startE2eApp, type E2eApp } from './harness';
import { createProject, importSampleCopies } from './project-helpers';

/** Issue 12, defect 3: no edit is lost for want of a label, and a failed save says why and retries. */
describe('no edit lost: labels first, failed saves explained and retried', () => {
  let app: E2eApp;
  let imageId: ImageId;
  const stored = async () => (await app.service.handlers.annotations.list({ imageId })).items;

  beforeAll(async () => {
    app = await startE2eApp();
    const dir = await createProject(app, 'saving');
    await importSampleCopies(app, dir);
    await app.page.reload();
    await app.page.locator('.image-row.current', { hasText: 'sample-01.png' }).waitFor();
    imageId = (await app.service.handlers.images.list({ offset: 0, limit: 1, sort: 'name' })).items[0]!.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('asks for a label before drawing in a project without labels, and the shape survives a reload', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Box', exact: true }).click();
    await dragImage(page, [40, 40], [160, 140]);
    const ask = page.getByRole('dialog', { name: 'Create a label' });
    await ask.waitFor();
    await app.screenshot('need-label-dialog');
    // Nothing was drawn that could not be saved.
    await page.getByText('Annotations (0)').waitFor();
    expect(await page.locator('.status-bar').innerText()).not.toContain('Not saved');
    await page.getByLabel('Label name').fill('object');
    await page.keyboard.press('Enter');
    await ask.waitFor({ state: 'detached' });
    await dragImage(page, [40, 40], [160, 140]);
    await page.getByText('Annotations (1)').waitFor();
    await waitSaved(page);
    const labels = await app.service.handlers.labels.list({});
    expect(labels.map((l) => l.name)).toEqual(['object']);
    expect((await stored()).map((a) => [a.geometry.kind, a.labelId])).toEqual([['box', labels[0]!.id]]);
    await page.reload();
    await page.getByText('Annotations (1)').waitFor();
  });

  it('says why a save failed, keeps the edit, and saves it when the server accepts again', async () => {
    const page = app.page;
    let refusals = 0;
    await page.route('**/api/annotations/applyPatch', async (route) => {
      if (refusals === 0) {
        refusals++;
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            ok: false,
            error: { code: 'io_error', message: 'the disk is full (simulated)' },
          }),
        });
      } else {
        await route.continue();
      }
    });
    await page.getByRole('button', { name: 'Box', exact: true }).click();
    await dragImage(page, [300, 300], [420, 380]);
    const status = page.locator('.status-bar');
    await status.getByRole('alert').filter({ hasText: 'the disk is full (simulated)' }).waitFor();
    expect(await status.innerText()).toContain('Your edits are kept');
    await app.screenshot('save-failed-with-reason');
    // The edit is still on screen while the save is retried.
    await page.getByText('Annotations (2)').waitFor();
    await waitSaved(page);
    expect(refusals).toBe(1);
    expect((await stored()).map((a) => a.geometry.kind)).toEqual(['box', 'box']);
    await page.unroute('**/api/annotations/applyPatch');
  });
});
