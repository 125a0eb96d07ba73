import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { expect } from 'vitest';
import { tinyPng } from '../fixtures/images/make-images';
import { type E2eApp, ROOT } from './harness';

export const SAMPLE_DIR = path.join(ROOT, 'resources/sample');

/** A new project through the service, then a reload: the page picks up the open project. */
export async function createProject(app: E2eApp, name: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `radiolabel-e2e-${name}-`));
  await app.service.handlers.projects.create({ dir, name });
  await app.page.reload();
  await app.page.getByRole('button', { name: 'Close project' }).waitFor();
  return dir;
}

/** The six sample images, copied into the project folder (so the test may change them) and imported. */
export async function importSampleCopies(app: E2eApp, projectDir: string): Promise<string> {
  const dir = path.join(projectDir, 'sample');
  cpSync(SAMPLE_DIR, dir, { recursive: true, filter: (f) => !f.endsWith('.ts') && !f.endsWith('.md') });
  await app.service.handlers.images.import({ paths: [dir] });
  return dir;
}

/** `count` small distinct PNGs named img-000.png…, imported. */
export async function importTinyImages(
  app: E2eApp,
  projectDir: string,
  count: number,
  sizePx = 24,
): Promise<string[]> {
  const dir = path.join(projectDir, 'tiny');
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: count }, (_, i) =>
    path.join(dir, `img-${String(i).padStart(3, '0')}.png`),
  );
  files.forEach((f, i) => writeFileSync(f, tinyPng(i, sizePx)));
  await app.service.handlers.images.import({ paths: [dir] });
  return files;
}

/** Starts an auto-label job of every label (by name) on every image, through the service, and waits. */
export async function autoLabelAll(app: E2eApp): Promise<void> {
  const labels = await app.service.handlers.labels.list({});
  const job = await app.service.handlers.jobs.start({
    kind: 'auto_label',
    params: { images: 'all', prompts: labels.map((l) => ({ labelId: l.id, texts: [l.name] })) },
  });
  expect(job.total).toBe(6);
  await app.page.locator('.jobs li', { hasText: 'Auto-label · done · 6/6' }).waitFor({ timeout: 60_000 });
}

/** The toolbar's "file · n / total". */
export async function whereAmI(page: Page): Promise<string> {
  return (await page.getByLabel('Current image').innerText()).replace(/\s+/g, ' ').trim();
}

/** The file name of the image list's current row. */
export async function currentFile(page: Page): Promise<string> {
  return (await page.locator('.image-row.current .name').innerText()).trim();
}

/** One animation frame: React has rendered what the last event changed. */
export function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => r())));
}
