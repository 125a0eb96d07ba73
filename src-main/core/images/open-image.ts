import { open, readFile } from 'node:fs/promises';
import sharp, { type FailOnOptions, type Metadata, type Sharp } from 'sharp';
import { AppError } from '../errors';
import { decodeBmp, parseBmpHeader } from './bmp';
import { detectFormat, MAGIC_BYTES, type ImageFormat } from './formats';

/** sharp's own default, 0x3FFF × 0x3FFF: the app setting maxInputPixels starts here. */
export const DEFAULT_MAX_INPUT_PIXELS = 268_402_689;

/**
 * What to do with an alpha channel. `drop`: keep the colour channels as stored (what the model sees,
 * like PIL's convert('RGB')); `flatten`: composite onto white (for formats without alpha, such as JPEG);
 * `keep`: RGBA out when the image has alpha.
 */
export type AlphaPolicy = 'drop' | 'flatten' | 'keep';

export interface OpenImageOptions {
  readonly alpha: AlphaPolicy;
  /** Decompression-bomb cap on stored width × height (app setting maxInputPixels). */
  readonly maxInputPixels?: number;
  /** The format when already known (the project stores it); read from the magic bytes otherwise. */
  readonly format?: ImageFormat;
  /** The file's content when the caller already holds it (import reads small files whole to hash them). */
  readonly bytes?: Buffer;
  /**
   * Convert through the embedded ICC profile. Off by default: RADIO's reference preprocessing (PIL)
   * ignores profiles, and so does the model path unless the setting applyIccProfile says otherwise;
   * what is shown to people (thumbnails, display copies) applies it, as browsers do.
   */
  readonly applyIccProfile?: boolean;
}

export interface OpenedImage {
  readonly format: ImageFormat;
  /** Display size: after the EXIF orientation (5–8 swap width and height). */
  readonly widthPx: number;
  readonly heightPx: number;
  /**
   * The decoder, EXIF-oriented, in sRGB, with alpha handled as asked: callers chain resize/raw/encode.
   * A pipeline runs once; open again for another output.
   */
  readonly pipeline: Sharp;
  /** The stored size the header claims, for messages ("4000×3000"). */
  readonly claimed: string;
}

export interface RgbPixels {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
}

/**
 * Invalid pixel data fails the decode rather than giving a partly grey image. One level for import
 * validation, thumbnails, display copies and the model, so that whatever imports also embeds. 'warning'
 * (sharp's default, which the model path always used) because libjpeg reports a frame header that claims
 * more rows than the data holds only as a warning ("premature end of data segment").
 */
const FAIL_ON: FailOnOptions = 'warning';

/** An image that cannot be opened, with the file and the reason; an input problem, not a crash. */
export class ImageOpenError extends AppError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super('invalid_input', `cannot open image ${file}: ${reason}`, { file });
  }
}

/**
 * The one way RadioLabel opens an image file, for import validation, thumbnails, display copies, the
 * encoder's preprocessing and segmentation alike: format from the magic bytes (never the extension), the
 * pixel cap checked from the header before any decode, BMP through our own parser (libvips has none),
 * EXIF orientation applied, colour converted to 8-bit sRGB, alpha as the caller asks.
 */
export async function openImage(file: string, options: OpenImageOptions): Promise<OpenedImage> {
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const format = options.format ?? (options.bytes ? detectFormat(options.bytes) : await sniffFormat(file));
  if (!format) throw new ImageOpenError(file, UNKNOWN_CONTENT);
  if (format === 'bmp') return openBmp(file, options.bytes, options.alpha, maxInputPixels);
  const source = options.bytes ?? file;
  let meta: Metadata;
  try {
    meta = await sharp(source, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageOpenError(file, `the ${format.toUpperCase()} header cannot be read: ${sharpReason(e)}`);
  }
  const storedWidthPx = meta.width;
  // Multi-frame files (GIF, multi-page TIFF) open their first frame.
  const storedHeightPx = meta.pageHeight ?? meta.height;
  if (!storedWidthPx || !storedHeightPx) {
    throw new ImageOpenError(file, `the ${format.toUpperCase()} header gives no image size`);
  }
  checkPixelCap(file, storedWidthPx, storedHeightPx, maxInputPixels);
  const turned = (meta.orientation ?? 1) >= 5 && (meta.orientation ?? 1) <= 8;
  const input = sharp(source, {
    limitInputPixels: maxInputPixels,
    failOn: FAIL_ON,
    sequentialRead: true,
    ignoreIcc: options.applyIccProfile !== true,
  });
  return {
    format,
    widthPx: turned ? storedHeightPx : storedWidthPx,
    heightPx: turned ? storedWidthPx : storedHeightPx,
    pipeline: finish(input.autoOrient(), options.alpha),
    claimed: `${storedWidthPx}×${storedHeightPx}`,
  };
}

/** The whole image as 8-bit RGB (alpha dropped), oriented: what the model and edge refinement read. */
export async function decodeRgb(
  file: string,
  options: Omit<OpenImageOptions, 'alpha'> = {},
): Promise<RgbPixels> {
  const opened = await openImage(file, { ...options, alpha: 'drop' });
  const { data, info } = await run(file, opened.pipeline.raw().toBuffer({ resolveWithObject: true }));
  if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new ImageOpenError(file, `decoded to ${info.channels} channels, expected 8-bit RGB`);
  }
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    widthPx: info.width,
    heightPx: info.height,
  };
}

/**
 * Decodes every pixel once, streamed (libvips reads rows in sequence into a tiny output), so that a
 * header claiming more than the data holds, a bad checksum or a cut-off stream is refused at import with
 * the reason, in bounded memory, instead of failing later in the editor or the model.
 */
export async function validateDecode(
  file: string,
  options: Omit<OpenImageOptions, 'alpha'> = {},
): Promise<OpenedImage> {
  const opened = await openImage(file, { ...options, alpha: 'drop' });
  try {
    await opened.pipeline.resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (e) {
    throw new ImageOpenError(
      file,
      `the image data cannot be decoded (the header claims ${opened.claimed} pixels): ${sharpReason(e)}`,
    );
  }
  return opened;
}

/** Runs a pipeline's output step, turning decoder failures into ImageOpenError naming the file. */
export async function run<T>(file: string, output: Promise<T>): Promise<T> {
  try {
    return await output;
  } catch (e) {
    throw new ImageOpenError(file, `the image data cannot be decoded: ${sharpReason(e)}`);
  }
}

async function sniffFormat(file: string): Promise<ImageFormat> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(MAGIC_BYTES);
      const { bytesRead } = await handle.read(head, 0, MAGIC_BYTES, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new ImageOpenError(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const format = detectFormat(head);
  if (!format) throw new ImageOpenError(file, UNKNOWN_CONTENT);
  return format;
}

const UNKNOWN_CONTENT = 'the content is not JPEG, PNG, WebP, TIFF, BMP or GIF';

async function openBmp(
  file: string,
  held: Buffer | undefined,
  alpha: AlphaPolicy,
  maxInputPixels: number,
): Promise<OpenedImage> {
  let bytes: Buffer;
  try {
    bytes = held ?? (await readFile(file));
  } catch (e) {
    throw new ImageOpenError(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const header = parseBmpHeader(bytes);
  if (typeof header === 'string') throw new ImageOpenError(file, header);
  checkPixelCap(file, header.widthPx, header.heightPx, maxInputPixels);
  const decoded = decodeBmp(bytes);
  if (typeof decoded === 'string') throw new ImageOpenError(file, decoded);
  const raw = { width: decoded.widthPx, height: decoded.heightPx, channels: 4 as const };
  // The decoder fills alpha with 255: the BMP variants it reads carry no transparency.
  return {
    format: 'bmp',
    widthPx: decoded.widthPx,
    heightPx: decoded.heightPx,
    pipeline: finish(sharp(decoded.rgba, { raw }), alpha === 'keep' ? 'drop' : alpha),
    claimed: `${decoded.widthPx}×${decoded.heightPx}`,
  };
}

function finish(input: Sharp, alpha: AlphaPolicy): Sharp {
  switch (alpha) {
    case 'drop':
      return input.removeAlpha().toColourspace('srgb');
    case 'flatten':
      return input.flatten({ background: '#ffffff' }).toColourspace('srgb');
    case 'keep':
      return input.toColourspace('srgb');
  }
}

function checkPixelCap(file: string, widthPx: number, heightPx: number, maxInputPixels: number): void {
  const pixels = widthPx * heightPx;
  if (pixels > maxInputPixels) {
    throw new ImageOpenError(
      file,
      `image is ${widthPx}×${heightPx} = ${megapixels(pixels)}, above the limit of ${megapixels(maxInputPixels)} ` +
        '(setting maxInputPixels; a possible decompression bomb)',
    );
  }
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}

/** sharp's multi-line messages, de-duplicated onto one line. */
export function sharpReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return [...new Set(lines)].join('; ');
}
