import sharp, { type Metadata } from 'sharp';
import { bmpExpectedBytes, parseBmpHeader } from './bmp';
import { type FileDigest } from './digest';
import { type ImageFormat } from './formats';

export const DEFAULT_MAX_INPUT_PIXELS = 268_402_689; // sharp's default, 0x3FFF × 0x3FFF

export interface ProbeResult {
  /** Display size: EXIF orientations 5–8 (90° turns) swap the stored width and height. */
  readonly widthPx: number;
  readonly heightPx: number;
}

/** A file that cannot be imported, with the reason shown to the user. */
export class ProbeFailure extends Error {
  override readonly name = 'ProbeFailure';
}

const IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/**
 * Reads the size from the header (sharp metadata, or the BMP parser), refuses decompression bombs, and
 * checks for truncation from the end markers seen while hashing. Only when the markers are inconclusive
 * (trailing data after the end marker, TIFF) does it decode a tiny shrink-on-load version to be sure.
 */
export async function probeImage(
  file: string,
  format: ImageFormat,
  digest: FileDigest,
  maxInputPixels: number,
): Promise<ProbeResult> {
  const ending = checkEnding(format, digest);
  if (ending === 'truncated')
    throw new ProbeFailure(`the ${format.toUpperCase()} file is truncated (its end is missing)`);
  const size = format === 'bmp' ? probeBmp(digest) : await probeWithSharp(digest.whole ?? file, format);
  const pixels = size.storedWidthPx * size.storedHeightPx;
  if (pixels > maxInputPixels) {
    throw new ProbeFailure(
      `image is ${size.storedWidthPx}×${size.storedHeightPx} = ${formatMegapixels(pixels)}, above the limit of ` +
        `${formatMegapixels(maxInputPixels)} (setting maxInputPixels; a possible decompression bomb)`,
    );
  }
  if (ending === 'uncertain') await decodeCheck(digest.whole ?? file, format, maxInputPixels);
  const turned = size.orientation >= 5 && size.orientation <= 8;
  return turned
    ? { widthPx: size.storedHeightPx, heightPx: size.storedWidthPx }
    : { widthPx: size.storedWidthPx, heightPx: size.storedHeightPx };
}

interface StoredSize {
  storedWidthPx: number;
  storedHeightPx: number;
  orientation: number;
}

async function probeWithSharp(input: string | Buffer, format: ImageFormat): Promise<StoredSize> {
  let meta: Metadata;
  try {
    // Metadata only reads headers; the pixel limit is enforced by our own check above.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ProbeFailure(`the ${format.toUpperCase()} header cannot be read: ${cleanSharpMessage(e)}`);
  }
  const width = meta.width;
  // Multi-frame (GIF, multi-page TIFF): the first frame's height.
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new ProbeFailure(`the ${format.toUpperCase()} header gives no image size`);
  return { storedWidthPx: width, storedHeightPx: height, orientation: meta.orientation ?? 1 };
}

function probeBmp(digest: FileDigest): StoredSize {
  const header = parseBmpHeader(digest.head);
  if (typeof header === 'string') throw new ProbeFailure(header);
  return { storedWidthPx: header.widthPx, storedHeightPx: header.heightPx, orientation: 1 };
}

type Ending = 'ok' | 'truncated' | 'uncertain';

export function checkEnding(format: ImageFormat, digest: FileDigest): Ending {
  const { tail, head, sizeBytes } = digest;
  switch (format) {
    case 'png':
      if (endsWith(tail, IEND)) return 'ok';
      return tail.includes(IEND) ? 'uncertain' : 'truncated';
    case 'jpeg':
      if (endsWith(tail, JPEG_EOI)) return 'ok';
      return tail.includes(JPEG_EOI) ? 'uncertain' : 'truncated';
    case 'gif':
      return tail[tail.length - 1] === 0x3b ? 'ok' : 'uncertain';
    case 'webp': {
      if (head.length < 8) return 'truncated';
      const riffBytes = head.readUInt32LE(4) + 8;
      return riffBytes > sizeBytes ? 'truncated' : 'ok';
    }
    case 'bmp': {
      const header = parseBmpHeader(head);
      if (typeof header === 'string') return 'truncated';
      const expected = bmpExpectedBytes(header);
      if (expected === undefined) return 'ok';
      return expected > sizeBytes ? 'truncated' : 'ok';
    }
    case 'tiff':
      return 'uncertain';
  }
}

async function decodeCheck(
  input: string | Buffer,
  format: ImageFormat,
  maxInputPixels: number,
): Promise<void> {
  try {
    await sharp(input, { failOn: 'truncated', limitInputPixels: maxInputPixels })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (e) {
    throw new ProbeFailure(
      `the ${format.toUpperCase()} image data cannot be decoded: ${cleanSharpMessage(e)}`,
    );
  }
}

function endsWith(buf: Buffer, suffix: Buffer): boolean {
  return buf.length >= suffix.length && buf.subarray(buf.length - suffix.length).equals(suffix);
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}

export function cleanSharpMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return [...new Set(lines)].join('; ');
}
