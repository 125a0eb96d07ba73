import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, apiSpec, type ApiGroup } from '@contract';
import { createRadioLabelService, type RadioLabelService } from '../../src-main/core/api';
import { seededRandom } from '../../src-main/core/random';
import { startBrowserServer, TOKEN_HEADER, type BrowserServer } from '../../src-main/server/browser-server';
import { valueFor, type ValueContext } from './schema-values';

const SEED = 20261130;
const ROUNDS = 6;
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Answer {
  readonly call: string;
  readonly input: unknown;
  readonly status: number;
  readonly body: { ok: boolean; error?: { code: string; message: string } } | undefined;
}

/**
 * Every method of the contract, called with seeded random and edge inputs over HTTP (browser mode, the
 * token set): no answer may be `internal` or a 5xx, and the server must still answer at the end.
 */
describe('API fuzz (every method, fixed seed, bounded count)', () => {
  let sandbox: string;
  let service: RadioLabelService;
  let server: BrowserServer;
  let ctx: ValueContext;
  const projectDir = (): string => path.join(sandbox, 'proj');

  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    // Hermetic: the app may reach nothing but loopback (model downloads then fail, as offline, with a code).
    globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
        return Promise.reject(new TypeError(`fetch failed: the fuzz allows no network (${url.host})`));
      return realFetch(input, init);
    };
    sandbox = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-fuzz-'));
    // Whatever relative path slips through resolves inside the sandbox (three levels deep, for "../..").
    const cwd = path.join(sandbox, 'cwd', 'a', 'b');
    mkdirSync(cwd, { recursive: true });
    process.chdir(cwd);
    const images = path.join(sandbox, 'images');
    mkdirSync(images);
    for (const [i, colour] of ['#d01010', '#10a010', '#1010d0'].entries()) {
      await sharp({ create: { width: 48, height: 32, channels: 3, background: colour } })
        .png()
        .toFile(path.join(images, `img-${i}.png`));
    }
    writeFileSync(path.join(images, 'broken.png'), 'not a png');
    service = createRadioLabelService({
      dataDir: path.join(sandbox, 'data'),
      mode: 'browser',
      version: 'fuzz',
      appRoot: ROOT,
    });
    const h = service.handlers;
    await h.projects.create({ dir: projectDir() });
    await h.images.import({ paths: [images] });
    const red = await h.labels.create({ name: 'red' });
    await h.labels.create({ name: 'green' });
    await h.annotations.applyPatch({
      imageId: 1 as never,
      baseRevision: 0,
      patch: {
        added: [
          {
            clientId: 'c1',
            labelId: red.id,
            geometry: { kind: 'box', x: 2, y: 2, widthPx: 20, heightPx: 10 },
            score: null,
            source: 'manual',
            iscrowd: false,
            attributes: {},
            groupId: null,
          },
        ],
        updated: [],
        removed: [],
      },
    });
    server = await startBrowserServer({ service });
    ctx = {
      random: seededRandom(SEED),
      wildness: 0.08,
      paths: [
        projectDir(),
        images,
        path.join(images, 'img-0.png'),
        path.join(images, 'broken.png'),
        path.join(sandbox, 'missing'),
        path.join(sandbox, 'new-project'),
        path.join(sandbox, 'out'),
        path.join(projectDir(), 'project.radiolabel.sqlite'),
        path.join(sandbox, 'nul\u0000byte'),
        `${images}/../images`,
      ],
    };
  });
  afterAll(async () => {
    process.chdir(ROOT);
    globalThis.fetch = realFetch;
    await server?.close();
    await service?.dispose();
    rmSync(sandbox, { recursive: true, force: true });
  });

  async function post(group: string, method: string, input: unknown): Promise<Answer> {
    const call = `${group}.${method}`;
    try {
      const res = await fetch(`${server.origin}/api/${group}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
        body: JSON.stringify(input ?? null),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body: Answer['body'];
      try {
        body = JSON.parse(text) as Answer['body'];
      } catch {
        body = undefined;
      }
      return { call, input, status: res.status, body };
    } catch (e) {
      return {
        call,
        input,
        status: 0,
        body: { ok: false, error: { code: 'no_answer', message: String(e) } },
      };
    }
  }

  it('answers every call with a result or a specific error, never `internal`, and stays up', async () => {
    const bad: Answer[] = [];
    const methods = (Object.keys(API_METHODS) as ApiGroup[]).flatMap((g) =>
      API_METHODS[g].map((m) => [g, m] as const),
    );
    let calls = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [group, method] of methods) {
        const spec = (apiSpec[group] as Record<string, { input: Parameters<typeof valueFor>[0] }>)[method]!;
        const answer = await post(group, method, valueFor(spec.input, ctx));
        calls++;
        const code = answer.body?.error?.code;
        // Every answer is a Result: ok with a value, or an error with a specific code.
        const isResult = answer.body?.ok === true || typeof code === 'string';
        if (answer.status >= 500 || answer.status === 0 || code === 'internal' || !isResult) bad.push(answer);
        // Keep a project open most of the time, so that calls reach the handlers behind it.
        if (ctx.random() < 0.5 && !(await service.handlers.projects.current({})))
          await service.handlers.projects.open({ dir: projectDir() });
      }
    }
    const report = bad.map(
      (b) =>
        `${b.call} ${JSON.stringify(b.input).slice(0, 300)} → ${b.status} ${JSON.stringify(b.body).slice(0, 300)}`,
    );
    expect(report).toEqual([]);
    expect(calls).toBe(ROUNDS * methods.length);
    const alive = await post('settings', 'appInfo', {});
    expect(alive.body).toMatchObject({ ok: true, value: { name: 'RadioLabel' } });
  });
});
