import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../../fixtures/rejection';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import { type InstallProgress } from '../../../../src-main/core/models/catalogue-install';
import { type Env } from '../../../../src-main/core/models/http-client';
import { readLicenceAcceptances } from '../../../../src-main/core/models/licence-record';
import { ModelManager } from '../../../../src-main/core/models/model-manager';
import { readManifest, verifyBundleFiles } from '../../../../src-main/core/models/verify';
import { startConnectProxy, startHubServer, type HubServer } from '../../../fixtures/models/hub-server';
import {
  GATED_RADIO,
  syntheticRepos,
  TINY_RADIO,
  TINY_SAM,
  TINY_SIGLIP2,
  writeReposToDir,
  writeSyntheticCatalogue,
} from '../../../fixtures/models/synthetic-hub';
import { testConverters } from '../../../fixtures/models/test-converters';

const repos = syntheticRepos();
let hub: HubServer;
let engine: InferenceEngine;
let tmp: string;

beforeAll(async () => {
  hub = await startHubServer(repos);
  engine = createInferenceEngine({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'rl-hub-engine-')) });
});
afterAll(async () => {
  await engine.dispose();
  await hub.close();
});
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-hub-'));
  hub.log.length = 0;
  for (const f of Object.values(hub.faults)) (f as Map<unknown, unknown> | Set<unknown>).clear();
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function manager(o: { env?: Env; withSam?: boolean; beforeConvert?: () => Promise<void> } = {}) {
  const { converters, calls } = testConverters({
    withSam: o.withSam ?? true,
    ...(o.beforeConvert ? { beforeConvert: o.beforeConvert } : {}),
  });
  const dataDir = path.join(tmp, 'data');
  const m = new ModelManager({
    dataDir,
    converters,
    verifyBundle: async (dir) => void (await engine.verifyModel(dir)),
    mirrorSetting: () => null,
    cataloguePath: writeSyntheticCatalogue(path.join(tmp, 'catalogue.json')),
    env: o.env ?? { HF_ENDPOINT: hub.url },
    retryDelayMs: 1,
  });
  return { m, calls, dataDir, modelsDir: path.join(dataDir, 'models') };
}

const ACCEPT = ['test-open', 'apache-2.0'];

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
const hubPaths = (): string[] => hub.log.map((r) => `${r.origin}:${r.path}${r.range ? ` ${r.range}` : ''}`);

describe('catalogue install from a hub', () => {
  it('plans from the tree API: exact sizes, the text shard it needs, licences, memory; no weights fetched', async () => {
    const { m } = manager();
    const plan = await m.plan({ catalogueId: 'tiny-radio' });
    expect(plan.bundleId).toBe('tiny-radio-64-fp32');
    expect(plan.repos.map((r) => [r.role, r.repo, r.files.map((f) => f.path)])).toEqual([
      ['checkpoint', TINY_RADIO, ['config.json', 'model.safetensors']],
      [
        'text',
        TINY_SIGLIP2,
        [
          'config.json',
          'tokenizer.json',
          'tokenizer_config.json',
          'model.safetensors.index.json',
          'model-00001-of-00002.safetensors',
        ],
      ],
      ['sam', TINY_SAM, ['config.json', 'model.safetensors']],
    ]);
    const expected = [...repos]
      .flatMap(([repo, files]) => [...files].map(([p, b]) => ({ repo, p, n: b.length })))
      .filter(({ repo, p }) => plan.repos.some((r) => r.repo === repo && r.files.some((f) => f.path === p)))
      .reduce((s, f) => s + f.n, 0);
    expect(plan.downloadBytes).toBe(expected);
    expect(plan.licences.map((l) => l.id)).toEqual(['test-open', 'apache-2.0']);
    expect(plan.provides).toEqual({ textPrompts: true, clickDecoder: true, similarity: true });
    expect(plan.memory.tokens).toBe(4 * 4 + 8);
    // Only the listings and the small files read to plan: the config and the shard index.
    expect(hubPaths().filter((p) => p.startsWith('cdn:'))).toEqual([]);
    expect(hubPaths()).toContain(`hub:/${TINY_RADIO}/resolve/main/config.json`);
  });

  it('downloads, converts with the checkpoint own adaptor names, verifies, publishes, records the licences', async () => {
    const { m, calls, dataDir, modelsDir } = manager();
    const events: InstallProgress[] = [];
    const installed = await m.installCatalogue({
      catalogueId: 'tiny-radio',
      acceptLicences: ACCEPT,
      via: 'cli',
      onProgress: (p) => events.push(p),
    });
    expect(installed).toEqual({ id: 'tiny-radio-64-fp32', dir: path.join(modelsDir, 'tiny-radio-64-fp32') });
    expect(readdirSync(modelsDir)).toEqual(['tiny-radio-64-fp32']); // no staging left
    const manifest = await readManifest(installed.dir);
    await verifyBundleFiles(installed.dir, manifest);
    expect(manifest.text?.file).toBe('text.onnx');
    expect(manifest.mask_decoder?.file).toBe('mask_decoder.onnx');
    // "siglip2-g" in the catalogue is "siglip2" in this checkpoint's config.json.
    expect(calls.checkpoint[0]?.adaptors).toEqual({ language: 'siglip2', sam: 'sam' });
    expect(calls.sam[0]?.encoderGrid).toEqual({
      heightPatches: 4,
      widthPatches: 4,
      patchSizePx: 16,
      channels: 1280,
    });
    expect(calls.tensorsSeen).toContain('text_model.head.weight');
    expect(hubPaths()).not.toContain(`hub:/${TINY_SIGLIP2}/resolve/main/model-00002-of-00002.safetensors`);
    expect(hubPaths().some((p) => p.includes('.pth.tar'))).toBe(false);
    const downloads = events.filter((e) => e.phase === 'downloading');
    expect(downloads.at(-1)?.receivedBytes).toBe(downloads.at(-1)?.totalBytes);
    expect(events.map((e) => e.phase).filter((p, i, a) => a[i - 1] !== p)).toEqual([
      'downloading',
      'converting',
      'verifying',
      'installing',
    ]);
    const records = await readLicenceAcceptances(dataDir);
    expect(records.map((r) => [r.licence, r.repo, r.via, r.catalogueId])).toEqual([
      ['test-open', TINY_RADIO, 'cli', 'tiny-radio'],
      ['apache-2.0', TINY_SIGLIP2, 'cli', 'tiny-radio'],
      ['apache-2.0', TINY_SAM, 'cli', 'tiny-radio'],
    ]);
    expect(records[0]?.acceptedBy.length).toBeGreaterThan(0);
    expect(Date.parse(records[0]?.acceptedAt ?? '')).toBeGreaterThan(0);
  });

  it('resumes with Range after a cut connection, byte-exact (the sha256 check passes)', async () => {
    const { m, calls } = manager();
    hub.faults.cutOnce.set(`${TINY_RADIO}/model.safetensors`, 300_000);
    await m.installCatalogue({ catalogueId: 'tiny-radio', acceptLicences: ACCEPT, via: 'app' });
    const cdn = hub.log.filter(
      (r) => r.origin === 'cdn' && r.path.endsWith(`${TINY_RADIO}/model.safetensors`),
    );
    // The resume starts where the written bytes end (undici may drop the last chunks of a cut stream).
    expect(cdn.map((r) => r.range?.replace(/\d+/, 'K') ?? null)).toEqual([null, 'bytes=K-']);
    const resumedAt = Number(/\d+/.exec(cdn[1]?.range ?? '')?.[0]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(300_000);
    expect(calls.tensorsSeen).toContain('radio_model.model.patch_generator.embedder.weight');
  });

  it('refuses a file whose bytes do not match the hub LFS sha256, and keeps nothing', async () => {
    const { m, modelsDir } = manager();
    hub.faults.tamper.add(`${TINY_SIGLIP2}/model-00001-of-00002.safetensors`);
    await expect(
      m.installCatalogue({ catalogueId: 'tiny-radio', acceptLicences: ACCEPT, via: 'app' }),
    ).rejects.toThrow(
      /^download of test-google\/tiny-siglip2\/model-00001-of-00002\.safetensors failed: .*sha256 mismatch, expected [0-9a-f]{64}, got [0-9a-f]{64}$/,
    );
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('refuses before downloading when the licences were not accepted', async () => {
    const { m, modelsDir } = manager();
    await expect(
      m.installCatalogue({ catalogueId: 'tiny-radio', acceptLicences: ['test-open'], via: 'app' }),
    ).rejects.toThrow(
      `Installing Tiny RADIO (test) needs your acceptance of Apache License 2.0 (apache-2.0, https://www.apache.org/licenses/LICENSE-2.0) for ${TINY_SIGLIP2}, ${TINY_SAM}.`,
    );
    expect(hubPaths().filter((p) => p.startsWith('cdn:'))).toEqual([]);
    expect(existsSync(modelsDir) ? readdirSync(modelsDir) : []).toEqual([]);
  });

  it('refuses before downloading when the disk cannot hold the files (free-disk pre-check)', async () => {
    const { m, modelsDir } = manager();
    hub.faults.claimSize.set(`${TINY_RADIO}/model.safetensors`, 2 ** 50);
    await expect(
      m.installCatalogue({ catalogueId: 'tiny-radio', acceptLicences: ACCEPT, via: 'app' }),
    ).rejects.toThrow(
      /^Not enough free disk space in .*: installing Tiny RADIO \(test\) needs [\d.]+ [KMGT]?i?B .*, and [\d.]+ [KMGT]?i?B are free\.$/,
    );
    expect(hubPaths().filter((p) => p.startsWith('cdn:'))).toEqual([]);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('cancel mid-download leaves nothing behind', async () => {
    const { m, modelsDir } = manager();
    hub.faults.stall.set(`${TINY_RADIO}/model.safetensors`, 100_000);
    const controller = new AbortController();
    const result = m.installCatalogue({
      catalogueId: 'tiny-radio',
      acceptLicences: ACCEPT,
      via: 'app',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'downloading' && p.receivedBytes >= 100_000) controller.abort();
      },
    });
    await expect(result).rejects.toThrow(/abort/i);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('cancel during conversion leaves nothing behind', async () => {
    const controller = new AbortController();
    const { m, modelsDir } = manager({ beforeConvert: () => Promise.resolve(controller.abort()) });
    await expect(
      m.installCatalogue({
        catalogueId: 'tiny-radio',
        acceptLicences: ACCEPT,
        via: 'app',
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('a gated repository: one sentence without HF_TOKEN; with it, the token goes to the hub and never to the CDN', async () => {
    hub.faults.gated.set(GATED_RADIO, 'hf_secret_123');
    const denied = manager();
    const err = await rejectionOf(
      denied.m.installCatalogue({ catalogueId: 'gated-radio', acceptLicences: ['test-open'], via: 'app' }),
    );
    expect(err).toMatchObject({
      code: 'forbidden',
      message: `${GATED_RADIO} needs a Hugging Face token (HTTP 401): set HF_TOKEN to a token that may read it.`,
    });
    hub.log.length = 0;
    const allowed = manager({ env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret_123' } });
    const installed = await allowed.m.installCatalogue({
      catalogueId: 'gated-radio',
      acceptLicences: ['test-open'],
      via: 'app',
    });
    expect(installed.id).toBe('gated-radio-64-fp32');
    expect(
      hub.log.filter((r) => r.origin === 'hub').every((r) => r.authorization === 'Bearer hf_secret_123'),
    ).toBe(true);
    expect(hub.log.filter((r) => r.origin === 'cdn').map((r) => r.authorization)).toEqual([null]);
    const wrong = manager({ env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_wrong' } });
    const e2 = await rejectionOf(wrong.m.plan({ catalogueId: 'gated-radio' }));
    expect(e2.message).toBe(`The Hugging Face token in HF_TOKEN was refused for ${GATED_RADIO} (HTTP 401).`);
    expect(e2.message).not.toContain('hf_wrong');
  });

  it('offline: connection refused is one sentence and nothing is created', async () => {
    const port = await closedPort();
    const { m, modelsDir } = manager({ env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } });
    const e = await rejectionOf(
      m.installCatalogue({ catalogueId: 'tiny-radio', acceptLicences: ACCEPT, via: 'app' }),
    );
    expect(e).toMatchObject({
      code: 'unavailable',
      message: `Cannot reach 127.0.0.1:${port}: the connection was refused; check the network connection, the proxy settings or the model mirror.`,
    });
    expect(existsSync(modelsDir) ? readdirSync(modelsDir) : []).toEqual([]);
  });

  it('honours HTTP(S)_PROXY from the environment (CONNECT), and NO_PROXY', async () => {
    const proxy = await startConnectProxy();
    try {
      const via = manager({ env: { HF_ENDPOINT: hub.url, HTTP_PROXY: proxy.url } });
      await via.m.plan({ catalogueId: 'tiny-radio' });
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(hub.url).host]));
      proxy.tunnels.length = 0;
      const direct = manager({ env: { HF_ENDPOINT: hub.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      await direct.m.plan({ catalogueId: 'tiny-radio' });
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('leaves the SAM decoder out above the grid SAM takes (its config.json), and says so', async () => {
    const { m } = manager();
    const plan = await m.plan({ catalogueId: 'tiny-radio', resolutionPx: 80 });
    expect(plan.provides).toEqual({ textPrompts: true, clickDecoder: false, similarity: true });
    expect(plan.clickDecoderResolutionPx).toBeNull();
    expect(plan.repos.map((r) => r.role)).toEqual(['checkpoint', 'text']);
    expect(plan.notes).toContain(
      "Clicks use feature similarity: SAM's decoder takes at most a 4×4 patch grid (64 px); install at that size or less for the click decoder.",
    );
    await expect(m.plan({ catalogueId: 'tiny-radio', resolutionPx: 1000 })).rejects.toThrow(
      "The resolution must be a multiple of Tiny RADIO (test)'s 16-pixel patch, got 1000.",
    );
  });

  it('refuses a checkpoint marked unsupported, with its reason, before any request', async () => {
    const { m } = manager();
    await expect(m.plan({ catalogueId: 'tiny-eradio' })).rejects.toThrow(
      'Tiny E-RADIO (test) cannot be installed: E-RADIO is not a ViT.',
    );
    expect(hub.log).toEqual([]);
  });
});

describe('catalogue install --from-dir', () => {
  it('takes the same files copied by hand, with no network', async () => {
    const src = path.join(tmp, 'copied');
    writeReposToDir(src, repos);
    const { m, calls } = manager({ env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` } });
    const installed = await m.installCatalogue({
      catalogueId: 'tiny-radio',
      fromDir: src,
      acceptLicences: ACCEPT,
      via: 'cli',
    });
    expect(installed.id).toBe('tiny-radio-64-fp32');
    expect(calls.checkpoint[0]?.checkpointDir).toBe(path.join(src, ...TINY_RADIO.split('/')));
    expect(calls.checkpoint[0]?.textTowerDir).toBe(path.join(src, ...TINY_SIGLIP2.split('/')));
    expect(hub.log).toEqual([]);
    expect(readFileSync(path.join(src, ...TINY_RADIO.split('/'), 'README.md'), 'utf8')).toContain('tiny'); // source untouched
  });

  it('names the folders it looked for when one is missing', async () => {
    const src = path.join(tmp, 'copied');
    writeReposToDir(src, new Map([...repos].filter(([r]) => r !== TINY_SIGLIP2)));
    const { m } = manager();
    await expect(m.plan({ catalogueId: 'tiny-radio', fromDir: src })).rejects.toThrow(
      `No folder for ${TINY_SIGLIP2} in ${src} (looked for test-google/tiny-siglip2, tiny-siglip2, each with its config.json).`,
    );
  });
});
