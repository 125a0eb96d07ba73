import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asJobId, type AppEvent, type InstallStatus } from '@contract';
import { progressLines } from '../../../src-main/cli/progress';
import { radiolabel } from '../../fixtures/cli/radiolabel';

const starterDir = path.resolve(import.meta.dirname, '../../../models/starter');
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rl-models-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (...argv: string[]) => radiolabel(dataDir, argv);

describe('radiolabel models catalogue / install / remove', () => {
  it('prints the catalogue: licence, resolution, memory, what each provides, sources', async () => {
    const r = await cli('models', 'catalogue');
    expect(r.code).toBe(0);
    const { checkpoints } = r.json as { checkpoints: Record<string, unknown>[] };
    const v3b = checkpoints.find((c) => c.id === 'c-radio_v3-b');
    expect(v3b).toMatchObject({
      repo: 'nvidia/C-RADIOv3-B',
      licence: 'NVIDIA Open Model License (commercial use allowed)',
      resolution: { preferred: 512, max: 2048, step: 16 },
      downloadBytes: 'read from the hub at install time',
      companions: [
        { role: 'text', repo: 'google/siglip2-so400m-patch16-naflex', licence: 'Apache License 2.0' },
        // The SAM decoder converter is in this build: a `sam` adaptor brings SAM ViT-H's weights.
        { role: 'sam', repo: 'facebook/sam-vit-huge', licence: 'Apache License 2.0' },
      ],
    });
    expect((v3b?.sources as Record<string, string>).resolution).toContain('radio/common.py@c0f3701');
    const eradio = checkpoints.find((c) => c.id === 'e-radio_v2');
    expect(eradio).toMatchObject({ installable: false });
    expect(String(eradio?.notInstallable)).toMatch(/not a ViT/);
  });

  it('refuses an unsupported checkpoint with its reason, and an unknown id, as refused input (exit 2)', async () => {
    const r = await cli('models', 'install', 'e-radio_v2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^radiolabel models install: E-RADIO cannot be installed: E-RADIO is not a ViT/);
    const u = await cli('models', 'install', 'no-such-model');
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('"no-such-model" is neither a catalogue id (c-radio_v4-h, ');
    const d = await cli('models', 'install', 'c-radio_v3-b', '--dtype', 'fp8');
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('--dtype: Invalid option: expected one of "fp32"|"fp16"|"int8" (got "fp8")');
  });

  it('installs a bundle folder, then removes it; built-in models stay', async () => {
    const src = path.join(dataDir, 'bundle-src');
    cpSync(starterDir, src, { recursive: true });
    const manifest = path.join(src, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"id": "starter"', '"id": "my-bundle"'));
    const installed = await cli('models', 'install', src);
    expect(installed.json).toMatchObject({ installed: 'my-bundle' });
    const removed = await cli('models', 'remove', 'my-bundle');
    expect(removed.json).toMatchObject({ removed: 'my-bundle', selectedModelId: 'starter' });
    expect(existsSync(path.join(dataDir, 'models', 'my-bundle'))).toBe(false);
    const builtIn = await cli('models', 'remove', 'starter');
    expect(builtIn.code).toBe(1);
    expect(builtIn.stderr).toContain('is built in and cannot be removed');
  });
});

describe('install progress on stderr', () => {
  it('one line per phase change, then at most one a second, with bytes, speed and time left', () => {
    const lines: string[] = [];
    let t = 0;
    const print = progressLines(
      (l) => lines.push(l),
      () => t,
    );
    const base: InstallStatus = {
      installId: 'i1',
      catalogueId: 'c-radio_v3-b',
      state: 'downloading',
      file: 'nvidia/C-RADIOv3-B/model.safetensors',
      receivedBytes: 0,
      totalBytes: 400 * 2 ** 20,
      bytesPerSecond: null,
      etaSeconds: null,
      message: null,
      modelId: null,
    };
    const event = (install: Partial<InstallStatus>): AppEvent => ({
      kind: 'model_install',
      install: { ...base, ...install },
    });
    print(event({}));
    t = 500;
    print(event({ receivedBytes: 10 * 2 ** 20, bytesPerSecond: 20 * 2 ** 20, etaSeconds: 19.5 }));
    t = 1000;
    print(event({ receivedBytes: 20 * 2 ** 20, bytesPerSecond: 20 * 2 ** 20, etaSeconds: 19 }));
    t = 1100;
    print(event({ state: 'converting', file: 'encoder', receivedBytes: 0, totalBytes: 1 }));
    print(event({ state: 'done', file: null, modelId: 'c-radio_v3-b-512' }));
    // Job progress goes through the same printer without disturbing the install's rhythm.
    print({
      kind: 'job_progress',
      job: {
        id: asJobId(1),
        kind: 'embed',
        state: 'queued',
        done: 0,
        total: 1,
        etaMs: null,
        error: null,
        warnings: [],
      },
    });
    expect(lines).toEqual([
      'downloading nvidia/C-RADIOv3-B/model.safetensors: 0 B/400.0 MiB (0%)',
      'downloading nvidia/C-RADIOv3-B/model.safetensors: 20.0 MiB/400.0 MiB (5%), 20.0 MiB/s, 0:19 left',
      'converting encoder…',
      'job 1 embed queued: 0/1',
    ]);
  });
});
