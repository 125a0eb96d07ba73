import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../../src-main/core/project';
import * as make from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('import');
const isRoot = process.getuid?.() === 0;
afterAll(() => temp.cleanup());

describe('image import', () => {
  let root: string;
  let imgs: string;
  let project: Project;

  beforeAll(async () => {
    root = temp.make();
    imgs = path.join(root, 'proj', 'images');
    await make.writePng(imgs, 'a.png', 30, 20);
    await make.writeRotatedJpeg(imgs, 'rotated.jpg');
    await make.writeFormat(imgs, 'w.webp', 'webp', 10, 12);
    await make.writeFormat(path.join(imgs, 'sub', 'deeper'), 't.tiff', 'tiff', 11, 13);
    await make.writeAnimatedGif(imgs, 'anim.gif', 9, 7);
    make.writeBuffer(imgs, 'b.bmp', make.bmp24(5, 3, [1, 2, 3]));
    make.writeBuffer(imgs, 'notes.txt', 'ignored: not an image extension');
    make.writeBuffer(path.join(imgs, '.hidden'), 'h.png', make.tinyPng(900));
    project = Project.create(path.join(root, 'proj'));
  });
  afterAll(() => project.close());

  it('imports every supported format recursively with display sizes, storing project-relative paths', async () => {
    const result = await project.importImages([imgs]);
    expect(result.report).toEqual({ added: 6, duplicates: 0, skipped: [] });
    const rows = project.images.list({ sort: 'name' }).items.map((r) => [r.fileName, r.widthPx, r.heightPx]);
    expect(rows).toEqual([
      ['a.png', 30, 20],
      ['anim.gif', 9, 7], // first frame, not the whole strip
      ['b.bmp', 5, 3],
      ['rotated.jpg', 20, 40], // EXIF orientation 6 turns 40×20 by 90°
      ['t.tiff', 11, 13],
      ['w.webp', 10, 12],
    ]);
    const tiff = result.outcomes.find((o) => o.path.endsWith('t.tiff'))!;
    expect(tiff.kind).toBe('added');
    if (tiff.kind === 'added') expect(project.images.get(tiff.imageId).path).toBe('images/sub/deeper/t.tiff');
    expect(
      new Set(result.outcomes.map((o) => project.images.get((o as { imageId: never }).imageId).format)),
    ).toEqual(new Set(['png', 'jpeg', 'webp', 'tiff', 'gif', 'bmp']));
  });

  it('reports duplicates by content, also under another name', async () => {
    const copies = path.join(root, 'copies');
    make.writeBuffer(copies, 'same-as-bmp.bmp', make.bmp24(5, 3, [1, 2, 3]));
    make.writeBuffer(copies, 'new.png', make.tinyPng(1));
    make.writeBuffer(copies, 'new-again.png', make.tinyPng(1));
    const result = await project.importImages([copies, path.join(imgs, 'a.png')]);
    expect(result.report).toEqual({ added: 1, duplicates: 3, skipped: [] });
    expect(result.outcomes.map((o) => [path.basename(o.path), o.kind])).toEqual([
      ['new-again.png', 'added'],
      ['new.png', 'duplicate'],
      ['same-as-bmp.bmp', 'duplicate'],
      ['a.png', 'duplicate'],
    ]);
    expect(project.images.findBySha('0'.repeat(64))).toBeUndefined();
    expect(
      path.isAbsolute(
        project.images.list({ nameContains: 'new-again' }).items[0]
          ? project.images.get(project.images.list({ nameContains: 'new-again' }).items[0]!.id).path
          : '',
      ),
    ).toBe(false);
  });

  it('skips bad files with clear reasons and keeps going', async () => {
    const bad = path.join(root, 'bad');
    const jpeg = await make.writeFormat(path.join(root, 'src'), 'whole.jpg', 'jpeg', 64, 64);
    const { readFileSync } = await import('node:fs');
    const jpegBytes = readFileSync(jpeg);
    make.writeBuffer(bad, 'cut.jpg', jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.6)));
    const png = make.tinyPng(77, 32);
    make.writeBuffer(bad, 'cut.png', png.subarray(0, png.length - 20));
    make.writeBuffer(bad, 'empty.png', Buffer.alloc(0));
    make.writeBuffer(bad, 'letter.jpg', 'Dear reader, this is not a JPEG.');
    make.writeBuffer(bad, 'doc.png', '%PDF-1.7 fake pdf');
    make.writeBuffer(bad, 'bomb.png', make.bombPng(60_000, 60_000));
    make.writeBuffer(bad, 'z-good.png', make.tinyPng(2));
    // Valid, with data after the end marker (some cameras append trailers): decoded to be sure, then kept.
    make.writeBuffer(bad, 'trailer.jpg', Buffer.concat([jpegBytes, Buffer.from('SEFT trailer bytes')]));
    symlinkSync(path.join(bad, 'loop.png'), path.join(bad, 'loop.png'));
    symlinkSync(path.join(bad, 'nowhere.png'), path.join(bad, 'dangling.png'));
    mkdirSync(path.join(bad, 'inner'));
    symlinkSync(bad, path.join(bad, 'inner', 'back-up'));
    const before = project.images.count();
    const result = await project.importImages([bad, path.join(root, 'does-not-exist')]);
    const reasons = Object.fromEntries(
      result.report.skipped.map((s) => [path.relative(root, s.path), s.reason]),
    );
    expect(reasons).toEqual({
      'bad/bomb.png':
        'image is 60000×60000 = 3600.0 megapixels, above the limit of 268.4 megapixels (setting maxInputPixels; a possible decompression bomb)',
      'bad/cut.jpg': 'the JPEG file is truncated (its end is missing)',
      'bad/cut.png': 'the PNG file is truncated (its end is missing)',
      'bad/dangling.png': 'broken symlink: its target does not exist',
      'bad/doc.png': 'the content is a PDF, not an image',
      'bad/empty.png': 'empty file (0 bytes)',
      'bad/inner/back-up': `symlink loop: this folder is ${bad}, which contains it`,
      'bad/letter.jpg': 'the content is text, not an image',
      'bad/loop.png': 'symlink loop: the link resolves to itself',
      'does-not-exist': 'does not exist (ENOENT)',
    });
    expect(result.report.added).toBe(2);
    expect(project.images.count()).toBe(before + 2);
    expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('makes the pixel cap a setting', async () => {
    const dir = path.join(root, 'big');
    const file = await make.writePng(dir, 'big.png', 200, 100, 5);
    project.maxInputPixels = 10_000;
    try {
      const result = await project.importImages([file]);
      expect(result.report.skipped).toEqual([
        {
          path: file,
          reason:
            'image is 200×100 = 0.0 megapixels, above the limit of 0.0 megapixels (setting maxInputPixels; a possible decompression bomb)',
        },
      ]);
      expect((await project.importImages([file], { maxInputPixels: 20_000 })).report.added).toBe(1);
    } finally {
      project.maxInputPixels = 268_402_689;
    }
  });

  it('imports an explicitly named file whatever its extension, and never its own cache folder', async () => {
    const odd = make.writeBuffer(path.join(root, 'odd'), 'picture.data', make.tinyPng(3));
    const thumbs = path.join(project.cacheDir, 'thumbnails');
    make.writeBuffer(thumbs, 'x.png', make.tinyPng(4));
    const result = await project.importImages([odd, project.dir]);
    expect(result.outcomes.filter((o) => o.kind === 'added').map((o) => path.basename(o.path))).toEqual([
      'picture.data',
    ]);
  });

  it.skipIf(isRoot)('reports unreadable files (permission denied)', async () => {
    const dir = path.join(root, 'locked');
    const file = make.writeBuffer(dir, 'secret.png', make.tinyPng(5));
    chmodSync(file, 0o000);
    const result = await project.importImages([file]);
    expect(result.report.skipped).toEqual([
      { path: file, reason: 'cannot read the file: permission denied (EACCES)' },
    ]);
  });

  it('reports a folder it cannot read, via a file that is not a folder', async () => {
    const file = path.join(root, 'plain.txt');
    writeFileSync(file, 'x');
    // A path through a regular file cannot be opened: ENOTDIR, reported and skipped.
    const result = await project.importImages([path.join(file, 'child.png')]);
    expect(result.report.skipped).toHaveLength(1);
    expect(result.report.skipped[0]!.reason).toMatch(/ENOTDIR/);
  });
});
