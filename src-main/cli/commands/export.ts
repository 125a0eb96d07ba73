import { ExportFormatSchema, type ImageStatus } from '@contract';
import { exportDataset } from '../../core/formats/export-dataset';
import type { BoxSegmentation } from '../../core/formats/coco-geometry';
import type { ExportFormat, ImageFileMode, SegmentationMode } from '../../core/formats/export-types';
import { projectExportSource } from '../../core/formats/project-adapter';
import type { ImageFilter, ProgressEvent } from '../../core/formats/source';
import { parseSplit } from '../../core/formats/split';
import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import {
  CliUsageError,
  optionalNumber,
  optionalString,
  positional,
  requireString,
  type CliArgs,
  type CliCommand,
} from '../command';

const FORMATS: readonly ExportFormat[] = ExportFormatSchema.options;
const SEGMENTATIONS: readonly SegmentationMode[] = ['polygon', 'rle', 'auto'];
const BOX_SEGMENTATIONS: readonly BoxSegmentation[] = ['polygon', 'none'];
const IMAGE_FILES: readonly ImageFileMode[] = ['copy', 'link', 'reference'];

function oneOf<T extends string>(args: CliArgs, name: string, allowed: readonly T[], fallback?: T): T {
  const v = fallback === undefined ? requireString(args, name) : (optionalString(args, name) ?? fallback);
  if (!(allowed as readonly string[]).includes(v)) {
    throw new CliUsageError(`--${name} must be one of ${allowed.join('|')}, got "${v}"`);
  }
  return v as T;
}

const STATUSES: readonly ImageStatus[] = ['new', 'in_progress', 'done', 'review'];

/** `all`, or a comma list of statuses (`done`, `done,review`). */
export function imageFilter(text: string): ImageFilter {
  if (text === 'all') return { kind: 'all' };
  const statuses = text.split(',').map((s) => s.trim());
  const bad = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (bad !== undefined || statuses.length === 0) {
    throw new CliUsageError(`--images must be "all" or statuses from ${STATUSES.join('|')}, got "${text}"`);
  }
  return { kind: 'status', statuses: statuses as ImageStatus[] };
}

/** Progress on stderr, at most twice a second. */
export function throttledProgress(progress: (m: string) => void): (e: ProgressEvent) => void {
  let last = 0;
  return (e) => {
    const now = Date.now();
    if (now - last < 500 && e.phase !== 'finalize') return;
    last = now;
    progress(e.total > 0 ? `${e.phase}: ${e.done}/${e.total}` : `${e.phase}: ${e.done}`);
  };
}

export const exportCommands: readonly CliCommand[] = [
  {
    path: ['export'],
    summary:
      'export a project as COCO, YOLO (detect/segment/OBB), Pascal VOC, labelme or CVAT for images 1.1',
    usage:
      'export <project> --format coco|yolo-detect|yolo-seg|yolo-obb|voc|labelme|cvat --out <dir> [--segmentation polygon|rle|auto] [--box-segmentation polygon|none] [--split train=0.8,val=0.2] [--seed N] [--images all|done|<status,…>] [--image-files copy|link|reference]',
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      segmentation: { type: 'string' },
      'box-segmentation': { type: 'string' },
      split: { type: 'string' },
      seed: { type: 'string' },
      images: { type: 'string' },
      'image-files': { type: 'string' },
    },
    run(args, io) {
      const dir = positional(args, 0, 'project');
      const format = oneOf(args, 'format', FORMATS);
      const outDir = requireString(args, 'out');
      const segmentation = oneOf(args, 'segmentation', SEGMENTATIONS, 'auto');
      const boxSegmentation = oneOf(args, 'box-segmentation', BOX_SEGMENTATIONS, 'polygon');
      const imageFiles = oneOf(args, 'image-files', IMAGE_FILES, 'copy');
      const images = imageFilter(optionalString(args, 'images') ?? 'all');
      const splitText = optionalString(args, 'split');
      let split: { train: number; val: number } | undefined;
      try {
        split = splitText === undefined ? undefined : parseSplit(splitText);
      } catch (e) {
        throw new CliUsageError((e as Error).message);
      }
      const seed = optionalNumber(args, 'seed') ?? 0;
      if (!Number.isInteger(seed)) throw new CliUsageError(`--seed must be an integer, got ${seed}`);
      return withProject(dir, projectOptionsFrom(io.dataDir), (project) =>
        exportDataset(projectExportSource(project), {
          format,
          outDir,
          segmentation,
          boxSegmentation,
          imageFiles,
          images,
          split,
          seed,
          onProgress: throttledProgress((m) => io.progress(m)),
        }),
      );
    },
  },
];
