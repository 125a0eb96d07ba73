import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { NotFoundError } from '../db/errors';
import { type ImageRecord, type ImagesRepo } from '../db/images-repo';
import { readWhole } from './digest';
import { CONTENT_TYPES, type ImageFormat } from './formats';
import { parseMediaRequest, type MediaRequest } from './media-key';
import { fromStoredPath } from './paths';
import {
  DISPLAY_COPY_CONTENT_TYPE,
  THUMBNAIL_CONTENT_TYPE,
  ensureDisplayCopy,
  ensureThumbnail,
  needsDisplayCopy,
  type DerivedSource,
} from './thumbnails';

export { parseMediaRequest, type MediaRequest };

/**
 * Bytes an adapter streams: an open file (the caller closes it, also on error) and the headers that go
 * with it. Only ever found from a parsed media address, never from a client-given path.
 */
export interface MediaBody {
  readonly handle: FileHandle;
  readonly contentType: string;
  readonly sizeBytes: number;
  /** Strong validator: the stored content hash (plus the variant). */
  readonly etag: string;
}

export interface MediaSource {
  readonly dir: string;
  readonly cacheDir: string;
  readonly images: ImagesRepo;
  readonly maxInputPixels: number;
  /** This project's part of every media address. */
  readonly mediaKey: string;
}

/**
 * Every media response's Cache-Control. The address holds the project and the content hash, and the file
 * is verified against both before it is served, so a response may be cached for good.
 */
export const MEDIA_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** Never follow a link when opening an image: a file swapped for a symlink after import is refused. */
const NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Resolves a media address to bytes, serving a file only while it still is what was imported: the
 * address names this project and the file's hash; the file is opened without following links and must
 * have the imported size, and the imported mtime or else the imported hash. Derived images (thumbnails,
 * PNG copies of TIFFs) are made from the verified bytes. Throws NotFoundError, with the reason, otherwise.
 */
export async function openMedia(source: MediaSource, request: MediaRequest): Promise<MediaBody> {
  if (request.projectKey !== source.mediaKey)
    throw new NotFoundError('this media address belongs to another project');
  const image = source.images.tryGet(request.imageId);
  if (!image) throw new NotFoundError(`image ${request.imageId} does not exist in this project`);
  if (!image.sha256.startsWith(request.sha256Prefix))
    throw new NotFoundError(`image ${image.id} is not the content this address names`);
  const original = await openVerified(source, image);
  try {
    const format = image.format as ImageFormat;
    if (request.variant === 'original' && !needsDisplayCopy(format)) {
      return {
        handle: original,
        contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
        sizeBytes: image.bytes,
        etag: `"${image.sha256}"`,
      };
    }
    let derived: MediaBody;
    try {
      derived = await derive(source, image, original, request.variant);
    } catch (e) {
      // No thumbnail can be written (a full disk, a blocked cache folder): the original still shows.
      if (e instanceof NotFoundError || needsDisplayCopy(format)) throw e;
      return {
        handle: original,
        contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
        sizeBytes: image.bytes,
        etag: `"${image.sha256}"`,
      };
    }
    await original.close();
    return derived;
  } catch (e) {
    await original.close();
    throw e;
  }
}

async function derive(
  source: MediaSource,
  image: ImageRecord,
  original: FileHandle,
  variant: MediaRequest['variant'],
): Promise<MediaBody> {
  const bytes = await readWhole(original, image.bytes);
  if (createHash('sha256').update(bytes).digest('hex') !== image.sha256)
    throw new NotFoundError(`the file of image ${image.id} changed while it was read`);
  const input: DerivedSource = {
    file: fromStoredPath(source.dir, image.path),
    bytes,
    format: image.format as ImageFormat,
    sha256: image.sha256,
    maxInputPixels: source.maxInputPixels,
  };
  const [file, contentType, tag] =
    variant === 'thumbnail'
      ? [await ensureThumbnail(input, source.cacheDir), THUMBNAIL_CONTENT_TYPE, 'thumbnail']
      : [await ensureDisplayCopy(input, source.cacheDir), DISPLAY_COPY_CONTENT_TYPE, 'display'];
  const handle = await open(file, NO_FOLLOW);
  const { size } = await handle.stat();
  return { handle, contentType, sizeBytes: size, etag: `"${image.sha256}-${tag}"` };
}

async function openVerified(source: MediaSource, image: ImageRecord): Promise<FileHandle> {
  const file = fromStoredPath(source.dir, image.path);
  let handle: FileHandle;
  try {
    // lstat first as well: platforms without O_NOFOLLOW (Windows) still refuse a link.
    if ((await lstat(file)).isSymbolicLink()) throw Object.assign(new Error('link'), { code: 'ELOOP' });
    handle = await open(file, NO_FOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!image.missing) source.images.setMissing(image.id, true);
      throw new NotFoundError(
        `the file of image ${image.id} is missing on disk: ${file} (relink its folder)`,
        {
          imageId: image.id,
        },
      );
    }
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new NotFoundError(`the file of image ${image.id} is now a symbolic link, not the file imported`);
    throw new NotFoundError(`the file of image ${image.id} cannot be opened (${code ?? String(e)})`);
  }
  try {
    await checkUnchanged(source, image, handle);
  } catch (e) {
    await handle.close();
    throw e;
  }
  if (image.missing) source.images.setMissing(image.id, false);
  return handle;
}

async function checkUnchanged(source: MediaSource, image: ImageRecord, handle: FileHandle): Promise<void> {
  const stat = await handle.stat();
  const changed = (): NotFoundError =>
    new NotFoundError(`the file of image ${image.id} changed since it was imported: import it again`, {
      imageId: image.id,
    });
  if (!stat.isFile()) throw changed();
  if (stat.size !== image.bytes) throw changed();
  const mtimeMs = Math.floor(stat.mtimeMs);
  if (image.mtimeMs === mtimeMs) return;
  // Touched (or imported before mtimes were kept): the same bytes are still the same image.
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  if (hash.digest('hex') !== image.sha256) throw changed();
  try {
    source.images.setMtime(image.id, mtimeMs);
  } catch {
    // A read-only project verifies by hash each time instead.
  }
}

/** Adapter helper: parse, resolve, and answer undefined (404) for anything not servable. */
export async function openMediaAddress(
  source: MediaSource | null,
  rest: string,
): Promise<MediaBody | undefined> {
  const request = parseMediaRequest(rest);
  if (!source || !request) return undefined;
  try {
    return await openMedia(source, request);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}
