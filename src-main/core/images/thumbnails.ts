import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { decodeBmp } from './bmp';
import { type ImageFormat } from './formats';
import { cleanSharpMessage } from './probe';

export const THUMBNAIL_MAX_SIDE_PX = 256;
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';

/** `<project>/.radiolabel/thumbnails/ab/abcdef….webp`, keyed by content hash (so a relink keeps it). */
export function thumbnailFile(cacheDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(cacheDir, 'thumbnails', sha256.slice(0, 2), `${sha256}.webp`);
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the cached thumbnail of `source`, creating it first if needed (auto-oriented, longest side
 * 256 px, WebP). Written to a temp file and renamed, so a crash never leaves half a thumbnail.
 */
export function ensureThumbnail(
  source: string,
  format: ImageFormat,
  sha256: string,
  cacheDir: string,
  maxInputPixels: number,
): Promise<string> {
  const out = thumbnailFile(cacheDir, sha256);
  const running = inFlight.get(out);
  if (running) return running;
  const job = (async () => {
    if (await exists(out)) return out;
    await mkdir(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const input = await openForThumbnail(source, format, maxInputPixels);
      await input
        .rotate()
        .resize(THUMBNAIL_MAX_SIDE_PX, THUMBNAIL_MAX_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(tmp);
      await rename(tmp, out);
      return out;
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new Error(`cannot make a thumbnail of ${source}: ${cleanSharpMessage(e)}`);
    }
  })().finally(() => inFlight.delete(out));
  inFlight.set(out, job);
  return job;
}

async function openForThumbnail(source: string, format: ImageFormat, maxInputPixels: number): Promise<Sharp> {
  if (format !== 'bmp') return sharp(source, { limitInputPixels: maxInputPixels, failOn: 'none' });
  const decoded = decodeBmp(await readFile(source));
  if (typeof decoded === 'string') throw new Error(decoded);
  return sharp(decoded.rgba, { raw: { width: decoded.widthPx, height: decoded.heightPx, channels: 4 } });
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
