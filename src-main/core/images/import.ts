import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { type ImageId, type ImportReport } from '@contract';
import { type ImagesRepo, type NewImage } from '../db/images-repo';
import { digestFile } from './digest';
import { describeUnknownContent, detectFormat } from './formats';
import { sharpReason } from './open-image';
import { DEFAULT_MAX_INPUT_PIXELS, ProbeFailure, probeImage } from './probe';
import { toStoredPath } from './paths';
import { errnoText, walkImagePaths } from './walk';

export type ImportOutcome =
  | {
      readonly kind: 'added';
      readonly path: string;
      readonly imageId: ImageId;
      /** Another image (file name) with exactly these bytes: identical files stay separate images. */
      readonly identicalTo?: string;
    }
  | { readonly kind: 'duplicate'; readonly path: string; readonly imageId: ImageId }
  | { readonly kind: 'skipped'; readonly path: string; readonly reason: string };

export interface ImportTarget {
  readonly dir: string;
  readonly images: ImagesRepo;
  /** Real path of the project's own cache folder, never imported from. */
  readonly cacheDir: string;
}

export interface ImportOptions {
  readonly maxInputPixels?: number;
  /** Files analysed at once (hashing and header probes overlap I/O). */
  readonly concurrency?: number;
  /** Rows per transaction. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, path: string) => void;
  /** Called after each batch commits, with that batch's outcomes (added and duplicates). */
  readonly onCommitted?: (outcomes: readonly ImportOutcome[]) => void;
}

export interface ImportResult {
  readonly outcomes: ImportOutcome[];
  readonly report: ImportReport;
  readonly cancelled: boolean;
}

type Analysis =
  | { kind: 'image'; path: string; image: NewImage; identicalTo?: string }
  | { kind: 'known'; path: string; imageId: ImageId }
  | { kind: 'skipped'; path: string; reason: string };

/**
 * Imports image files and folders. Each file is hashed (streamed) and probed (headers only) on its own,
 * so one bad file becomes a `skipped` outcome with a reason and never stops the import. Rows are written
 * in batches, each batch one transaction: a killed import leaves whole rows only, and rerunning it
 * reports the already-imported files as duplicates.
 */
export async function importImages(
  target: ImportTarget,
  inputs: readonly string[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const outcomes: ImportOutcome[] = [];
  let batch: Analysis[] = [];
  let done = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    // One transaction per batch: a killed import leaves whole batches only.
    const inserted = target.images.insertMany(batch.flatMap((a) => (a.kind === 'image' ? [a.image] : [])));
    let next = 0;
    const committed = batch.map((a): ImportOutcome => {
      switch (a.kind) {
        case 'skipped':
          return a;
        case 'known':
          return { kind: 'duplicate', path: a.path, imageId: a.imageId };
        case 'image': {
          const r = inserted[next++]!;
          if (r.kind === 'duplicate') return { kind: 'duplicate', path: a.path, imageId: r.id };
          return a.identicalTo === undefined
            ? { kind: 'added', path: a.path, imageId: r.id }
            : { kind: 'added', path: a.path, imageId: r.id, identicalTo: a.identicalTo };
        }
      }
    });
    batch = [];
    outcomes.push(...committed);
    options.onCommitted?.(committed);
  };
  const accept = (a: Analysis): void => {
    batch.push(a);
    done++;
    options.onProgress?.(done, a.path);
    if (batch.length >= batchSize) flush();
  };

  const window: Promise<Analysis>[] = [];
  let cancelled = false;
  // Content seen earlier in this import (not committed yet, so the repo cannot tell).
  const seenContent = new Map<string, string>();
  const noteIdentical = (a: Analysis): Analysis => {
    if (a.kind !== 'image') return a;
    const earlier = seenContent.get(a.image.sha256);
    if (earlier === undefined) seenContent.set(a.image.sha256, a.image.name);
    return a.identicalTo === undefined && earlier !== undefined ? { ...a, identicalTo: earlier } : a;
  };
  for await (const entry of walkImagePaths(inputs, { excludeDirs: [target.cacheDir] })) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    window.push(
      entry.kind === 'skipped' ? Promise.resolve(entry) : analyzeFile(target, entry.path, maxInputPixels),
    );
    if (window.length >= concurrency) accept(noteIdentical(await window.shift()!));
  }
  for (const pending of window) accept(noteIdentical(await pending));
  flush();
  return { outcomes, report: summarize(outcomes), cancelled };
}

export function summarize(outcomes: readonly ImportOutcome[]): ImportReport {
  let added = 0;
  let duplicates = 0;
  const identical: { path: string; sameAs: string }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const o of outcomes) {
    if (o.kind === 'added') {
      added++;
      if (o.identicalTo !== undefined) identical.push({ path: o.path, sameAs: o.identicalTo });
    } else if (o.kind === 'duplicate') duplicates++;
    else skipped.push({ path: o.path, reason: o.reason });
  }
  return { added, duplicates, identical, skipped };
}

async function analyzeFile(target: ImportTarget, file: string, maxInputPixels: number): Promise<Analysis> {
  try {
    let digest;
    try {
      digest = await digestFile(file, (head) => detectFormat(head) !== undefined);
    } catch (e) {
      return { kind: 'skipped', path: file, reason: `cannot read the file: ${errnoText(e)}` };
    }
    if (digest.sizeBytes === 0) return { kind: 'skipped', path: file, reason: 'empty file (0 bytes)' };
    const format = detectFormat(digest.head);
    if (!format) return { kind: 'skipped', path: file, reason: describeUnknownContent(digest.head) };
    // The real file, not a link to it: media is served without following links (a file swapped for a
    // symlink after import is refused), so the stored path must name the file itself.
    const storedPath = toStoredPath(target.dir, await realpath(file));
    // The same file again (same path, same bytes) is a no-op; the same bytes under another name are a
    // separate image, reported as identical.
    const known = target.images.findByPathAndSha(storedPath, digest.sha256);
    if (known) return { kind: 'known', path: file, imageId: known.id };
    const sameContent = target.images.findBySha(digest.sha256);
    const size = await probeImage(file, format, digest, maxInputPixels);
    return {
      kind: 'image',
      path: file,
      ...(sameContent ? { identicalTo: sameContent.name } : {}),
      image: {
        path: storedPath,
        name: path.basename(file),
        sha256: digest.sha256,
        format,
        bytes: digest.sizeBytes,
        widthPx: size.widthPx,
        heightPx: size.heightPx,
        mtimeMs: digest.mtimeMs,
      },
    };
  } catch (e) {
    const reason = e instanceof ProbeFailure ? e.message : `unexpected error: ${sharpReason(e)}`;
    return { kind: 'skipped', path: file, reason };
  }
}
