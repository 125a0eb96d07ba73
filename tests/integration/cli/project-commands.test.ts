import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../src-main/core/db/schema';
import { readRecentProjects } from '../../../src-main/core/project';
import { tinyPng, writeBuffer } from '../../fixtures/images/make-images';
import { tempDirs } from '../../fixtures/images/temp-dirs';
import { radiolabel } from '../../fixtures/cli/radiolabel';

const temp = tempDirs('cli');
afterAll(() => temp.cleanup());

const cli = (dataDir: string, ...argv: string[]) => radiolabel(dataDir, argv);

describe('radiolabel project / import / labels / info', () => {
  it('creates a project, imports, adds labels and reports counts as JSON', async () => {
    const root = temp.make();
    const dataDir = path.join(root, 'appdata');
    const dir = path.join(root, 'proj');
    const created = await cli(dataDir, 'project', 'create', dir, '--name', 'Demo');
    expect(created.json).toMatchObject({ name: 'Demo', images: 0, schemaVersion: LATEST_SCHEMA_VERSION });
    expect(readRecentProjects(dataDir).map((p) => p.name)).toEqual(['Demo']);

    const imgs = path.join(root, 'imgs');
    writeBuffer(imgs, 'a.png', tinyPng(1));
    writeBuffer(imgs, 'b.png', tinyPng(1));
    writeBuffer(imgs, 'c.jpg', 'not an image');
    const imported = await cli(dataDir, 'import', dir, imgs);
    // b.png has a.png's bytes: a separate image, reported as identical.
    expect(imported.json).toEqual({
      added: 2,
      duplicates: 0,
      identical: [{ path: path.join(imgs, 'b.png'), sameAs: 'a.png' }],
      skipped: [{ path: path.join(imgs, 'c.jpg'), reason: 'the content is text, not an image' }],
    });

    const labels = await cli(dataDir, 'labels', 'add', dir, 'cat', 'dog', '--color', '#FF0000');
    expect((labels.json as { name: string; color: string }[]).map((l) => [l.name, l.color])).toEqual([
      ['cat', '#ff0000'],
      ['dog', '#ff0000'],
    ]);
    const again = await cli(dataDir, 'labels', 'add', dir, 'cat');
    expect((again.json as { id: number }[])[0]?.id).toBe((labels.json as { id: number }[])[0]?.id);

    expect((await cli(dataDir, 'info', dir)).json).toEqual({
      images: 2,
      labels: 2,
      annotations: 0,
      cacheBytes: 0,
      schemaVersion: LATEST_SCHEMA_VERSION,
    });
  });

  it('fails with a clear message and a non-zero exit code', async () => {
    const root = temp.make();
    const missing = await cli(root, 'info', path.join(root, 'nothing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no RadioLabel project here');
    const usage = await cli(root, 'import', path.join(root, 'nothing'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing argument <paths…>');
    await cli(root, 'project', 'create', path.join(root, 'p'));
    const badColor = await cli(root, 'labels', 'add', path.join(root, 'p'), 'x', '--color', 'red');
    expect(badColor.code).toBe(2);
    expect(badColor.stderr).toContain('--color: colours are #rrggbb (got "red")');
  });
});
