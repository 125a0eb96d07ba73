import { randomBytes } from 'node:crypto';
import { existsSync, constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { openImage, run } from '../images/open-image';
import { AppError } from '../errors';
import { createCocoWriter } from './coco-export';
import type { BoxSegmentation } from './coco-geometry';
import { createCvatWriter } from './cvat-export';
import type {
  ExportFormat,
  ExportOptions,
  ExportResult,
  FormatWriter,
  ImageFileMode,
  SplitName,
  WriterContext,
} from './export-types';
import { createLabelmeWriter } from './labelme-export';
import type { ExportImage, ExportSource } from './source';
import { assignSplits } from './split';
import { createVocWriter } from './voc-export';
import { createYoloWriter } from './yolo-export';

const exportError = (message: string): AppError => new AppError('invalid_input', message);

function createWriter(
  format: ExportFormat,
  ctx: WriterContext,
  boxSegmentation: BoxSegmentation,
): FormatWriter {
  switch (format) {
    case 'coco':
      return createCocoWriter(ctx, boxSegmentation);
    case 'yolo-detect':
      return createYoloWriter(ctx, 'detect');
    case 'yolo-seg':
      return createYoloWriter(ctx, 'segment');
    case 'yolo-obb':
      return createYoloWriter(ctx, 'obb');
    case 'voc':
      return createVocWriter(ctx);
    case 'labelme':
      return createLabelmeWriter(ctx);
    case 'cvat':
      return createCvatWriter(ctx);
  }
}

const WARNING_TEXT: Record<string, (n: number) => string> = {
  shapesLostHoles: (n) => `${n} shape(s) lost their holes (this format stores outer rings only)`,
  'skipped:point': (n) => `${n} point annotation(s) skipped (this format has no points)`,
  'skipped:polyline': (n) => `${n} polyline(s) skipped (this format has no open lines)`,
  'skipped:tag': (n) => `${n} image tag(s) skipped (this format has no image-level labels)`,
  skippedCrowds: (n) =>
    `${n} crowd region(s) skipped (YOLO has no crowds; Ultralytics' converter drops them too)`,
  joinedParts: (n) =>
    `${n} object(s) in several parts joined into one segment row each, as Ultralytics' converter does`,
  obbFromRegions: (n) => `${n} region(s) written as their smallest enclosing rotated box`,
  mergedGroups: (n) => `${n} group(s) of shapes written as one object each`,
  categoryIdZero: (n) => `${n} label(s) with category id 0 (background to most trainers) got new ids`,
  polygonsAsMasks: (n) => `${n} polygon(s) with holes written as masks (CVAT polygons have no holes)`,
  skippedDegenerate: (n) => `${n} degenerate shape(s) skipped (fewer than 3 distinct points or zero size)`,
  skippedEmptyMasks: (n) => `${n} empty mask(s) skipped`,
  missingImageFiles: (n) => `${n} image file(s) missing on disk: annotations written without the image`,
  unpaintedObjects: (n) => `${n} object(s) beyond 254 per image not painted in SegmentationObject`,
  skippedBadGeometry: (n) => `${n} annotation(s) with invalid geometry skipped`,
  convertedToJpeg: (n) => `${n} image(s) converted to JPEG (quality 95) for JPEGImages/`,
};

async function assertUsableOutDir(outDir: string): Promise<void> {
  try {
    const st = await fs.stat(outDir);
    if (!st.isDirectory()) throw exportError(`output path exists and is not a folder: ${outDir}`);
    const entries = await fs.readdir(outDir);
    if (entries.length > 0) throw exportError(`output folder is not empty: ${outDir}`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes partial folders that killed exports of the same target left behind (their process is gone). */
async function removeStalePartials(parent: string, base: string): Promise<void> {
  const prefix = `.${base}.partial-`;
  for (const name of await fs.readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{8}$/.exec(name.slice(prefix.length));
    if (m === null || isRunning(Number(m[1]))) continue;
    await fs.rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Unique stems per folder (case-insensitive, so exports also work on Windows/macOS file systems). */
class StemAllocator {
  private readonly used = new Map<string, Set<string>>();
  allocate(dir: string, fileName: string, forceExt?: string): { stem: string; name: string } {
    const ownExt = path.extname(fileName);
    const ext = forceExt ?? ownExt;
    const base = path.basename(fileName, ownExt) || 'image';
    let taken = this.used.get(dir);
    if (!taken) this.used.set(dir, (taken = new Set()));
    let stem = base;
    for (let n = 2; taken.has(stem.toLowerCase()); n++) stem = `${base}_${n}`;
    taken.add(stem.toLowerCase());
    return { stem, name: stem + ext };
  }
}

async function placeImageFile(src: string, dest: string, mode: ImageFileMode): Promise<void> {
  switch (mode) {
    case 'reference':
      return;
    case 'copy':
      await fs.copyFile(src, dest, fsConstants.COPYFILE_FICLONE);
      return;
    case 'link':
      try {
        await fs.link(src, dest);
      } catch {
        // Hard links fail across devices and on some file systems; a symlink or a copy still works.
        try {
          await fs.symlink(path.resolve(src), dest);
        } catch {
          await fs.copyFile(src, dest);
        }
      }
      return;
  }
}

/**
 * Exports a project through `source` into `options.outDir`. Everything is written into a hidden sibling
 * folder which is renamed at the very end, so a killed export never leaves a folder that looks complete.
 */
export async function exportDataset(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const imageFiles = options.imageFiles ?? 'copy';
  if (imageFiles === 'reference' && options.format.startsWith('yolo')) {
    throw exportError('YOLO needs the images inside the dataset: use image files "copy" or "link"');
  }
  if (imageFiles === 'reference' && options.format === 'voc') {
    throw exportError('Pascal VOC needs the images in JPEGImages/: use image files "copy" or "link"');
  }
  const finalDir = path.resolve(options.outDir);
  await assertUsableOutDir(finalDir);
  const parent = path.dirname(finalDir);
  await fs.mkdir(parent, { recursive: true });
  await removeStalePartials(parent, path.basename(finalDir));
  const rootDir = path.join(
    parent,
    `.${path.basename(finalDir)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await fs.mkdir(rootDir);

  const counts: Record<string, number> = {};
  const progress = options.onProgress ?? ((): void => undefined);
  const checkCancel = (): void => {
    if (options.signal?.aborted) throw new AppError('cancelled', 'export cancelled');
  };
  const filter = options.images ?? { kind: 'all' };
  const pageSize = options.pageSize ?? 500;
  let writer: FormatWriter | null = null;
  try {
    const labels = await source.labels();
    // Pass 1: only ids, to split with exact proportions.
    const ids: number[] = [];
    for await (const page of source.imagePages(filter, pageSize)) {
      checkCancel();
      for (const img of page) ids.push(img.id);
      progress({ phase: 'scan', done: ids.length, total: 0 });
    }
    const splitOf = assignSplits(ids, options.split, options.seed ?? 0);
    const splits: SplitName[] = options.split === undefined ? ['train'] : ['train', 'val'];
    const ctx: WriterContext = {
      rootDir,
      finalDir,
      labels,
      splits,
      segmentation: options.segmentation ?? 'auto',
      imageFiles,
      now: options.now ?? new Date(),
      count: (key, n = 1) => {
        counts[key] = (counts[key] ?? 0) + n;
      },
    };
    const w = createWriter(options.format, ctx, options.boxSegmentation ?? 'polygon');
    writer = w;
    const stems = new StemAllocator();
    const madeDirs = new Set<string>();
    let done = 0;
    let annotationCount = 0;
    const total = ids.length;
    for await (const page of source.imagePages(filter, pageSize)) {
      for (const image of page) {
        checkCancel();
        // An image added after the scan has no split: it waits for the next export.
        const split = splitOf.get(image.id);
        if (split === undefined) continue;
        const annotations = await source.annotationsOf(image.id);
        const placedPath = await placeImage(image, split, w, stems, madeDirs, rootDir, imageFiles, ctx);
        const { stem } = placedPath;
        await w.add({ image, split, annotations, placedPath: placedPath.rel, stem });
        annotationCount += annotations.length;
        done++;
        if (done % 50 === 0 || done === total) progress({ phase: 'images', done, total });
      }
    }
    progress({ phase: 'finalize', done, total });
    await w.finish();
    checkCancel();
    // rmdir (not rm -r): it only ever removes the empty folder checked at the start, never new content.
    await fs.rmdir(finalDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await fs.rename(rootDir, finalDir);
    const warnings = Object.entries(counts)
      .filter(([key, n]) => n > 0 && WARNING_TEXT[key] !== undefined)
      .map(([key, n]) => WARNING_TEXT[key]!(n));
    return { outDir: finalDir, images: done, annotations: annotationCount, warnings, counts };
  } catch (e) {
    await writer?.abort();
    await fs.rm(rootDir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

async function placeImage(
  image: ExportImage,
  split: SplitName,
  writer: FormatWriter,
  stems: StemAllocator,
  madeDirs: Set<string>,
  rootDir: string,
  mode: ImageFileMode,
  ctx: WriterContext,
): Promise<{ rel: string | null; stem: string }> {
  const dir = writer.imageDir(split);
  const isJpeg = /\.jpe?g$/i.test(image.fileName);
  const convert = writer.jpegOnly === true && !isJpeg;
  const { stem, name } = stems.allocate(dir, image.fileName, writer.jpegOnly === true ? '.jpg' : undefined);
  if (mode === 'reference') return { rel: null, stem };
  const rel = dir === '' ? name : `${dir}/${name}`;
  const absDir = path.join(rootDir, dir);
  if (!madeDirs.has(absDir)) {
    await fs.mkdir(absDir, { recursive: true });
    madeDirs.add(absDir);
  }
  try {
    if (convert) {
      // Oriented and flattened like the editor shows it: the annotations' coordinates are in that frame.
      const opened = await openImage(image.absolutePath, { alpha: 'flatten' });
      await run(image.absolutePath, opened.pipeline.jpeg({ quality: 95 }).toFile(path.join(rootDir, rel)));
      ctx.count('convertedToJpeg');
    } else {
      await placeImageFile(image.absolutePath, path.join(rootDir, rel), mode);
    }
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT' || !existsSync(image.absolutePath);
    if (!missing) throw e;
    ctx.count('missingImageFiles');
  }
  return { rel, stem };
}
