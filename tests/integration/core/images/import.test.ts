import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../../src-main/core/project';
import * as make from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { runToEnd } from '../db/helpers/kill-child';
import { readProjectDb } from '../../../fixtures/db/project-db';

const temp = tempDirs('import');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
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
    expect(result.report).toEqual({ added: 6, duplicates: 0, identical: [], skipped: [] });
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
      new Set(
        result.outcomes.map((o) => (o.kind === 'skipped' ? 'none' : project.images.get(o.imageId).format)),
      ),
    ).toEqual(new Set(['png', 'jpeg', 'webp', 'tiff', 'gif', 'bmp']));
  });

  it('keeps byte-identical files under other names as separate images, reports them, and re-imports nothing', async () => {
    const copies = path.join(root, 'copies');
    make.writeBuffer(copies, 'same-as-bmp.bmp', make.bmp24(5, 3, [1, 2, 3]));
    make.writeBuffer(copies, 'new.png', make.tinyPng(1));
    make.writeBuffer(copies, 'new-again.png', make.tinyPng(1));
    const before = project.images.count();
    const result = await project.importImages([copies, path.join(imgs, 'a.png')]);
    expect(result.report).toEqual({
      added: 3,
      duplicates: 1,
      identical: [
        { path: path.join(copies, 'new.png'), sameAs: 'new-again.png' },
        { path: path.join(copies, 'same-as-bmp.bmp'), sameAs: 'b.bmp' },
      ],
      skipped: [],
    });
    expect(result.outcomes.map((o) => [path.basename(o.path), o.kind])).toEqual([
      ['new-again.png', 'added'],
      ['new.png', 'added'],
      ['same-as-bmp.bmp', 'added'],
      ['a.png', 'duplicate'],
    ]);
    expect(project.images.count()).toBe(before + 3);
    const [first, second, third] = result.outcomes;
    if (first?.kind !== 'added' || second?.kind !== 'added' || third?.kind !== 'added')
      throw new Error('not added');
    expect(project.images.get(first.imageId).path).toBe('../copies/new-again.png');
    expect(second.imageId).not.toBe(first.imageId);
    expect(project.images.get(second.imageId).sha256).toBe(project.images.get(first.imageId).sha256);
    expect(project.images.get(third.imageId).name).toBe('same-as-bmp.bmp');
    // The same paths again: nothing new, identical or not.
    const again = await project.importImages([copies, path.join(imgs, 'a.png')]);
    expect(again.report).toEqual({ added: 0, duplicates: 4, identical: [], skipped: [] });
  });

  it('skips bad files with clear reasons and keeps going', async () => {
    const bad = path.join(root, 'bad');
    const jpeg = await make.writeFormat(path.join(root, 'src'), 'whole.jpg', 'jpeg', 64, 64);
    const jpegBytes = readFileSync(jpeg);
    make.writeBuffer(bad, 'cut.jpg', jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.6)));
    const png = make.tinyPng(77, 32);
    make.writeBuffer(bad, 'cut.png', png.subarray(0, png.length - 20));
    make.writeBuffer(bad, 'empty.png', Buffer.alloc(0));
    make.writeBuffer(bad, 'letter.jpg', 'Dear reader, this is not a JPEG.');
    make.writeBuffer(bad, 'doc.png', '%PDF-1.7 fake pdf');
    make.writeBuffer(bad, 'bomb.png', make.bombPng(60_000, 60_000));
    make.writeBuffer(bad, 'z-good.png', make.tinyPng(2));
    make.writeBuffer(bad, 'huge.jpg', Buffer.alloc(3_000_000, 0x41)); // refused from its first bytes
    // Above the one-read size, so hashed as a stream.
    const noise = Buffer.from(Array.from({ length: 900 * 900 * 3 }, (_, i) => (i * 2654435761) >>> 24));
    make.writeBuffer(
      bad,
      'z-large.png',
      await sharp(noise, { raw: { width: 900, height: 900, channels: 3 } })
        .png({ compressionLevel: 0 })
        .toBuffer(),
    );
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
      'bad/huge.jpg': 'the content is text, not an image',
      'bad/loop.png': 'symlink loop: the link resolves to itself',
      'does-not-exist': 'does not exist (ENOENT)',
    });
    expect(result.report.added).toBe(3);
    expect(project.images.count()).toBe(before + 3);
    const large = result.outcomes.find((o) => o.path.endsWith('z-large.png'));
    expect(large?.kind === 'added' && project.images.get(large.imageId)).toMatchObject({
      widthPx: 900,
      heightPx: 900,
      sha256: createHash('sha256')
        .update(readFileSync(path.join(bad, 'z-large.png')))
        .digest('hex'),
    });
    expect(readProjectDb(project, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
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

  it('stops between files when cancelled, keeping what was committed', async () => {
    const dir = path.join(root, 'many');
    for (let i = 0; i < 40; i++)
      make.writeBuffer(dir, `m${String(i).padStart(2, '0')}.png`, make.tinyPng(5000 + i));
    const controller = new AbortController();
    const progress: number[] = [];
    const result = await project.importImages([dir], {
      signal: controller.signal,
      batchSize: 5,
      concurrency: 1,
      onProgress: (done) => {
        progress.push(done);
        if (done === 12) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.report.added).toBeGreaterThanOrEqual(12);
    expect(result.report.added).toBeLessThan(40);
    expect(progress.slice(0, 3)).toEqual([1, 2, 3]);
    const rerun = await project.importImages([dir]);
    expect(rerun.report).toEqual({
      identical: [],
      added: 40 - result.report.added,
      duplicates: result.report.added,
      skipped: [],
    });
  });

  it('reports unreadable files (permission denied)', async () => {
    // Root reads anything, so there the import runs in a child as "nobody" on a project it owns.
    const base = temp.make();
    chmodSync(base, 0o755);
    const dir = path.join(base, 'proj');
    Project.create(dir).close();
    const file = make.writeBuffer(path.join(base, 'locked'), 'secret.png', make.tinyPng(5));
    chmodSync(file, 0o000);
    if (isRoot) for (const f of readdirSync(dir)) chownSync(path.join(dir, f), NOBODY, NOBODY);
    if (isRoot) chownSync(dir, NOBODY, NOBODY);
    const helper = path.join(import.meta.dirname, 'helpers', 'import-report.ts');
    const res = await runToEnd(helper, [dir, file], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
    expect(JSON.parse(res.stdout || '{}'), res.stderr).toEqual({
      added: 0,
      duplicates: 0,
      identical: [],
      skipped: [{ path: file, reason: 'cannot read the file: permission denied (EACCES)' }],
    });
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
