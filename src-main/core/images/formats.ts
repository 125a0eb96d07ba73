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
  if (/^\s*</.test(text)) return 'the content is text/XML/HTML (SVG is not supported), not an image';
  if (/^[\x20-\x7e\s]*$/.test(text)) return 'the content is text, not an image';
  return 'the content is not JPEG, PNG, WebP, TIFF, BMP or GIF';
}
