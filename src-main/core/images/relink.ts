import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ImagesRepo } from '../db/images-repo';
import { type ImageId } from '@contract';
import { digestFile } from './digest';
import { fromStoredPath, toStoredPath } from './paths';
import { walkImagePaths } from './walk';

export interface RelinkTarget {
  readonly dir: string;
  readonly images: ImagesRepo;
}

/** Checks every image file on disk and updates the `missing` flags; returns the missing ids. */
export async function detectMissing(target: RelinkTarget): Promise<{ checked: number; missing: ImageId[] }> {
  const missing: ImageId[] = [];
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const page = target.images.pageAfter(afterId, 500);
    if (page.length === 0) break;
    for (const image of page) {
      checked++;
      const present = await access(fromStoredPath(target.dir, image.path)).then(
        () => true,
        () => false,
      );
      if (present === image.missing) target.images.setMissing(image.id, !present);
      if (!present) missing.push(image.id);
      afterId = image.id;
    }
  }
  return { checked, missing };
}

/**
 * "Relink folder": finds the missing images inside `folder` by content hash and updates their paths.
 * Only files whose size equals a missing image's size are hashed.
 */
export async function relinkFolder(target: RelinkTarget, folder: string): Promise<{ relinked: number }> {
  await detectMissing(target);
  const bySize = target.images.missingBySize();
  if (bySize.size === 0) return { relinked: 0 };
  let relinked = 0;
  for await (const entry of walkImagePaths([folder])) {
    if (entry.kind !== 'file') continue;
    try {
      const { size } = await stat(entry.path);
      const candidates = bySize.get(size);
      if (!candidates || candidates.length === 0) continue;
      const digest = await digestFile(entry.path);
      const match = candidates.find((c) => c.sha256 === digest.sha256);
      if (!match) continue;
      const real = await realpath(entry.path);
      target.images.relink(
        match.id,
        toStoredPath(target.dir, real),
        path.basename(entry.path),
        digest.mtimeMs,
      );
      candidates.splice(candidates.indexOf(match), 1);
      relinked++;
    } catch {
      // Unreadable candidates are simply not matches.
    }
  }
  return { relinked };
}
