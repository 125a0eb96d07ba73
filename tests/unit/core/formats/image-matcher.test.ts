import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageMatcher } from '../../../../src-main/core/formats/image-matcher';
import { importAnnotations } from '../../../../src-main/core/formats/import-annotations';
import { MemoryProject, tempDir } from './memory-project';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('matching annotation files to project images', () => {
  it('uses the relative path, then a unique name, and reports ambiguous names', async () => {
    const p = new MemoryProject(path.join(dir, 'p'));
    const one = p.addImage('one/a.jpg', 10, 10);
    const two = p.addImage('two/a.jpg', 10, 10);
    const b = p.addImage('two/B.JPG', 10, 10);
    const m = await ImageMatcher.build(p);
    expect(await m.match({ display: 'x', fileName: 'a.jpg', relativePath: 'two\\a.jpg' })).toEqual({
      image: p.imageList[two - 1],
    });
    expect(await m.match({ display: 'x', fileName: 'a.jpg', relativePath: './one/a.jpg' })).toEqual({
      image: p.imageList[one - 1],
    });
    expect(await m.match({ display: 'b.jpg', fileName: 'b.jpg', relativePath: 'elsewhere/b.jpg' })).toEqual({
      image: p.imageList[b - 1],
    });
    expect(await m.match({ display: 'train/a.jpg', fileName: 'a.jpg', relativePath: 'train/a.jpg' })).toEqual(
      {
        reason: 'train/a.jpg: several project images have this name; cannot tell which one',
      },
    );
    expect(await m.match({ display: 'labels/b.txt', fileName: 'b', stem: 'b' })).toEqual({
      image: p.imageList[b - 1],
    });
    expect(await m.match({ display: 'labels/b.txt', fileName: 'b' })).toEqual({
      reason: 'labels/b.txt: no project image with this path, name or content',
    });
  });

  it('falls back to the content hash of the image next to the annotations', async () => {
    const bytes = Buffer.from('pretend image bytes');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const p = new MemoryProject(path.join(dir, 'hash'));
    const id = p.addImage('camera/IMG_0001.jpg', 10, 10, 'done', sha);
    const lm = path.join(dir, 'lm');
    await fs.mkdir(lm, { recursive: true });
    await fs.writeFile(path.join(lm, 'renamed.jpg'), bytes);
    await fs.writeFile(
      path.join(lm, 'renamed.json'),
      JSON.stringify({
        version: '5.5.0',
        flags: {},
        shapes: [{ label: 'x', points: [[1, 1]], shape_type: 'point' }],
        imagePath: 'renamed.jpg',
        imageData: null,
        imageHeight: 10,
        imageWidth: 10,
      }),
    );
    const r = await importAnnotations(p, { format: 'labelme', path: lm });
    expect(r).toMatchObject({ imported: 1, matchedImages: 1, unmatched: [], errors: [] });
    expect(p.annotations.get(id)?.[0]?.geometry).toEqual({ kind: 'point', x: 1, y: 1 });
  });
});
