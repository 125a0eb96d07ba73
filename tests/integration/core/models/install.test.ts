import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../../src-main/core/models/download';
import {
  candidateUrls,
  importBundleFolder,
  installBundleFromUrl,
} from '../../../../src-main/core/models/install';

const starterDir = path.resolve(import.meta.dirname, '../../../../models/starter');
const starterFile = (f: string): Buffer => readFileSync(path.join(starterDir, f));

/** Routes: /good/* serves the starter bundle; a test may have the next encoder.onnx connection cut. */
let server: http.Server;
let base: string;
const log: string[] = [];
/**
 * The next encoder.onnx response is cut after its first bytes, once `written` resolves (the client says it
 * has written bytes to disk): the cut never lands before the client kept anything, however slow it is.
 */
let cutEncoder: { readonly written: Promise<void> } | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    log.push(`${url} ${req.headers.range ?? ''}`.trim());
    const [, folder, file] = url.split('/');
    if (folder === 'missing' || !file || !['good', 'badhash', 'mirror'].includes(folder!)) {
      res.writeHead(404).end('not found');
      return;
    }
    if (folder === 'mirror' && file !== 'manifest.json') {
      res.writeHead(404).end(); // the mirror lacks the big files: fall back to the origin
      return;
    }
    let body: Buffer;
    try {
      body = starterFile(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    if (folder === 'badhash' && file === 'text.onnx') body = Buffer.concat([body, Buffer.from('tampered')]);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      res.end(body.subarray(start));
      return;
    }
    if (file === 'encoder.onnx' && cutEncoder) {
      const cut = cutEncoder;
      cutEncoder = null;
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 2500), () => void cut.written.then(() => res.socket?.destroy()));
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-install-'));
  log.length = 0;
  cutEncoder = null;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('installBundleFromUrl', () => {
  it('resumes with HTTP Range after a dropped connection, verifies sha256 and publishes atomically', async () => {
    const progress: string[] = [];
    const modelsDir = path.join(tmp, 'models');
    let wrote!: () => void;
    cutEncoder = { written: new Promise<void>((resolve) => (wrote = resolve)) };
    const installed = await installBundleFromUrl(`${base}/good/manifest.json`, {
      modelsDir,
      retryDelayMs: 10,
      onProgress: (p) => {
        progress.push(`${p.file}:${p.receivedBytes}/${p.totalBytes ?? '?'}`);
        if (p.file === 'encoder.onnx' && p.receivedBytes > 0) wrote();
      },
    });
    expect(installed).toEqual({ id: 'starter', dir: path.join(modelsDir, 'starter') });
    // Resumed from where the written bytes end (at most the 2500 sent before the cut).
    const resumed = log.map((l) => /^\/good\/encoder\.onnx bytes=(\d+)-$/.exec(l)?.[1]).find(Boolean);
    expect(Number(resumed)).toBeGreaterThan(0);
    expect(Number(resumed)).toBeLessThanOrEqual(2500);
    for (const f of ['manifest.json', 'encoder.onnx', 'text.onnx', 'tokenizer.json']) {
      expect(Buffer.compare(readFileSync(path.join(modelsDir, 'starter', f)), starterFile(f))).toBe(0);
    }
    expect(progress).toContain(
      `encoder.onnx:${starterFile('encoder.onnx').length}/${starterFile('encoder.onnx').length}`,
    );
    expect(readdirSync(modelsDir)).toEqual(['starter']); // no staging leftovers
    await expect(installBundleFromUrl(`${base}/good/manifest.json`, { modelsDir })).rejects.toThrow(
      'model bundle "starter": id: a bundle with this id is already installed',
    );
  });

  it('refuses a file with the wrong hash and leaves nothing behind (no .partial folder)', async () => {
    const modelsDir = path.join(tmp, 'models');
    await expect(
      installBundleFromUrl(`${base}/badhash/manifest.json`, { modelsDir, retryDelayMs: 10 }),
    ).rejects.toThrow(
      /^download of text\.onnx failed: http:\/\/127\.0\.0\.1:\d+\/badhash\/text\.onnx: text\.onnx: sha256 mismatch, expected [0-9a-f]{64}, got [0-9a-f]{64}$/,
    );
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('reports a 404 with the URL', async () => {
    await expect(installBundleFromUrl(`${base}/missing/manifest.json`, { modelsDir: tmp })).rejects.toThrow(
      `download of manifest.json failed: ${base}/missing/manifest.json answered HTTP 404`,
    );
  });

  it('tries the mirror first and falls back to the origin', async () => {
    const modelsDir = path.join(tmp, 'models');
    await installBundleFromUrl(`${base}/good/manifest.json`, {
      modelsDir,
      mirrorBaseUrl: `${base}/mirror/`,
      retryDelayMs: 10,
    });
    expect(log.filter((l) => l.startsWith('/mirror/'))).toEqual([
      '/mirror/good/manifest.json',
      '/mirror/good/encoder.onnx',
      '/mirror/good/text.onnx',
      '/mirror/good/tokenizer.json',
    ]);
    expect(existsSync(path.join(modelsDir, 'starter', 'encoder.onnx'))).toBe(true);
  });

  it('builds candidate URLs', () => {
    expect(candidateUrls('https://h/x/radio-b/manifest.json', 'encoder.onnx', 'https://m/base')).toEqual([
      'https://m/base/radio-b/encoder.onnx',
      'https://h/x/radio-b/encoder.onnx',
    ]);
  });
});

describe('downloadFile', () => {
  it('resumes bytes left in <dest>.part by an earlier attempt', async () => {
    const dest = path.join(tmp, 'enc.onnx');
    writeFileSync(`${dest}.part`, starterFile('encoder.onnx').subarray(0, 1000));
    await downloadFile({ urls: [`${base}/good/encoder.onnx`], dest, label: 'encoder.onnx' });
    expect(log).toEqual(['/good/encoder.onnx bytes=1000-']);
    expect(Buffer.compare(readFileSync(dest), starterFile('encoder.onnx'))).toBe(0);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });
});

describe('importBundleFolder', () => {
  it('validates then copies a folder', async () => {
    const src = path.join(tmp, 'src');
    cpSync(starterDir, src, { recursive: true });
    const verified: string[] = [];
    const out = await importBundleFolder(src, {
      modelsDir: path.join(tmp, 'models'),
      verifyGraphs: (dir, m) => Promise.resolve(void verified.push(m.id)),
    });
    expect(out.id).toBe('starter');
    expect(verified).toEqual(['starter']);
    expect(
      Buffer.compare(readFileSync(path.join(out.dir, 'encoder.onnx')), starterFile('encoder.onnx')),
    ).toBe(0);
  });

  it('refuses a folder whose files do not match the manifest', async () => {
    const src = path.join(tmp, 'src');
    cpSync(starterDir, src, { recursive: true });
    writeFileSync(path.join(src, 'text.onnx'), 'garbage');
    await expect(importBundleFolder(src, { modelsDir: path.join(tmp, 'models') })).rejects.toThrow(
      /^model bundle "starter": text\.file: sha256 mismatch/,
    );
    expect(existsSync(path.join(tmp, 'models', 'starter'))).toBe(false);
  });
});
