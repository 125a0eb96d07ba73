import { crc32 } from 'node:zlib';
import { bmpExpectedBytes, parseBmpHeader } from './bmp';
import { type FileDigest } from './digest';
import { type ImageFormat } from './formats';
import { DEFAULT_MAX_INPUT_PIXELS, ImageOpenError, validateDecode } from './open-image';

export { DEFAULT_MAX_INPUT_PIXELS };

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
 * Import validation: a cheap look at the end markers seen while hashing (a cut-off file is named as
 * such), then one full streamed decode through the image opener, so that a header that claims more than
 * the data holds, a bad checksum or a decompression bomb is refused here with its reason.
 */
export async function probeImage(
  file: string,
  format: ImageFormat,
  digest: FileDigest,
  maxInputPixels: number,
): Promise<ProbeResult> {
  if (checkEnding(format, digest) === 'truncated')
    throw new ProbeFailure(`the ${format.toUpperCase()} file is truncated (its end is missing)`);
  // libpng names a bad checksum only as "read error": say which chunk, when the bytes are at hand.
  if (format === 'png' && digest.whole) {
    const damaged = firstBadPngChunk(digest.whole);
    if (damaged) throw new ProbeFailure(damaged);
  }
  try {
    const opened = await validateDecode(file, {
      format,
      maxInputPixels,
      ...(digest.whole ? { bytes: digest.whole } : {}),
    });
    return { widthPx: opened.widthPx, heightPx: opened.heightPx };
  } catch (e) {
    if (e instanceof ImageOpenError) throw new ProbeFailure(e.reason);
    throw e;
  }
}

type Ending = 'ok' | 'truncated' | 'uncertain';

export function checkEnding(
  format: ImageFormat,
  digest: Pick<FileDigest, 'head' | 'tail' | 'sizeBytes'>,
): Ending {
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

/** Walks a PNG's chunks and checks each CRC; a sentence naming the first damaged chunk, or undefined. */
export function firstBadPngChunk(png: Buffer): string | undefined {
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 8 + length;
    if (end + 4 > png.length) return `the PNG chunk ${type} at byte ${at} runs past the end of the file`;
    if (crc32(png.subarray(at + 4, end)) !== png.readUInt32BE(end))
      return `the PNG chunk ${type} at byte ${at} has a bad checksum (CRC): the file is damaged`;
    if (type === 'IEND') return undefined;
    at = end + 4;
  }
  return undefined;
}

function endsWith(buf: Buffer, suffix: Buffer): boolean {
  return buf.length >= suffix.length && buf.subarray(buf.length - suffix.length).equals(suffix);
}
