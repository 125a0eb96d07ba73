import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Sharp } from 'sharp';
import { type ImageFormat } from './formats';
import { openImage, run, sharpReason } from './open-image';

export const THUMBNAIL_MAX_SIDE_PX = 256;
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';
export const DISPLAY_COPY_CONTENT_TYPE = 'image/png';

/** Formats Chromium (the editor, in Electron and in the browser) cannot show: served as a PNG copy. */
const NOT_DISPLAYABLE: ReadonlySet<ImageFormat> = new Set(['tiff']);

export function needsDisplayCopy(format: ImageFormat): boolean {
  return NOT_DISPLAYABLE.has(format);
}

/** `<project>/.radiolabel/thumbnails/ab/abcdef….webp`, keyed by content hash (so a relink keeps it). */
export function thumbnailFile(cacheDir: string, sha256: string): string {
  return derivedFile(cacheDir, 'thumbnails', sha256, '.webp');
}

/** `<project>/.radiolabel/display/ab/abcdef….png`: the PNG the editor shows for a TIFF. */
export function displayCopyFile(cacheDir: string, sha256: string): string {
  return derivedFile(cacheDir, 'display', sha256, '.png');
}

function derivedFile(cacheDir: string, kind: string, sha256: string, ext: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(cacheDir, kind, sha256.slice(0, 2), `${sha256}${ext}`);
}

/** The verified content a derived image is made from (never re-read from a path that may have changed). */
export interface DerivedSource {
  /** For messages only. */
  readonly file: string;
  readonly bytes: Buffer;
  readonly format: ImageFormat;
  readonly sha256: string;
  readonly maxInputPixels: number;
}

/** The cached thumbnail (auto-oriented, longest side 256 px, WebP), made first if needed. */
export function ensureThumbnail(source: DerivedSource, cacheDir: string): Promise<string> {
  return ensureDerived(thumbnailFile(cacheDir, source.sha256), source.file, 'a thumbnail', async () => {
    const opened = await openImage(source.file, { ...source, alpha: 'keep', applyIccProfile: true });
    return opened.pipeline
      .resize(THUMBNAIL_MAX_SIDE_PX, THUMBNAIL_MAX_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 });
  });
}

/** The cached full-size PNG of an image Chromium cannot display (oriented, sRGB, alpha kept). */
export function ensureDisplayCopy(source: DerivedSource, cacheDir: string): Promise<string> {
  return ensureDerived(displayCopyFile(cacheDir, source.sha256), source.file, 'a display copy', async () => {
    const opened = await openImage(source.file, { ...source, alpha: 'keep', applyIccProfile: true });
    return opened.pipeline.png({ compressionLevel: 6 });
  });
}

const inFlight = new Map<string, Promise<string>>();

/** Made once (concurrent callers share the work), written to a temp file and renamed: never half a file. */
function ensureDerived(
  out: string,
  source: string,
  what: string,
  make: () => Promise<Sharp>,
): Promise<string> {
  const running = inFlight.get(out);
  if (running) return running;
  const job = (async () => {
    if (await exists(out)) return out;
    await mkdir(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await run(source, (await make()).toFile(tmp));
      await rename(tmp, out);
      return out;
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new Error(`cannot make ${what} of ${source}: ${sharpReason(e)}`);
    }
  })().finally(() => inFlight.delete(out));
  inFlight.set(out, job);
  return job;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
