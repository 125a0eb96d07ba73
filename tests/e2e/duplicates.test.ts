import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import { Project } from '../../src-main/core/project';
import { jittered, putSummary, seededUnit } from '../fixtures/inference/synthetic-embeddings';
import { startE2eApp, type E2eApp } from './harness';
import { createProject, importTinyImages } from './project-helpers';

const IMAGES = 260;

/**
 * Issue 12, defect 2: duplicates as groups, paged and bounded (the page never receives every pair),
 * thumbnails side by side, keep one / remove / not duplicates. 200 of the images are near copies of
 * one another (19,900 pairs), like the starter's duplicates on a folder of similar photos.
 */
describe('duplicates view', () => {
  let app: E2eApp;
  let ids: ImageId[] = [];
  let files: string[] = [];
  const responses: number[] = [];
  const dialog = () => app.page.getByRole('dialog', { name: 'Duplicates' });

  beforeAll(async () => {
    app = await startE2eApp();
    const dir = await createProject(app, 'duplicates');
    files = await importTinyImages(app, dir, IMAGES);
    const rows = (await app.service.handlers.images.list({ offset: 0, limit: 1000, sort: 'name' })).items;
    ids = rows.map((r) => r.id);
    const modelId = (await app.service.handlers.inference.status({})).modelId!;
    const project = Project.open(dir);
    const big = seededUnit(256, 1);
    const small = seededUnit(256, 2);
    ids.forEach((id, i) =>
      putSummary(
        project,
        id,
        modelId,
        // img-000…002: a tight group of 3; img-003…202: 200 near copies; the rest unrelated.
        i < 3
          ? jittered(small, 0.01, 10 + i)
          : i < 203
            ? jittered(big, 0.08, 10 + i)
            : seededUnit(256, 900 + i),
      ),
    );
    project.close();
    await app.page.reload();
    app.page.on('response', (r) => {
      if (r.url().includes('/api/search/duplicate')) void r.body().then((b) => responses.push(b.byteLength));
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows groups a page at a time, with thumbnails side by side, never every pair', async () => {
    const page = app.page;
    await page.getByRole('button', { name: /^Duplicates/ }).click();
    await dialog().waitFor();
    await dialog().getByText('2 groups · 203 images').waitFor();
    const groups = dialog().locator('.dup-group');
    expect(await groups.count()).toBe(2);
    expect(await groups.nth(0).locator('strong').innerText()).toBe('3 images');
    expect(await groups.nth(1).locator('strong').innerText()).toBe('200 images');
    // A page shows a bounded number of thumbnails per group, the rest as a count.
    expect(await groups.nth(1).locator('img').count()).toBe(8);
    await groups.nth(1).getByRole('button', { name: '+192 more' }).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.dup-group img')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    await app.screenshot('duplicates-groups');
    // One page of groups crossed the wire: kilobytes, not every pair (19,903 pairs here).
    expect(responses.length).toBeGreaterThan(0);
    expect(Math.max(...responses)).toBeLessThan(16_000);
  });

  it('remembers "not duplicates"', async () => {
    const page = app.page;
    await dialog().locator('.dup-group').nth(0).getByRole('button', { name: 'Not duplicates' }).click();
    await dialog().getByText('1 group · 200 images').waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Duplicates/ }).click();
    await dialog().getByText('1 group · 200 images').waitFor();
  });

  it('keeps one image of a group and removes the others from the project, not from disk', async () => {
    const page = app.page;
    const group = dialog().locator('.dup-group').nth(0);
    const keep = (await group.locator('figure').nth(0).locator('.name').innerText()).trim();
    await group.locator('figure').nth(0).getByRole('button', { name: 'Keep only this' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm removal' });
    await confirm
      .getByText(`Keep ${keep} and remove the other 199 images of this group from the project?`)
      .waitFor();
    await app.screenshot('duplicates-keep-confirm');
    await confirm.getByRole('button', { name: 'Remove from project' }).click();
    await dialog().getByText('0 groups · 0 images').waitFor();
    const left = await app.service.handlers.images.list({ offset: 0, limit: 1000, sort: 'name' });
    expect(left.total).toBe(IMAGES - 199);
    expect(left.items.map((i) => i.fileName)).toContain(keep);
    expect(files.every((f) => existsSync(f))).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByText(`${IMAGES - 199} images`).waitFor();
  });
});
