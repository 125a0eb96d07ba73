/** The image formats RadioLabel imports, recognised by their magic bytes (never by extension). */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'bmp' | 'gif';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.bmp',
  '.dib',
  '.gif',
]);

/**
 * Image files RadioLabel does not import, by extension, with the reason the folder import reports for
 * each (a folder walk names them rather than passing over them in silence).
 */
const HEIF_REASON =
  'HEIC/HEIF photos are not supported (no HEVC decoder is bundled): export them as JPEG first';
export const UNSUPPORTED_IMAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  '.heic': HEIF_REASON,
  '.heif': HEIF_REASON,
  '.avif': 'AVIF is not supported yet: convert it to PNG or JPEG first',
  '.svg': 'SVG is a vector drawing (and can carry scripts), not a photo: rasterise it to PNG first',
  '.svgz': 'SVG is a vector drawing (and can carry scripts), not a photo: rasterise it to PNG first',
  '.ico': 'ICO icon files are not supported: convert the icon to PNG first',
  '.cur': 'CUR cursor files are not supported: convert to PNG first',
  '.jxl': 'JPEG XL is not supported: convert it to PNG or JPEG first',
  '.jp2': 'JPEG 2000 is not supported: convert it to PNG or JPEG first',
  '.psd': 'Photoshop files are not supported: export a PNG or JPEG first',
  '.dng': 'camera RAW files are not supported: develop them to JPEG or TIFF first',
  '.cr2': 'camera RAW files are not supported: develop them to JPEG or TIFF first',
  '.nef': 'camera RAW files are not supported: develop them to JPEG or TIFF first',
  '.arw': 'camera RAW files are not supported: develop them to JPEG or TIFF first',
};

export const CONTENT_TYPES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  gif: 'image/gif',
};

/** Bytes needed at the start of a file to tell the formats apart. */
export const MAGIC_BYTES = 16;

export function detectFormat(head: Uint8Array): ImageFormat | undefined {
  const b = (i: number): number => head[i] ?? -1;
  const ascii = (from: number, s: string): boolean => [...s].every((c, i) => b(from + i) === c.charCodeAt(0));
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && ascii(1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if ((ascii(0, 'II') && b(2) === 42 && b(3) === 0) || (ascii(0, 'MM') && b(2) === 0 && b(3) === 42))
    return 'tiff';
  if (ascii(0, 'BM')) return 'bmp';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  return undefined;
}

/** Words for a file whose content is no supported image, naming what it looks like when we can tell. */
export function describeUnknownContent(head: Uint8Array): string {
  const text = Buffer.from(head).toString('latin1');
  if (text.startsWith('%PDF')) return 'the content is a PDF, not an image';
  if (text.startsWith('PK')) return 'the content is a ZIP archive, not an image';
  const brand = text.slice(4, 12);
  if (/^ftyp(heic|heix|hevc|mif1|msf1)/.test(brand)) return UNSUPPORTED_IMAGE_EXTENSIONS['.heic']!;
  if (/^ftypavi[fs]/.test(brand)) return UNSUPPORTED_IMAGE_EXTENSIONS['.avif']!;
  if (head[0] === 0 && head[1] === 0 && (head[2] === 1 || head[2] === 2) && head[3] === 0)
    return UNSUPPORTED_IMAGE_EXTENSIONS['.ico']!;
  if (/^\s*</.test(text)) return 'the content is text/XML/HTML (SVG is not supported), not an image';
  if (/^[\x20-\x7e\s]*$/.test(text)) return 'the content is text, not an image';
  return 'the content is not JPEG, PNG, WebP, TIFF, BMP or GIF';
}
