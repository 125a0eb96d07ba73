import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';
import { createProject, SAMPLE_DIR } from './project-helpers';

/**
 * Issue 12, defect 7 (browser mode): a file input and drag and drop upload into the project folder,
 * through the same checks as an import; nothing is ever overwritten. (Export downloads are in
 * export-dialog.test.ts; the desktop app's native dialogs in the service tests.)
 */
describe('files: upload, drop, never overwrite', () => {
  let app: E2eApp;
  let dir = '';
  const sample = (n: number) => readFileSync(path.join(SAMPLE_DIR, `sample-0${n}.png`));

  beforeAll(async () => {
    app = await startE2eApp();
    dir = await createProject(app, 'files');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows how to add images in an empty project', async () => {
    await app.page.getByRole('region', { name: 'Empty project' }).getByText('No images yet').waitFor();
    await app.screenshot('empty-project-hint');
  });

  it('uploads picked files into the project folder, with the import checks', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Import images…' }).click();
    await page.getByLabel('Image files to upload').setInputFiles([
      { name: 'sample-01.png', mimeType: 'image/png', buffer: sample(1) },
      { name: 'sample-02.png', mimeType: 'image/png', buffer: sample(2) },
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image') },
    ]);
    const dialog = page.getByRole('dialog', { name: 'Import images' });
    await dialog.getByText('2 added, 0 duplicates, 1 skipped').waitFor();
    await dialog.getByText(/^notes\.png: /).waitFor();
    await app.screenshot('import-upload');
    expect(readdirSync(path.join(dir, 'uploads')).sort()).toEqual(['sample-01.png', 'sample-02.png']);
    await page.getByText('2 images', { exact: true }).waitFor();
  });

  it('never overwrites: a second file with a taken name gets a new one', async () => {
    const page = app.page;
    await page
      .getByLabel('Image files to upload')
      .setInputFiles([{ name: 'sample-01.png', mimeType: 'image/png', buffer: sample(3) }]);
    await page
      .getByRole('dialog', { name: 'Import images' })
      .getByText('1 added, 0 duplicates, 0 skipped')
      .waitFor();
    expect(readdirSync(path.join(dir, 'uploads')).sort()).toEqual([
      'sample-01 (2).png',
      'sample-01.png',
      'sample-02.png',
    ]);
    expect(readFileSync(path.join(dir, 'uploads', 'sample-01.png')).equals(sample(1))).toBe(true);
  });

  it('uploads files dropped on the window', async () => {
    const page = app.page;
    const base64 = sample(4).toString('base64');
    await page.evaluate((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      const target = document.querySelector('.workspace-grid')!;
      target.dispatchEvent(
        new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }),
      );
      target.dispatchEvent(
        new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }),
      );
    }, base64);
    await page.getByText('4 images', { exact: true }).waitFor();
    await page.locator('.status-bar', { hasText: '1 image added' }).waitFor();
    expect(readdirSync(path.join(dir, 'uploads'))).toContain('dropped.png');
    const names = (await app.service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' })).items.map(
      (i) => i.fileName,
    );
    expect(names).toEqual(['dropped.png', 'sample-01 (2).png', 'sample-01.png', 'sample-02.png']);
  });
});
