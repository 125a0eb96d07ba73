import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RadioLabelService } from '../../../src-main/core/api';
import { answerAppRequest } from '../../../src-main/electron/app-requests';

describe('app:// protocol answers (Electron handler, run in Node)', () => {
  let root: string;
  let rendererDir: string;
  const asked: string[] = [];
  const service: Pick<RadioLabelService, 'openMedia'> = {
    openMedia: async (address) => {
      asked.push(address);
      if (address !== 'k/1/h') return undefined;
      const file = path.join(root, 'pixels.bin');
      return { handle: await open(file), contentType: 'image/png', sizeBytes: 3, etag: '"abc"' };
    },
  };
  const get = (url: string, headers: Record<string, string> = {}): Promise<Response> =>
    answerAppRequest(new Request(url, { headers }), rendererDir, service);

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rl-app-protocol-'));
    rendererDir = path.join(root, 'renderer');
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(rendererDir, 'assets', 'a b.js'), 'export {};');
    writeFileSync(path.join(root, 'secret.txt'), 'not for the renderer');
    writeFileSync(path.join(root, 'pixels.bin'), Buffer.from([1, 2, 3]));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers a bad percent-escape with 400 instead of throwing', async () => {
    for (const bad of ['app://bundle/%E0%A4%A', 'app://bundle/%zz.js', 'app://bundle/a%00.js']) {
      expect((await get(bad)).status, bad).toBe(400);
    }
  });

  it('serves the bundle with the CSP, and nothing outside it', async () => {
    const index = await get('app://bundle/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The page (app://bundle) shows images from another origin, app://media: img-src must allow it.
    expect(index.headers.get('content-security-policy')).toContain("img-src 'self' blob: data: app://media;");
    expect((await get('app://bundle/assets/a%20b.js')).status).toBe(200);
    for (const escape of [
      'app://bundle/..%2fsecret.txt',
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://elsewhere/index.html',
    ]) {
      expect((await get(escape)).status, escape).toBe(404);
    }
  });

  it('passes the media address through undecoded and streams the verified bytes', async () => {
    const res = await get('app://media/k/1/h');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"abc"');
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3]);
    expect((await get('app://media/k/1/h', { 'if-none-match': '"abc"' })).status).toBe(304);
    expect((await get('app://media/k%2F1%2Fh')).status).toBe(404);
    expect(asked.at(-1)).toBe('k%2F1%2Fh');
    expect((await get('app://media/1')).status).toBe(404);
  });
});
