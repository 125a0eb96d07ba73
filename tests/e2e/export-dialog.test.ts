import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';

/** Issue 12, defect 4: the export dialog shows this run's own outcome; an occupied folder is a choice. */
describe('export dialog outcomes and folder choices', () => {
  let app: E2eApp;
  const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `radiolabel-e2e-${name}-`));
  const dialog = () => app.page.getByRole('dialog', { name: 'Export and import' });

  beforeAll(async () => {
    app = await startE2eApp();
    await app.page.getByRole('button', { name: 'Open sample project' }).first().click();
    await app.page.getByText('6 images').waitFor();
    await app.page.getByRole('button', { name: 'Export / import…' }).click();
    // Typed folders sit behind a disclosure (downloads come first in the browser).
    const byPath = dialog().getByText('Or write into a folder on this computer, by path');
    if ((await byPath.count()) > 0) await byPath.click();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("replaces a previous success with this run's failure, and offers a subfolder or a replace", async () => {
    const page = app.page;
    const fresh = path.join(tmp('fresh'), 'coco');
    await page.getByLabel('Output folder').fill(fresh);
    await dialog().getByRole('button', { name: 'Export', exact: true }).click();
    await dialog().getByText(`Exported 6 images and 0 annotations to ${fresh}`).waitFor();

    const occupied = tmp('occupied');
    writeFileSync(path.join(occupied, 'notes.txt'), 'keep me');
    await page.getByLabel('Output folder').fill(occupied);
    await dialog().getByRole('button', { name: 'Export', exact: true }).click();
    // The earlier success is not shown as if it were this run's outcome.
    await expect
      .poll(() =>
        dialog()
          .getByText(/^Exported/)
          .count(),
      )
      .toBe(0);
    const choice = dialog().getByRole('alert', { name: 'Folder not empty' });
    await choice.getByText(`${occupied} already holds 1 entry. Nothing was written.`).waitFor();
    await app.screenshot('export-folder-not-empty');

    await choice.getByRole('button', { name: 'Export into a new subfolder' }).click();
    await dialog()
      .getByText(new RegExp(`^Exported 6 images and 0 annotations to ${occupied}/Sample_project-coco-`))
      .waitFor();
    const sub = readdirSync(occupied).find((n) => n.startsWith('Sample_project-coco-'))!;
    expect(readdirSync(occupied).sort()).toEqual(['notes.txt', sub].sort());
    expect(readdirSync(path.join(occupied, sub)).sort()).toEqual(['annotations', 'images']);
  });

  it("replaces a folder's content only after confirmation", async () => {
    const page = app.page;
    const occupied = tmp('replace');
    writeFileSync(path.join(occupied, 'old.txt'), 'old');
    await page.getByLabel('Output folder').fill(occupied);
    await dialog().getByRole('button', { name: 'Export', exact: true }).click();
    await dialog().getByRole('button', { name: 'Replace its content…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Replace folder' });
    await confirm.waitFor();
    await app.screenshot('export-replace-confirm');
    // Escape closes the confirmation only: nothing is replaced.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(readdirSync(occupied)).toEqual(['old.txt']);
    await dialog().getByRole('button', { name: 'Replace its content…' }).click();
    await confirm.getByRole('button', { name: 'Replace', exact: true }).click();
    await dialog().getByText(`Exported 6 images and 0 annotations to ${occupied}`, { exact: true }).waitFor();
    expect(readdirSync(occupied).sort()).toEqual(['annotations', 'images']);
  });

  it('downloads the export as a streamed zip (browser mode)', async () => {
    const page = app.page;
    await page.getByLabel('Export format').selectOption('yolo-seg');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog().getByRole('button', { name: 'Download as .zip' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Sample_project-yolo-seg.zip');
    const file = path.join(tmp('download'), 'export.zip');
    await download.saveAs(file);
    const names = execFileSync('python3', [
      '-c',
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      file,
    ])
      .toString()
      .trim()
      .split('\n');
    expect(names).toContain('Sample_project-yolo-seg/data.yaml');
    expect(names.filter((n) => /\/images\/train\/.+\.png$/.test(n)).length).toBeGreaterThan(0);
    await dialog()
      .getByText('Exported 6 images and 0 annotations into Sample_project-yolo-seg.zip (downloading)')
      .waitFor();
    await app.screenshot('export-download');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });
});
