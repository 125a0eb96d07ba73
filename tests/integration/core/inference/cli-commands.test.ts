import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../../../src-main/cli/command';
import { embedCommands } from '../../../../src-main/cli/commands/embed';
import { modelsCommands } from '../../../../src-main/cli/commands/models';
import { tagCommands } from '../../../../src-main/cli/commands/tag';
import { Project } from '../../../../src-main/core/project';
import { solid } from './synthetic-images';

let tmp: string;
const lines: string[] = [];
let io: CliIo;

const cmd = (all: readonly CliCommand[], p: string): CliCommand => all.find((c) => c.path.join(' ') === p)!;
const run = (
  c: CliCommand,
  positionals: string[],
  values: Record<string, string | boolean> = {},
): Promise<unknown> => c.run({ positionals, values }, io);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-cli-'));
  io = { dataDir: path.join(tmp, 'data'), progress: (m) => lines.push(m) };
  await solid(path.join(tmp, 'red.png'), 96, 64, [225, 25, 30]);
  await solid(path.join(tmp, 'yellow.png'), 64, 96, [240, 230, 30]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('radiolabel tag', () => {
  it('ranks "red" first for a red image and prints JSON scores', async () => {
    const out = (await run(cmd(tagCommands, 'tag'), [path.join(tmp, 'red.png')], {
      labels: 'green, red ,blue',
    })) as {
      tags: { label: string; score: number }[];
    };
    expect(out.tags.map((t) => t.label)).toEqual(['red', 'green', 'blue']);
  });

  it('refuses an unknown word as a usage error', async () => {
    await expect(
      run(cmd(tagCommands, 'tag'), [path.join(tmp, 'red.png')], { labels: 'red,sofa' }),
    ).rejects.toThrow('"sofa" is not in the starter vocabulary');
  });
});

describe('radiolabel embed', () => {
  it('fills the project cache with the starter bundle, then serves it from the cache', async () => {
    const dir = path.join(tmp, 'proj');
    const project = Project.create(dir);
    await project.importImages([path.join(tmp, 'red.png'), path.join(tmp, 'yellow.png')]);
    project.close();
    const embed = cmd(embedCommands, 'embed');
    const first = (await run(embed, [dir])) as { embedded: number; cached: number; job: { state: string } };
    expect(first).toMatchObject({ embedded: 2, cached: 0, job: { state: 'done' } });
    expect(lines.some((l) => /^job \d+ embed done: 2\/2$/.test(l))).toBe(true);
    const second = (await run(embed, [dir])) as { embedded: number; cached: number };
    expect(second).toMatchObject({ embedded: 0, cached: 2 });
    const again = Project.open(dir);
    try {
      const id = again.images.pageAfter(0, 10)[0]!.id;
      const stored = again.embeddings.get({ imageId: id, modelId: 'starter', resolution: 'default' });
      expect(stored?.tensors.text_dense?.dims).toEqual([32, 48, 11]); // 96×64 → 768×512 → 48×32 patches
    } finally {
      again.close();
    }
    const finer = (await run(embed, [dir], { resolution: '256' })) as {
      embedded: number;
      resolution: string;
    };
    expect(finer).toMatchObject({ embedded: 2, resolution: '256' });
    await expect(run(embed, [dir], { model: 'nope' })).rejects.toThrow(
      'unknown model "nope" (installed: starter)',
    );
  });
});

describe('radiolabel models', () => {
  it('lists, verifies and imports bundles', async () => {
    const list = (await run(cmd(modelsCommands, 'models list'), [])) as {
      models: { id: string; isStarter: boolean }[];
    };
    expect(list.models.map((m) => [m.id, m.isStarter])).toEqual([['starter', true]]);
    const verified = await run(cmd(modelsCommands, 'models verify'), ['starter']);
    expect(verified).toMatchObject({ ok: true, id: 'starter' });
    const src = path.join(tmp, 'copy', 'starter');
    cpSync(path.resolve(import.meta.dirname, '../../../../models/starter'), src, { recursive: true });
    await expect(run(cmd(modelsCommands, 'models install'), [src])).rejects.toThrow(
      'model bundle "starter": id: a built-in bundle already uses this id',
    );
    const manifestFile = path.join(src, 'manifest.json');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8').replace('"id": "starter"', '"id": "my-colours"'),
    );
    const installed = await run(cmd(modelsCommands, 'models install'), [src]);
    expect(installed).toEqual({
      installed: 'my-colours',
      dir: path.join(io.dataDir, 'models', 'my-colours'),
    });
    const after = (await run(cmd(modelsCommands, 'models list'), [])) as {
      models: { id: string; source: string }[];
    };
    expect(after.models.map((m) => [m.id, m.source])).toEqual([
      ['starter', 'built-in'],
      ['my-colours', 'user'],
    ]);
    await expect(
      run(cmd(modelsCommands, 'models verify'), [path.join(io.dataDir, 'models', 'my-colours')]),
    ).resolves.toMatchObject({
      ok: true,
      id: 'my-colours',
    });
  });
});
