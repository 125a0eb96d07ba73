import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import { parseMediaRequest } from '../../../../src-main/core/images/media';
import { Project } from '../../../../src-main/core/project';
import * as make from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('media');
afterAll(() => temp.cleanup());

interface Served {
  readonly contentType: string;
  readonly etag: string;
  readonly bytes: Buffer;
}

/** What the media route would stream for an address, read whole (undefined: a 404). */
async function serve(project: Project, address: string): Promise<Served | undefined> {
  const body = await project.openMedia(address);
  if (!body) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of body.handle.createReadStream({ start: 0 })) chunks.push(c as Buffer);
  return { contentType: body.contentType, etag: body.etag, bytes: Buffer.concat(chunks) };
}

function keyOf(project: Project, id: ImageId): string {
  return project.images.row(id).mediaKey;
}

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
    await make.writeFormat(imgs, 'scan.tiff', 'tiff', 30, 20, 3);
    project = Project.create(path.join(root, 'proj'));
    const result = await project.importImages([imgs]);
    for (const o of result.outcomes) if (o.kind === 'added') id[path.basename(o.path)] = o.imageId;
  });
  afterAll(() => project.close());

  it('serves the original at its media key, with the content hash as its ETag', async () => {
    const record = project.images.get(id['wide.png']!);
    expect(keyOf(project, record.id)).toBe(`${project.mediaKey}/${record.id}/${record.sha256.slice(0, 16)}`);
    const served = await serve(project, keyOf(project, record.id));
    expect(served).toEqual({
      contentType: 'image/png',
      etag: `"${record.sha256}"`,
      bytes: readFileSync(path.join(root, 'photos', 'wide.png')),
    });
    // Stored relative to the project folder even though it lies beside it.
    expect(record.path).toBe('../photos/wide.png');
  });

  it('makes cached WebP thumbnails inside the project, auto-oriented, BMP included', async () => {
    const thumb = await serve(project, `${keyOf(project, id['wide.png']!)}/thumbnail`);
    expect(thumb?.contentType).toBe('image/webp');
    expect(await sharp(thumb!.bytes).metadata()).toMatchObject({ format: 'webp', width: 256, height: 128 });
    const rotated = await serve(project, `${keyOf(project, id['rotated.jpg']!)}/thumbnail`);
    expect(await sharp(rotated!.bytes).metadata()).toMatchObject({ width: 20, height: 40 });
    const bmp = await serve(project, `${keyOf(project, id['b.bmp']!)}/thumbnail`);
    const { data, info } = await sharp(bmp!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([40, 20]);
    expect(data[0]).toBeGreaterThan(200); // red survived the hand-written BMP decode
    expect(data[2]).toBeLessThan(40);
  });

  it('serves a TIFF (which Chromium cannot show) as a cached PNG of the same pixels', async () => {
    const served = await serve(project, keyOf(project, id['scan.tiff']!));
    expect(served?.contentType).toBe('image/png');
    const shown = await sharp(served!.bytes).raw().toBuffer({ resolveWithObject: true });
    const original = await sharp(path.join(root, 'photos', 'scan.tiff'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([shown.info.width, shown.info.height]).toEqual([30, 20]);
    expect(shown.data.equals(original.data)).toBe(true);
    expect(served?.etag).toBe(`"${project.images.get(id['scan.tiff']!).sha256}-display"`);
  });

  it('falls back to the original when no thumbnail can be written', async () => {
    const other = Project.create(path.join(root, 'blocked'));
    try {
      const file = await make.writePng(path.join(root, 'solo'), 'solo.png', 20, 10, 9);
      const added = (await other.importImages([file])).outcomes[0]!;
      make.writeBuffer(other.dir, '.radiolabel', 'a file where the cache folder should be');
      if (added.kind !== 'added') throw new Error('expected an added image');
      const served = await serve(other, `${keyOf(other, added.imageId)}/thumbnail`);
      expect(served?.contentType).toBe('image/png');
      expect(served?.bytes.equals(readFileSync(file))).toBe(true);
    } finally {
      other.close();
    }
  });

  it('parses addresses strictly: only <key>/<decimal id>/<hash>[/thumbnail]', () => {
    const key = 'a'.repeat(16);
    const hash = 'b'.repeat(16);
    expect(parseMediaRequest(`${key}/12/${hash}`)).toEqual({
      projectKey: key,
      imageId: 12,
      sha256Prefix: hash,
      variant: 'original',
    });
    expect(parseMediaRequest(`${key}/12/${hash}/thumbnail`)?.variant).toBe('thumbnail');
    for (const badId of ['0x1', '1e0', ' 1', '1 ', '01', '0', '-1', '1.5', '+1', '９', '1%00']) {
      expect(parseMediaRequest(`${key}/${badId}/${hash}`), badId).toBeUndefined();
    }
    for (const bad of [
      '1',
      '1/thumbnail',
      `${key}/1/../2/${hash}`,
      `${key}/1/${hash}/thumbnail/..`,
      `${key}/1/${hash}/original`,
      `${key}/1/${hash.toUpperCase()}`,
      `../../etc/passwd`,
      `%2e%2e/${key}/1/${hash}`,
      '',
    ]) {
      expect(parseMediaRequest(bad), bad).toBeUndefined();
    }
  });

  it("never answers another project's address or an outdated hash", async () => {
    const wide = keyOf(project, id['wide.png']!);
    const [, imageId, hash] = wide.split('/');
    expect(await serve(project, `${'0'.repeat(16)}/${imageId}/${hash}`)).toBeUndefined();
    expect(await serve(project, `${project.mediaKey}/${imageId}/${'0'.repeat(16)}`)).toBeUndefined();
    expect(await serve(project, `${project.mediaKey}/9999/${hash}`)).toBeUndefined();
  });

  it('serves a file only while it is what was imported: touched is fine, changed or a symlink is not', async () => {
    const dir = path.join(root, 'swap');
    const file = await make.writePng(dir, 'x.png', 16, 16, 21);
    const other = await make.writePng(dir, 'y.png', 16, 16, 22);
    const same = make.writeBuffer(path.join(root, 'elsewhere'), 'copy.png', readFileSync(file));
    const added = (await project.importImages([file])).outcomes[0]!;
    if (added.kind !== 'added') throw new Error('expected an added image');
    const key = keyOf(project, added.imageId);
    const original = readFileSync(file);
    expect((await serve(project, key))?.bytes.equals(original)).toBe(true);

    // Touched: same bytes, new mtime → verified by hash, served, and the new mtime remembered.
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await serve(project, key))?.bytes.equals(original)).toBe(true);
    expect(project.images.get(added.imageId).mtimeMs).toBe(new Date(2001, 1, 1).getTime());

    // Same size, other pixels (y.png has the same dimensions and encoder): refused.
    const otherBytes = readFileSync(other);
    if (otherBytes.length === original.length) {
      writeFileSync(file, otherBytes);
      expect(await serve(project, key)).toBeUndefined();
    }
    // Other size: refused without hashing.
    writeFileSync(file, Buffer.concat([original, Buffer.from('tail')]));
    expect(await serve(project, key)).toBeUndefined();
    // Swapped for a symlink — even to a file with the imported content: refused.
    rmSync(file);
    symlinkSync(same, file);
    expect(await serve(project, key)).toBeUndefined();
    expect(await serve(project, `${key}/thumbnail`)).toBeUndefined();
    // Put back: served again.
    rmSync(file);
    writeFileSync(file, original);
    expect((await serve(project, key))?.bytes.equals(original)).toBe(true);
  });

  it('flags files gone from disk and relinks a moved folder by content hash', async () => {
    const moved = path.join(root, 'moved', 'elsewhere');
    mkdirSync(path.dirname(moved), { recursive: true });
    renameSync(path.join(root, 'photos'), moved);
    expect(await serve(project, keyOf(project, id['wide.png']!))).toBeUndefined();
    const missing = await project.detectMissing();
    expect(missing.missing.sort()).toEqual(Object.values(id).sort());
    expect(await project.relinkFolder(path.join(root, 'moved'))).toEqual({ relinked: 4 });
    expect(project.images.list().items.every((r) => !r.missing)).toBe(true);
    expect(project.images.get(id['rotated.jpg']!).path).toBe('../moved/elsewhere/rotated.jpg');
    const served = await serve(project, keyOf(project, id['rotated.jpg']!));
    expect(served?.bytes.equals(readFileSync(path.join(moved, 'rotated.jpg')))).toBe(true);
  });
});
