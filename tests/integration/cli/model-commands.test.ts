import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/core/project';
import { solid } from '../core/inference/synthetic-images';
import { radiolabel } from '../../fixtures/cli/radiolabel';

let tmp: string;
let dataDir: string;

async function json(argv: string[]): Promise<{ out: unknown; stderr: string }> {
  const run = await radiolabel(dataDir, argv);
  expect(run.code, run.stderr).toBe(0);
  return { out: JSON.parse(run.stdout) as unknown, stderr: run.stderr };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-cli-'));
  dataDir = path.join(tmp, 'data');
  await solid(path.join(tmp, 'red.png'), 96, 64, [225, 25, 30]);
  await solid(path.join(tmp, 'yellow.png'), 64, 96, [240, 230, 30]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('radiolabel tag', () => {
  it('ranks "red" first for a red image and prints JSON scores', async () => {
    const { out } = await json(['tag', path.join(tmp, 'red.png'), '--labels', 'green, red ,blue']);
    expect((out as { tags: { label: string }[] }).tags.map((t) => t.label)).toEqual(['red', 'green', 'blue']);
  });

  it('refuses an unknown word as a usage error', async () => {
    const run = await radiolabel(dataDir, ['tag', path.join(tmp, 'red.png'), '--labels', 'red,sofa']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"sofa" is not in the starter vocabulary');
  });
});

describe('radiolabel embed', () => {
  it('fills the project cache with the starter bundle, then serves it from the cache', async () => {
    const dir = path.join(tmp, 'proj');
    const project = Project.create(dir);
    await project.importImages([path.join(tmp, 'red.png'), path.join(tmp, 'yellow.png')]);
    project.close();
    const first = await json(['embed', dir]);
    expect(first.out).toMatchObject({ embedded: 2, cached: 0, job: { state: 'done' } });
    expect(first.stderr).toMatch(/^job \d+ embed done: 2\/2$/m);
    expect(first.stderr).toContain('embedding with model "starter" on cpu');
    expect((await json(['embed', dir])).out).toMatchObject({ embedded: 0, cached: 2 });
    const again = Project.open(dir);
    try {
      const id = again.images.pageAfter(0, 10)[0]!.id;
      const stored = again.embeddings.get({ imageId: id, modelId: 'starter', resolution: 'default' });
      expect(stored?.tensors.text_dense?.dims).toEqual([32, 48, 11]); // 96×64 → 768×512 → 48×32 patches
    } finally {
      again.close();
    }
    expect((await json(['embed', dir, '--resolution', '256'])).out).toMatchObject({
      embedded: 2,
      resolution: '256',
    });
    const unknown = await radiolabel(dataDir, ['embed', dir, '--model', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown model "nope" (installed: starter)');
  });
});

describe('radiolabel models', () => {
  it('lists, verifies and imports bundles', async () => {
    const list = (await json(['models', 'list'])).out as { models: { id: string; isStarter: boolean }[] };
    expect(list.models.map((m) => [m.id, m.isStarter])).toEqual([['starter', true]]);
    expect((await json(['models', 'verify', 'starter'])).out).toMatchObject({ ok: true, id: 'starter' });
    const src = path.join(tmp, 'copy', 'starter');
    cpSync(path.resolve(import.meta.dirname, '../../../models/starter'), src, { recursive: true });
    const clash = await radiolabel(dataDir, ['models', 'install', src]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('model bundle "starter": id: a built-in bundle already uses this id');
    const manifestFile = path.join(src, 'manifest.json');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8').replace('"id": "starter"', '"id": "my-colours"'),
    );
    expect((await json(['models', 'install', src])).out).toEqual({
      installed: 'my-colours',
      dir: path.join(dataDir, 'models', 'my-colours'),
    });
    const after = (await json(['models', 'list'])).out as { models: { id: string; source: string }[] };
    expect(after.models.map((m) => [m.id, m.source])).toEqual([
      ['starter', 'built-in'],
      ['my-colours', 'user'],
    ]);
    expect((await json(['models', 'verify', path.join(dataDir, 'models', 'my-colours')])).out).toMatchObject({
      ok: true,
      id: 'my-colours',
    });
  });
});
