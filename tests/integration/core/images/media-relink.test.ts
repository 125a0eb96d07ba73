import { readFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asImageId, type ImageId } from '@contract';
import { parseMediaRequest } from '../../../../src-main/core/images/media';
import { Project } from '../../../../src-main/core/project';
import * as make from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('media');
afterAll(() => temp.cleanup());

describe('media and relink', () => {
  let root: string;
  let project: Project;
  const id: Record<string, ImageId> = {};

  beforeAll(async () => {
    root = temp.make();
    const imgs = path.join(root, 'photos');
    await make.writePng(imgs, 'wide.png', 600, 300);
    await make.writeRotatedJpeg(imgs, 'rotated.jpg');
    make.writeBuffer(imgs, 'b.bmp', make.bmp24(40, 20, [250, 0, 0]));
    project = Project.create(path.join(root, 'proj'));
    const result = await project.importImages([imgs]);
    for (const o of result.outcomes) if (o.kind === 'added') id[path.basename(o.path)] = o.imageId;
  });
  afterAll(() => project.close());

  it('serves the original by id with its content type', async () => {
    const media = await project.resolveMedia(id['wide.png']!, 'original');
    expect(media).toEqual({
      path: path.join(root, 'photos', 'wide.png'),
      contentType: 'image/png',
      sizeBytes: readFileSync(media.path).length,
    });
    // Stored relative to the project folder even though it lies beside it.
    expect(project.images.get(id['wide.png']!).path).toBe('../photos/wide.png');
  });

  it('makes cached WebP thumbnails inside the project, auto-oriented, BMP included', async () => {
    const thumb = await project.resolveMedia(id['wide.png']!, 'thumbnail');
    expect(thumb.contentType).toBe('image/webp');
    expect(thumb.path.startsWith(path.join(project.dir, '.radiolabel', 'thumbnails'))).toBe(true);
    expect(await sharp(thumb.path).metadata()).toMatchObject({ format: 'webp', width: 256, height: 128 });
    const rotated = await project.resolveMedia(id['rotated.jpg']!, 'thumbnail');
    expect(await sharp(rotated.path).metadata()).toMatchObject({ width: 20, height: 40 });
    const bmp = await project.resolveMedia(id['b.bmp']!, 'thumbnail');
    const { data, info } = await sharp(bmp.path).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([40, 20]);
    expect(data[0]).toBeGreaterThan(200); // red survived the hand-written BMP decode
    expect(data[2]).toBeLessThan(40);
    const again = await project.resolveMedia(id['wide.png']!, 'thumbnail');
    expect(again.path).toBe(thumb.path);
  });

  it('falls back to the original when no thumbnail can be written', async () => {
    const other = Project.create(path.join(root, 'blocked'));
    try {
      const file = await make.writePng(path.join(root, 'solo'), 'solo.png', 20, 10, 9);
      const added = (await other.importImages([file])).outcomes[0]!;
      make.writeBuffer(other.dir, '.radiolabel', 'a file where the cache folder should be');
      if (added.kind !== 'added') throw new Error('expected an added image');
      expect(await other.resolveMedia(added.imageId, 'thumbnail')).toEqual({
        path: file,
        contentType: 'image/png',
        sizeBytes: readFileSync(file).length,
      });
    } finally {
      other.close();
    }
  });

  it('answers unknown ids and escaping requests with not-found', async () => {
    await expect(project.resolveMedia(asImageId(9999), 'original')).rejects.toMatchObject({
      code: 'not_found',
    });
    for (const bad of [
      '../../etc/passwd',
      '1/../2',
      '%2e%2e/1',
      '1/thumbnail/..',
      '0',
      '-1',
      '1.5',
      '1/original/x',
      '',
    ]) {
      expect(parseMediaRequest(bad)).toBeUndefined();
    }
    expect(parseMediaRequest('12')).toEqual({ imageId: 12, variant: 'original' });
    expect(parseMediaRequest('12/thumbnail')).toEqual({ imageId: 12, variant: 'thumbnail' });
  });

  it('flags files gone from disk and relinks a moved folder by content hash', async () => {
    const moved = path.join(root, 'moved', 'elsewhere');
    mkdirSync(path.dirname(moved), { recursive: true });
    renameSync(path.join(root, 'photos'), moved);
    await expect(project.resolveMedia(id['wide.png']!, 'original')).rejects.toThrow(
      /the file of image \d+ is missing on disk: .*photos\/wide\.png \(relink its folder\)/,
    );
    const missing = await project.detectMissing();
    expect(missing.missing.sort()).toEqual(Object.values(id).sort());
    expect(project.images.list({ sort: 'name' }).items.map((r) => r.missing)).toEqual([true, true, true]);
    expect(await project.relinkFolder(path.join(root, 'moved'))).toEqual({ relinked: 3 });
    expect(project.images.list().items.every((r) => !r.missing)).toBe(true);
    expect(project.images.get(id['rotated.jpg']!).path).toBe('../moved/elsewhere/rotated.jpg');
    expect((await project.resolveMedia(id['rotated.jpg']!, 'original')).path).toBe(
      path.join(moved, 'rotated.jpg'),
    );
  });
});
