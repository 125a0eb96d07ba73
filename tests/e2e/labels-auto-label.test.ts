import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';

/**
 * Issue 12, defect 5: labels have an editable prompt (defaulting to the name), can be renamed and
 * reordered; auto-label takes the chosen labels and skips one the model cannot read, with a warning.
 */
describe('labels: prompt, rename, reorder; auto-label per label', () => {
  let app: E2eApp;
  const names = async () => (await app.service.handlers.labels.list({})).map((l) => l.name);
  const row = (name: string) =>
    app.page.locator('.labels li', { has: app.page.getByRole('button', { name, exact: true }) });

  beforeAll(async () => {
    app = await startE2eApp();
    await app.page.getByRole('button', { name: 'Open sample project' }).first().click();
    await app.page.getByText('6 images').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('renames a label and gives it its own prompt', async () => {
    const page = app.page;
    await page.getByLabel('New label').fill('person');
    await page.getByRole('button', { name: 'Add' }).click();
    await row('person').waitFor();
    await page.getByRole('button', { name: 'Edit yellow' }).click();
    const form = page.getByRole('form', { name: 'Edit label yellow' });
    await expect.poll(() => form.getByLabel('Label prompt').getAttribute('placeholder')).toBe('yellow');
    await form.getByLabel('Label name').fill('lemon');
    await form.getByLabel('Label prompt').fill('yellow');
    await app.screenshot('label-edit');
    await form.getByRole('button', { name: 'Save' }).click();
    await row('lemon “yellow”').waitFor();
    const lemon = (await app.service.handlers.labels.list({})).find((l) => l.name === 'lemon');
    expect(lemon).toMatchObject({ prompt: 'yellow', hotkey: '4' });
  });

  it('reorders with ↑/↓ and by dragging', async () => {
    const page = app.page;
    expect(await names()).toEqual(['red', 'green', 'blue', 'lemon', 'person']);
    await page.getByRole('button', { name: 'Move blue up' }).click();
    await expect.poll(names).toEqual(['red', 'blue', 'green', 'lemon', 'person']);
    await row('person').dragTo(row('red'));
    await expect.poll(names).toEqual(['person', 'red', 'blue', 'green', 'lemon']);
    expect(await page.locator('.labels li button.link').allInnerTexts()).toEqual([
      'person',
      'red',
      'blue',
      'green',
      'lemon “yellow”',
    ]);
  });

  it('auto-labels the chosen labels, skipping one the model cannot read with a warning', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Auto-label…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Auto-label' });
    await dialog
      .getByText('will be skipped: "person" not in the model\'s vocabulary', { exact: false })
      .waitFor();
    await dialog.getByLabel('Auto-label green').uncheck();
    await dialog.getByLabel('Images to auto-label').selectOption('all');
    await app.screenshot('auto-label-dialog');
    await dialog.getByRole('button', { name: 'Start auto-label (4 labels)' }).click();
    const job = page.locator('.jobs li', { hasText: 'Auto-label · done · 6/6' });
    await job.waitFor({ timeout: 60_000 });
    await job.getByRole('note').filter({ hasText: 'label "person" skipped' }).waitFor();
    await app.screenshot('auto-label-warning');
    const labels = await app.service.handlers.labels.list({});
    const idOf = (name: string) => labels.find((l) => l.name === name)!.id;
    const queue = await app.service.handlers.review.queue({});
    const proposals = (
      await Promise.all(queue.map((q) => app.service.handlers.review.list({ imageId: q.imageId })))
    ).flat();
    const perLabel = (name: string) => proposals.filter((p) => p.labelId === idOf(name)).length;
    // Red 5, blue 3, yellow (prompted for "lemon") 3 in the sample scenes; green was not chosen.
    expect([
      perLabel('red'),
      perLabel('blue'),
      perLabel('lemon'),
      perLabel('green'),
      perLabel('person'),
    ]).toEqual([5, 3, 3, 0, 0]);
  });
});
