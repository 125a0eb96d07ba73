import { describe, expect, it } from 'vitest';
import { bmpExpectedBytes, decodeBmp, parseBmpHeader } from '../../../../src-main/core/images/bmp';
import { describeUnknownContent, detectFormat } from '../../../../src-main/core/images/formats';
import { checkEnding } from '../../../../src-main/core/images/probe';
import { bmp24, tinyPng } from '../../../fixtures/images/make-images';

const bytes = (...b: (number | string)[]): Uint8Array =>
  Uint8Array.from(b.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])));

describe('detectFormat', () => {
  it('recognises each format by its magic bytes', () => {
    expect(detectFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(detectFormat(bytes(0x89, 'PNG\r\n\x1a\n'))).toBe('png');
    expect(detectFormat(bytes('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe('webp');
    expect(detectFormat(bytes('II', 42, 0))).toBe('tiff');
    expect(detectFormat(bytes('MM', 0, 42))).toBe('tiff');
    expect(detectFormat(bytes('BM', 0, 0))).toBe('bmp');
    expect(detectFormat(bytes('GIF89a'))).toBe('gif');
    expect(detectFormat(bytes('GIF87a'))).toBe('gif');
    expect(detectFormat(bytes('RIFF', 0, 0, 0, 0, 'WAVE'))).toBeUndefined();
    expect(detectFormat(bytes(0xff, 0xd8))).toBeUndefined();
  });

  it('describes what a non-image looks like', () => {
    expect(describeUnknownContent(bytes('%PDF-1.4'))).toBe('the content is a PDF, not an image');
    expect(describeUnknownContent(bytes('PK', 3, 4))).toBe('the content is a ZIP archive, not an image');
    expect(describeUnknownContent(bytes('<svg xmlns'))).toMatch(/SVG is not supported/);
    expect(describeUnknownContent(bytes('hello'))).toBe('the content is text, not an image');
    expect(describeUnknownContent(bytes(0, 1, 2, 250))).toBe(
      'the content is not JPEG, PNG, WebP, TIFF, BMP or GIF',
    );
  });
});

describe('BMP', () => {
  it('parses the header and decodes bottom-up 24-bit pixels to RGBA', () => {
    const buf = bmp24(3, 2, [10, 20, 30]);
    buf[54] = 99; // bottom row, first pixel, blue → the LAST row of the decoded image
    const header = parseBmpHeader(buf);
    expect(header).toMatchObject({
      widthPx: 3,
      heightPx: 2,
      bitsPerPixel: 24,
      compression: 0,
      topDown: false,
      pixelOffset: 54,
    });
    expect(bmpExpectedBytes(header as Exclude<typeof header, string>)).toBe(54 + 12 * 2);
    const decoded = decodeBmp(buf);
    if (typeof decoded === 'string') throw new Error(decoded);
    expect(Array.from(decoded.rgba.subarray(0, 4))).toEqual([10, 20, 30, 255]);
    expect(Array.from(decoded.rgba.subarray(12, 16))).toEqual([10, 20, 99, 255]);
  });

  it('explains unusable BMPs', () => {
    expect(parseBmpHeader(bytes('BM', 0, 0))).toBe('the BMP header is truncated');
    const rle = bmp24(2, 2, [0, 0, 0]);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    expect(decodeBmp(rle)).toBe('BMP with 24 bits per pixel and compression 1 cannot be decoded');
    expect(decodeBmp(bmp24(4, 4, [0, 0, 0]).subarray(0, 70))).toBe('the BMP pixel data is truncated');
  });
});

describe('checkEnding', () => {
  const digest = (buf: Buffer) => ({
    sha256: '',
    sizeBytes: buf.length,
    head: buf.subarray(0, 64),
    tail: buf.subarray(-65536),
  });
  it('tells whole, truncated and uncertain files apart from their end markers', () => {
    const png = tinyPng(1);
    expect(checkEnding('png', digest(png))).toBe('ok');
    expect(checkEnding('png', digest(png.subarray(0, png.length - 4)))).toBe('truncated');
    expect(checkEnding('png', digest(Buffer.concat([png, Buffer.from('junk')])))).toBe('uncertain');
    const bmp = bmp24(4, 4, [1, 1, 1]);
    expect(checkEnding('bmp', digest(bmp))).toBe('ok');
    expect(checkEnding('bmp', digest(bmp.subarray(0, 60)))).toBe('truncated');
    const webp = Buffer.from(bytes('RIFF', 100, 0, 0, 0, 'WEBP'));
    expect(checkEnding('webp', digest(webp))).toBe('truncated');
  });
});
