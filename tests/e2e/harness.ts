import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { aliases } from '../../vite.aliases';
import {
  createRadioLabelService,
  type RadioLabelService,
  type ServiceOptions,
} from '../../src-main/core/api';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/browser-server';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags: headless, no sandbox (root in CI), no network chatter. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let rendererBuild: Promise<string> | undefined;

/**
 * Builds the renderer into a temp dir once per test process, with vite's API: nothing is written under
 * out/, so parallel test runs and a developer's own build never collide.
 */
export function buildRenderer(): Promise<string> {
  rendererBuild ??= (async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-renderer-'));
    // vitest sets NODE_ENV=test, which would make a development build: test what users run.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    await build({
      configFile: false,
      root: path.join(ROOT, 'src-renderer'),
      plugins: [react()],
      resolve: { alias: aliases },
      logLevel: 'error',
      mode: 'production',
      build: { outDir, emptyOutDir: true },
    }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    return outDir;
  })();
  return rendererBuild;
}

export interface E2eApp {
  readonly server: BrowserServer;
  readonly service: RadioLabelService;
  readonly browser: Browser;
  readonly page: Page;
  readonly dataDir: string;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Browser mode with a temp data dir, driven by real Chromium; `extra` swaps the model catalogue/converters. */
export async function startE2eApp(
  extra: Pick<ServiceOptions, 'modelConverters' | 'cataloguePath'> = {},
): Promise<E2eApp> {
  const rendererDir = await buildRenderer();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-e2e-'));
  const service = createRadioLabelService({
    dataDir,
    mode: 'browser',
    version: 'e2e',
    appRoot: ROOT,
    ...extra,
  });
  const server = await startBrowserServer({ service, rendererDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // One context of our own, so that tests can open further tabs that share its cookies.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.url);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    service,
    browser,
    page,
    dataDir,
    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close();
      await server.close();
      await service.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
