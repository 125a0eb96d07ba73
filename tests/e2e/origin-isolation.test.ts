import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRadioLabelService } from '../../src-main/core/api';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/browser-server';
import { buildRenderer, ROOT, startE2eApp, type E2eApp } from './harness';

/** A page on another loopback port, as any other local web app (or a malicious one) could serve. */
function startForeignPage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

interface ForeignResult {
  readonly imageWidthPx: number;
  readonly socket: string;
}

describe('browser mode refuses other origins on other loopback ports (Chromium)', () => {
  let app: E2eApp;
  let thumbnailUrl: string;
  beforeAll(async () => {
    app = await startE2eApp();
    await app.page.getByRole('button', { name: 'Open sample project' }).first().click();
    await app.page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.image-row img')];
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    thumbnailUrl = await app.page
      .locator('.image-row img')
      .first()
      .evaluate((i) => (i as HTMLImageElement).src);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('an <img> and a WebSocket from a page on another port get nothing, though the cookie is sent', async () => {
    const eventsUrl = `ws://127.0.0.1:${app.server.port}/events`;
    const foreign = await startForeignPage(`<!doctype html><body>
<img id="stolen" src="${thumbnailUrl}">
<script>
  window.result = new Promise((resolve) => {
    const img = document.getElementById('stolen');
    const socketOutcome = new Promise((done) => {
      const ws = new WebSocket(${JSON.stringify(eventsUrl)});
      ws.onopen = () => done('opened');
      ws.onerror = () => done('refused');
    });
    const imageDone = new Promise((done) => {
      if (img.complete) done();
      img.onload = () => done();
      img.onerror = () => done();
    });
    Promise.all([imageDone, socketOutcome]).then(([, socket]) =>
      resolve({ imageWidthPx: img.naturalWidth, socket }));
  });
</script></body>`);
    try {
      const page = await app.page.context().newPage();
      await page.goto(foreign.url);
      const result = await page.evaluate<ForeignResult>('window.result');
      expect(result).toEqual({ imageWidthPx: 0, socket: 'refused' });
      await page.close();
    } finally {
      await foreign.close();
    }
  });

  it('a second instance in the same browser does not break the first tab (one cookie per instance)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-e2e-second-'));
    const service = createRadioLabelService({ dataDir, mode: 'browser', version: 'e2e', appRoot: ROOT });
    let second: BrowserServer | undefined;
    try {
      second = await startBrowserServer({ service, rendererDir: await buildRenderer() });
      const page = await app.page.context().newPage();
      await page.goto(second.url);
      await page.getByText('First time here?').waitFor();
      const status = await app.page.evaluate(
        async (url) => (await fetch(url, { cache: 'no-store' })).status,
        thumbnailUrl,
      );
      expect(status).toBe(200);
      await page.close();
    } finally {
      await second?.close();
      await service.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
