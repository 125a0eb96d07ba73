import { type Page } from 'playwright-core';

interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Screen position of an image pixel, from the canvas host's box and the view it exposes. */
export async function imageToScreen(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const host = page.locator('.canvas-host');
  const box = await host.boundingBox();
  const view = JSON.parse((await host.getAttribute('data-view')) ?? '{}') as View;
  if (!box) throw new Error('the canvas is not on screen');
  return { x: box.x + view.offsetX + x * view.scale, y: box.y + view.offsetY + y * view.scale };
}

export async function clickImage(page: Page, x: number, y: number): Promise<void> {
  const p = await imageToScreen(page, x, y);
  await page.mouse.click(p.x, p.y);
}

export async function dragImage(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await imageToScreen(page, from[0], from[1]);
  const b = await imageToScreen(page, to[0], to[1]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

export async function annotationRows(page: Page): Promise<string[]> {
  return page.locator('.annotations li button.link').allInnerTexts();
}

/** Waits until the autosave queue reports that everything reached the backend. */
export async function waitSaved(page: Page): Promise<void> {
  await page
    .locator('.status-bar .save-saved')
    .waitFor({ timeout: 15_000 })
    .catch(async (e: unknown) => {
      throw new Error(
        `not saved: status bar says "${await page.locator('.status-bar').innerText()}" (${String(e)})`,
      );
    });
}
