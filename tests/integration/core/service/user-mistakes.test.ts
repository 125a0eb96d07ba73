import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Result } from '@contract';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { serviceFixture, type ServiceFixture } from './service-fixture';

function errorOf(r: Result<unknown>): { code: string; message: string } {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}

describe('user mistakes get a specific code and a sentence (and the schemas agree with the code)', () => {
  let fx: ServiceFixture;
  let dir: string;
  let imageId = 0;
  beforeAll(async () => {
    fx = serviceFixture('mistakes');
    dir = path.join(fx.dataDir, 'proj');
    const file = path.join(fx.dataDir, 'red.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#e01010' } })
      .png()
      .toFile(file);
    await fx.call('projects', 'create', { dir });
    await fx.call('images', 'import', { paths: [file] });
    imageId = (await fx.call<{ items: { id: number }[] }>('images', 'list', {})).items[0]!.id;
  });
  afterAll(() => fx?.dispose());

  it('threshold 0 (or 1) is refused by the schema, naming the field, as the segmenters would', async () => {
    for (const threshold of [0, 1]) {
      const text = errorOf(
        await fx.raw('inference', 'segmentText', { imageId, prompts: ['red'], threshold }),
      );
      expect(text.code).toBe('invalid_input');
      expect(text.message).toMatch(
        /^inference\.segmentText: threshold: the threshold must be (above 0|below 1)/,
      );
      const click = errorOf(
        await fx.raw('inference', 'segmentClick', {
          imageId,
          clicks: [{ x: 5, y: 5, positive: true }],
          threshold,
        }),
      );
      expect(click.code).toBe('invalid_input');
    }
    const ok = await fx.raw('inference', 'segmentText', { imageId, prompts: ['red'], threshold: 0.5 });
    expect(ok.ok).toBe(true);
  });

  it('an unknown label id names the label, not a foreign key', async () => {
    const e = errorOf(
      await fx.raw('annotations', 'applyPatch', {
        imageId,
        baseRevision: 0,
        patch: {
          added: [
            {
              clientId: 'x',
              labelId: 999,
              geometry: { kind: 'box', x: 1, y: 1, widthPx: 5, heightPx: 5 },
              score: null,
              source: 'manual',
            },
          ],
        },
      }),
    );
    expect(e.code).toBe('not_found');
    expect(e.message).toBe('added[0].labelId: label 999 does not exist in this project');
    // Where no repository checks first, the store's foreign key still becomes a sentence, not SQLite's words.
    const hits = errorOf(await fx.raw('search', 'proposeHits', { annotationId: 1, labelId: 999 }));
    expect(hits).toMatchObject({ code: 'not_found', message: 'label 999 does not exist in this project' });
  });

  it('a NUL byte in a path is an invalid input naming the field', async () => {
    for (const [group, method, input, field] of [
      ['projects', 'open', { dir: '/tmp/a\u0000b' }, 'dir'],
      ['images', 'import', { paths: ['/tmp/a\u0000b'] }, 'paths.0'],
      ['exports', 'run', { format: 'coco', outDir: '/tmp/out\u0000' }, 'outDir'],
    ] as const) {
      const e = errorOf(await fx.raw(group, method, input));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toBe(`${group}.${method}: ${field}: a path cannot contain a NUL byte`);
    }
  });

  it('a corrupted database says the project file is damaged, with its own code', async () => {
    await fx.call('projects', 'close', {});
    const file = path.join(dir, PROJECT_DB_FILE);
    // Overwrite every page but the first: SQLite still opens the file, then finds its b-trees damaged.
    const size = readFileSync(file).length;
    const fd = openSync(file, 'r+');
    for (let at = 4096; at < size; at += 4096) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, at);
    closeSync(fd);
    const opened = await fx.raw('projects', 'open', { dir });
    const e = opened.ok ? errorOf(await fx.raw('images', 'list', {})) : errorOf(opened);
    expect(e.code).toBe('damaged_project');
    expect(e.message).toMatch(new RegExp(`^the project file ${file} is damaged \\(`));
    expect(await fx.call('projects', 'current', {})).toBeNull();
  });
});
