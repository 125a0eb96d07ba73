import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../fixtures/rejection';
import { importBundleFolder, installBundleFromUrl } from '../../../../src-main/core/models/install';
import { sweepStaleStaging } from '../../../../src-main/core/models/staging';

/**
 * Issue 16 item 5: a bundle is regular files under its folder with relative names. Symbolic links are
 * refused (never followed, their targets never quoted), file names cannot send the installer to another
 * host, sizes are capped by what the manifest states, and failed installs leave no `.partial-*` folder.
 */

const starterDir = path.resolve(import.meta.dirname, '../../../../models/starter');
const starterManifest = (): Record<string, unknown> & { encoder: Record<string, unknown> } =>
  JSON.parse(readFileSync(path.join(starterDir, 'manifest.json'), 'utf8')) as ReturnType<
    typeof starterManifest
  >;
const encoderBytes = readFileSync(path.join(starterDir, 'encoder.onnx'));

let tmp: string;
const servers: http.Server[] = [];
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-confine-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  rmSync(tmp, { recursive: true, force: true });
});

async function serve(handler: http.RequestListener): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** Serves `files` under /b/ (the manifest's folder). */
function bundleHandler(files: Record<string, Buffer | string>): http.RequestListener {
  return (req, res) => {
    const name = (req.url ?? '').replace(/^\/b\//, '');
    const body = files[name];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  };
}

const starterFiles = (): Record<string, Buffer> =>
  Object.fromEntries(readdirSync(starterDir).map((f) => [f, readFileSync(path.join(starterDir, f))]));

describe('importing a bundle folder', () => {
  it('refuses a weight file that is a symbolic link, even when its target has the right bytes', async () => {
    const src = path.join(tmp, 'src');
    cpSync(starterDir, src, { recursive: true });
    const outside = path.join(tmp, 'outside-encoder.onnx');
    writeFileSync(outside, encoderBytes);
    rmSync(path.join(src, 'encoder.onnx'));
    symlinkSync(outside, path.join(src, 'encoder.onnx'));
    const modelsDir = path.join(tmp, 'models');
    await expect(importBundleFolder(src, { modelsDir })).rejects.toThrow(
      `model bundle "starter": encoder.file: ${path.join(src, 'encoder.onnx')} is a symbolic link; a bundle holds regular files only`,
    );
    expect(existsSync(modelsDir) ? readdirSync(modelsDir) : []).toEqual([]);
  });

  it('never quotes the target of a symlinked manifest', async () => {
    const src = path.join(tmp, 'src');
    mkdirSync(src);
    const secret = path.join(tmp, 'secret.txt');
    writeFileSync(secret, 'TOPSECRET-api-key-0123456789');
    symlinkSync(secret, path.join(src, 'manifest.json'));
    const e = await rejectionOf(importBundleFolder(src, { modelsDir: path.join(tmp, 'models') }));
    expect(e.message).toMatch(/manifest\.json is a symbolic link/);
    expect(e.message).not.toContain('TOPSECRET');
  });

  it('refuses a file reached through a symlinked folder', async () => {
    const src = path.join(tmp, 'src');
    cpSync(starterDir, src, { recursive: true });
    const realWeights = path.join(tmp, 'real-weights');
    mkdirSync(realWeights);
    writeFileSync(path.join(realWeights, 'encoder.onnx'), encoderBytes);
    symlinkSync(realWeights, path.join(src, 'weights'));
    const m = starterManifest();
    writeFileSync(
      path.join(src, 'manifest.json'),
      JSON.stringify({ ...m, encoder: { ...m.encoder, file: 'weights/encoder.onnx' } }),
    );
    await expect(importBundleFolder(src, { modelsDir: path.join(tmp, 'models') })).rejects.toThrow(
      `${path.join(src, 'weights')} is a symbolic link`,
    );
  });

  it('copies exactly the manifest and the files it names: a stray symlink stays behind', async () => {
    const src = path.join(tmp, 'src');
    cpSync(starterDir, src, { recursive: true });
    symlinkSync('/etc', path.join(src, 'escape'));
    const out = await importBundleFolder(src, { modelsDir: path.join(tmp, 'models') });
    expect(readdirSync(out.dir).sort()).toEqual([
      'encoder.onnx',
      'manifest.json',
      'text.onnx',
      'tokenizer.json',
    ]);
    for (const f of readdirSync(out.dir)) expect(lstatSync(path.join(out.dir, f)).isFile()).toBe(true);
    expect(readdirSync(path.join(tmp, 'models'))).toEqual(['starter']);
  });
});

describe('installing a bundle from a manifest URL', () => {
  it('refuses a file name that is an absolute URL: the named host gets no request', async () => {
    const elsewhere = await serve(bundleHandler({ 'encoder.onnx': encoderBytes }));
    const m = starterManifest();
    const manifest = JSON.stringify({
      ...m,
      encoder: { ...m.encoder, file: `${elsewhere.url}/b/encoder.onnx` },
    });
    const origin = await serve(bundleHandler({ ...starterFiles(), 'manifest.json': manifest }));
    const modelsDir = path.join(tmp, 'models');
    await expect(installBundleFromUrl(`${origin.url}/b/manifest.json`, { modelsDir })).rejects.toThrow(
      'encoder.file: must be a relative path inside the bundle folder (no "..", no ":", no URL)',
    );
    expect(elsewhere.requests).toEqual([]);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('refuses a manifest over 1 MiB', async () => {
    const big = JSON.stringify({ ...starterManifest(), description: 'x'.repeat(1_100_000) });
    const origin = await serve(bundleHandler({ ...starterFiles(), 'manifest.json': big }));
    const modelsDir = path.join(tmp, 'models');
    await expect(installBundleFromUrl(`${origin.url}/b/manifest.json`, { modelsDir })).rejects.toThrow(
      /manifest\.json is \d+ bytes, more than the 1048576 bytes its source states/,
    );
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('stops a file at the size the manifest states, even without a Content-Length', async () => {
    const m = starterManifest();
    const manifest = JSON.stringify({ ...m, encoder: { ...m.encoder, bytes: encoderBytes.length } });
    let sentBytes = 0;
    const total = 32 * 2 ** 20;
    const origin = await serve((req, res) => {
      if (!req.url?.endsWith('/encoder.onnx'))
        return bundleHandler({ ...starterFiles(), 'manifest.json': manifest })(req, res);
      res.writeHead(200); // chunked: the client only learns the size by counting
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (sentBytes < total && !res.destroyed) {
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sentBytes = Math.min(sentBytes, total)));
      pump();
    });
    const modelsDir = path.join(tmp, 'models');
    await expect(
      installBundleFromUrl(`${origin.url}/b/manifest.json`, { modelsDir, retryDelayMs: 1 }),
    ).rejects.toThrow(`sent more than the ${encoderBytes.length} bytes expected`);
    expect(sentBytes).toBeLessThan(total / 2);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('checks the stated size before hashing: a short file is refused', async () => {
    const m = starterManifest();
    const manifest = JSON.stringify({ ...m, encoder: { ...m.encoder, bytes: encoderBytes.length + 10 } });
    const origin = await serve(bundleHandler({ ...starterFiles(), 'manifest.json': manifest }));
    await expect(
      installBundleFromUrl(`${origin.url}/b/manifest.json`, {
        modelsDir: path.join(tmp, 'models'),
        retryDelayMs: 1,
      }),
    ).rejects.toThrow(`encoder.onnx is ${encoderBytes.length} bytes, expected ${encoderBytes.length + 10}`);
  });
});

describe('sweeping staging folders at start', () => {
  it('removes what dead processes left and keeps live installs and bundles', async () => {
    const modelsDir = path.join(tmp, 'models');
    const mk = (name: string, owner?: { pid: number; host: string }): void => {
      mkdirSync(path.join(modelsDir, name), { recursive: true });
      if (owner) writeFileSync(path.join(modelsDir, name, '.owner'), JSON.stringify(owner));
    };
    mk('.partial-dead-1234', { pid: 2 ** 22 + 12345, host: os.hostname() });
    mk('.partial-noowner');
    mk('.partial-live', { pid: process.pid, host: os.hostname() });
    mk('.old-starter-abcd');
    mk('real-bundle');
    writeFileSync(path.join(modelsDir, '.manifest-1234.json'), '{}');
    const removed = await sweepStaleStaging(modelsDir);
    expect(removed.sort()).toEqual([
      '.manifest-1234.json',
      '.old-starter-abcd',
      '.partial-dead-1234',
      '.partial-noowner',
    ]);
    expect(readdirSync(modelsDir).sort()).toEqual(['.partial-live', 'real-bundle']);
  });
});
