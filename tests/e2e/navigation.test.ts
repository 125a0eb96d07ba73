import { type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';
import { createProject, importTinyImages, nextFrame, whereAmI } from './project-helpers';

const IMAGES = 300;

/**
 * Issue 12, defect 9: the toolbar says which file and where ("68 / 2000"), the list follows the current
 * image, and a fast scroll never queues a thumbnail request per row passed: rows scrolled past are
 * cancelled and the visible rows come first.
 */
describe('where am I: position, a list that follows, thumbnails that keep up', () => {
  let app: E2eApp;

  beforeAll(async () => {
    app = await startE2eApp();
    const dir = await createProject(app, 'navigation');
    await importTinyImages(app, dir, IMAGES);
    await app.page.reload();
    await app.page.getByText(`${IMAGES} images`).waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the current file and its position, and the list follows it', async () => {
    const page = app.page;
    // The list's order (the order images were added).
    const names = (
      await app.service.handlers.images.list({ offset: 0, limit: 1000, sort: 'added' })
    ).items.map((i) => i.fileName);
    await expect.poll(() => whereAmI(page)).toBe(`${names[0]} 1 / 300`);
    await page.locator('.brand').click();
    for (let i = 1; i <= 24; i++) {
      await page.keyboard.press('d');
      await expect.poll(() => whereAmI(page)).toBe(`${names[i]} ${i + 1} / 300`);
    }
    const scroller = await page.locator('.image-list .scroller').boundingBox();
    const row = await page.locator('.image-row.current').boundingBox();
    expect(row).not.toBeNull();
    expect(row!.y).toBeGreaterThanOrEqual(scroller!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(scroller!.y + scroller!.height);
    expect(await page.locator('.image-row.current .name').innerText()).toBe(names[24]);
    await app.screenshot('navigation-position');
  });

  it('cancels thumbnail requests of rows scrolled past and loads the visible rows', async () => {
    const page = app.page;
    // Hold every thumbnail on the server side until the scroll is over, as a slow disk would.
    const held: Route[] = [];
    await page.route('**/media/**', (route) =>
      route.request().url().includes('thumbnail') ? void held.push(route) : route.continue(),
    );
    const started = new Set<string>();
    const aborted = new Set<string>();
    const onRequest = (r: { url(): string }) => r.url().includes('thumbnail') && started.add(r.url());
    const onFailed = (r: { url(): string }) => r.url().includes('thumbnail') && aborted.add(r.url());
    page.on('request', onRequest);
    page.on('requestfailed', onFailed);
    const scroller = page.locator('.image-list .scroller');
    const height = await scroller.evaluate((el) => el.scrollHeight);
    for (let top = 0; top <= height; top += 400) {
      await scroller.evaluate((el, t) => {
        el.scrollTop = t;
        el.dispatchEvent(new Event('scroll'));
      }, top);
      await nextFrame(page);
    }
    await nextFrame(page);
    // At most a few requests are on the wire, all for rows in view: those passed on the way were let
    // go (aborted, or never asked for).
    const pending = [...started].filter((u) => !aborted.has(u));
    expect(started.size).toBeLessThan(IMAGES);
    expect(pending.length).toBeLessThanOrEqual(4);
    // The virtual list renders the rows in view on a later frame under load: wait for them (bounded).
    await page.waitForFunction(
      () => {
        const box = document.querySelector('.image-list .scroller')!.getBoundingClientRect();
        return (
          [...document.querySelectorAll<HTMLElement>('.image-row')].filter((r) => {
            const b = r.getBoundingClientRect();
            return b.bottom > box.top && b.top < box.bottom;
          }).length > 3
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    const visibleIds = await page.evaluate(() => {
      const box = document.querySelector('.image-list .scroller')!.getBoundingClientRect();
      return [...document.querySelectorAll<HTMLElement>('.image-row')]
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.bottom > box.top && b.top < box.bottom;
        })
        .map((r) => r.querySelector('.name')?.textContent ?? '');
    });
    expect(visibleIds.length).toBeGreaterThan(3);
    expect(visibleIds.every((n) => n.startsWith('img-2'))).toBe(true);
    await page.unroute('**/media/**');
    for (const route of held) await route.continue().catch(() => undefined);
    // The rows in view at the bottom get their thumbnails.
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.image-row img')];
      return (
        imgs.some((i) => i.complete && i.naturalWidth > 0) &&
        document.querySelector('.image-row .name')?.textContent?.startsWith('img-2')
      );
    });
    page.off('request', onRequest);
    page.off('requestfailed', onFailed);
  });
});
