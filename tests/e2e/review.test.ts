import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';

/** Auto-label the sample project, then review its proposals with the keyboard only. */
describe('review queue in Chromium', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startE2eApp();
    await app.page.getByRole('button', { name: 'Open sample project' }).first().click();
    await app.page.getByText('6 images').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('auto-labels every image as a background job', async () => {
    await app.page.getByRole('button', { name: 'Auto-label…' }).click();
    await app.page.getByRole('button', { name: /^Start auto-label/ }).click();
    await app.page.locator('.jobs li', { hasText: 'Auto-label · done · 6/6' }).waitFor({ timeout: 60_000 });
    const queue = await app.service.handlers.review.queue({});
    // One proposal per coloured shape: 14 shapes over the six sample images.
    expect(queue.reduce((n, q) => n + q.pending, 0)).toBe(14);
  });

  it('accepts, rejects and moves on with the keyboard', async () => {
    const page = app.page;
    const first = await app.service.handlers.images.list({ offset: 0, limit: 1, sort: 'added' });
    const imageId = first.items[0]!.id;
    // Reopen the first image so that the review bar loads its fresh proposals.
    await page.locator('.image-row').nth(1).click();
    await page.locator('.image-row').nth(0).click();
    const bar = page.getByRole('region', { name: 'Review proposals' });
    await bar.waitFor();
    await expect.poll(async () => bar.innerText()).toContain('1/2');
    await app.screenshot('review-1');
    await bar.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await app.service.handlers.annotations.list({ imageId })).items.length)
      .toBe(1);
    await expect.poll(async () => bar.innerText()).toContain('1/1');
    await page.keyboard.press('Delete');
    await bar.waitFor({ state: 'detached' });
    const stored = await app.service.handlers.annotations.list({ imageId });
    expect(stored.items.map((a) => a.source)).toEqual(['text']);
    expect(await app.service.handlers.review.list({ imageId })).toHaveLength(0);
    const queue = await app.service.handlers.review.queue({});
    expect(queue.map((q) => q.imageId)).not.toContain(imageId);
    expect(queue.reduce((n, q) => n + q.pending, 0)).toBe(12);
    await page.getByText('Annotations (1)').waitFor();
  });

  it('precomputes, labels all similar from the accepted shape, and searches for similar objects', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Precompute' }).click();
    await page
      .locator('.jobs li', { hasText: 'Precompute embeddings · done' })
      .first()
      .waitFor({ timeout: 60_000 });
    // Reject every remaining auto-label proposal so that what follows comes from propagation alone.
    for (const q of await app.service.handlers.review.queue({}))
      await app.service.handlers.review.rejectAll({ imageId: q.imageId });
    // The accepted shape on sample-01 is the blue rectangle: make blue the active label and propagate it.
    await page
      .locator('.labels li', { hasText: 'blue' })
      .getByRole('button', { name: 'blue', exact: true })
      .click();
    await page.getByRole('button', { name: 'Label all similar' }).click();
    await page.locator('.jobs li', { hasText: 'Label all similar · done' }).waitFor({ timeout: 60_000 });
    const queue = await app.service.handlers.review.queue({});
    const proposals = (
      await Promise.all(queue.map((q) => app.service.handlers.review.list({ imageId: q.imageId })))
    ).flat();
    // Blue shapes elsewhere: the disc of sample-03 and the triangle of sample-05.
    expect(proposals.length).toBeGreaterThanOrEqual(2);
    expect(proposals.every((p) => p.source === 'propagated')).toBe(true);

    await page.locator('.annotations li button.link').first().click();
    await page.getByRole('button', { name: 'Similar objects' }).click();
    await page.locator('.search .hits li').first().waitFor();
    expect(await page.locator('.search .hits li').count()).toBeGreaterThan(0);
    await app.screenshot('search-results');
  });
});
