import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../../../src-main/core/project';
import * as make from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('import-validation');
afterAll(() => temp.cleanup());

/** Offset of a JPEG's SOF0/SOF2 frame header (its height and width follow at +5 and +7). */
function sofOffset(jpeg: Buffer): number {
  for (let i = 2; i < jpeg.length - 9;) {
    if (jpeg[i] !== 0xff) throw new Error('not at a JPEG marker');
    const marker = jpeg[i + 1]!;
    if (marker === 0xc0 || marker === 0xc2) return i;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker');
}

describe('full decode validation at import', () => {
  let root: string;
  let project: Project;
  beforeAll(() => {
    root = temp.make();
    project = Project.create(path.join(root, 'proj'));
  });
  afterAll(() => project.close());

  it('refuses images whose headers or checksums lie, naming each file and why', async () => {
    const bad = path.join(root, 'bad');
    // A complete-looking PNG (IHDR, IDAT, IEND) of under 100 bytes that claims 16000×16000 pixels.
    const liar = make.writeBuffer(bad, 'liar.png', make.bombPng(16_000, 16_000));
    expect(readFileSync(liar).length).toBeLessThan(100);
    const jpeg = readFileSync(await make.writeFormat(path.join(root, 'src'), 'ok.jpg', 'jpeg', 64, 48));
    const patched = Buffer.from(jpeg);
    const sof = sofOffset(patched);
    patched.writeUInt16BE(3000, sof + 5); // height
    patched.writeUInt16BE(4000, sof + 7); // width
    make.writeBuffer(bad, 'patched-size.jpg', patched);
    const png = Buffer.from(make.tinyPng(11, 16));
    const idat = png.indexOf('IDAT');
    const idatLength = png.readUInt32BE(idat - 4);
    png.writeUInt8(png.readUInt8(idat + 4 + idatLength) ^ 0xff, idat + 4 + idatLength); // first byte of the IDAT checksum
    make.writeBuffer(bad, 'bad-crc.png', png);
    make.writeBuffer(bad, 'fine.png', make.tinyPng(12, 16));

    const result = await project.importImages([bad]);
    const reasons = Object.fromEntries(result.report.skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['bad-crc.png', 'liar.png', 'patched-size.jpg']);
    expect(reasons['liar.png']).toMatch(
      /^the image data cannot be decoded \(the header claims 16000×16000 pixels\): /,
    );
    expect(reasons['patched-size.jpg']).toMatch(
      /^the image data cannot be decoded \(the header claims 4000×3000 pixels\): /,
    );
    expect(reasons['bad-crc.png']).toBe(
      'the PNG chunk IDAT at byte 33 has a bad checksum (CRC): the file is damaged',
    );
    expect(result.report.added).toBe(1);
    expect(project.images.list().items.map((r) => r.fileName)).toEqual(['fine.png']);
  });

  it('names every image file a folder import skips, with the reason (HEIC, AVIF, SVG, ICO)', async () => {
    const phone = path.join(root, 'phone');
    make.writeBuffer(phone, 'IMG_0001.HEIC', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic'));
    make.writeBuffer(phone, 'photo.avif', Buffer.from('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf'));
    make.writeBuffer(phone, 'logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    make.writeBuffer(phone, 'favicon.ico', Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]));
    make.writeBuffer(phone, 'notes.txt', 'not an image at all');
    await make.writePng(phone, 'kept.png', 8, 8, 3);
    const result = await project.importImages([phone]);
    const reasons = Object.fromEntries(result.report.skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(reasons).toEqual({
      'IMG_0001.HEIC': expect.stringMatching(/^HEIC\/HEIF photos are not supported/),
      'photo.avif': expect.stringMatching(/^AVIF is not supported/),
      'logo.svg': expect.stringMatching(/^SVG is a vector drawing/),
      'favicon.ico': expect.stringMatching(/^ICO icon files are not supported/),
    });
    expect(result.report.added).toBe(1);
    // Named one by one, the same files get the same reasons from their content.
    const named = await project.importImages([
      path.join(phone, 'IMG_0001.HEIC'),
      path.join(phone, 'favicon.ico'),
    ]);
    expect(named.report.skipped.map((s) => s.reason)).toEqual([
      reasons['IMG_0001.HEIC'],
      reasons['favicon.ico'],
    ]);
  });
});
