import { stat } from 'node:fs/promises';
import { type ImageId } from '@contract';
import { NotFoundError } from '../db/errors';
import { type ImagesRepo } from '../db/images-repo';
import { CONTENT_TYPES, type ImageFormat } from './formats';
import { fromStoredPath, isInside } from './paths';
import { THUMBNAIL_CONTENT_TYPE, ensureThumbnail, thumbnailFile } from './thumbnails';

export type MediaVariant = 'original' | 'thumbnail';

/** A file an adapter may stream. Only ever found by image id, never from a client-given path. */
export interface MediaFile {
  readonly path: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface MediaSource {
  readonly dir: string;
  readonly cacheDir: string;
  readonly images: ImagesRepo;
  readonly maxInputPixels: number;
}

/**
 * What `app://media/<rest>` and `/media/<rest>` may ask for: `<id>` or `<id>/thumbnail`, nothing else.
 * Any other shape (paths, "..", encoded slashes, non-numeric ids) is undefined, which adapters answer 404.
 */
export function parseMediaRequest(rest: string): { imageId: ImageId; variant: MediaVariant } | undefined {
  const m = /^([1-9][0-9]{0,15})(\/thumbnail)?$/.exec(rest);
  if (!m?.[1]) return undefined;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id)) return undefined;
  return { imageId: id as ImageId, variant: m[2] ? 'thumbnail' : 'original' };
}

/**
 * Resolves an image id to the bytes to serve. Throws NotFoundError for unknown ids, for files gone from
 * disk (and flags the image missing), and for a thumbnail path that would leave the project's cache folder.
 * A thumbnail that cannot be made falls back to the original file.
 */
export async function resolveMedia(
  source: MediaSource,
  imageId: ImageId,
  variant: MediaVariant,
): Promise<MediaFile> {
  const image = source.images.tryGet(imageId);
  if (!image) throw new NotFoundError(`image ${imageId} does not exist in this project`, { imageId });
  const original = fromStoredPath(source.dir, image.path);
  const size = await fileSize(original);
  if (size === undefined) {
    if (!image.missing) source.images.setMissing(imageId, true);
    throw new NotFoundError(
      `the file of image ${imageId} is missing on disk: ${original} (relink its folder)`,
      {
        imageId,
      },
    );
  }
  if (image.missing) source.images.setMissing(imageId, false);
  const format = image.format as ImageFormat;
  switch (variant) {
    case 'original':
      return {
        path: original,
        contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
        sizeBytes: size,
      };
    case 'thumbnail': {
      const expected = thumbnailFile(source.cacheDir, image.sha256);
      if (!isInside(source.cacheDir, expected)) throw new NotFoundError(`no thumbnail for image ${imageId}`);
      try {
        const thumb = await ensureThumbnail(
          original,
          format,
          image.sha256,
          source.cacheDir,
          source.maxInputPixels,
        );
        return { path: thumb, contentType: THUMBNAIL_CONTENT_TYPE, sizeBytes: (await fileSize(thumb)) ?? 0 };
      } catch {
        return {
          path: original,
          contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
          sizeBytes: size,
        };
      }
    }
  }
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}
