import { z } from 'zod';
import { ImageStatusSchema } from '../geometry';
import { FilePathSchema } from '../ids';
import { method } from './method';

export const ExportFormatSchema = z.enum([
  'coco',
  'yolo-detect',
  'yolo-seg',
  'yolo-obb',
  'voc',
  'labelme',
  'cvat',
]);
export const ImportFormatSchema = z.enum(['coco', 'yolo', 'voc', 'labelme', 'cvat']);
/** COCO segmentation of box annotations: their four-corner polygon (annToMask works), or no key at all. */
export const BoxSegmentationSchema = z.enum(['polygon', 'none']);

/** What goes into an export, wherever it is written. */
export const exportOptions = {
  format: ExportFormatSchema,
  segmentation: z.enum(['polygon', 'rle', 'auto']).default('auto'),
  boxSegmentation: BoxSegmentationSchema.default('polygon'),
  /** 'all', or only images with these statuses ('done' is short for ['done']). */
  images: z
    .union([z.enum(['all', 'done']), z.array(ImageStatusSchema).min(1).max(4)], {
      error: `expected "all" or statuses from ${ImageStatusSchema.options.join('|')}`,
    })
    .default('all'),
  /** Fractions of the images for train and val (normalised, so 0.8/0.2 and 8/2 are the same). */
  split: z
    .object({ train: z.number().nonnegative(), val: z.number().nonnegative() })
    .refine((s) => s.train + s.val > 0, 'the split fractions must not all be 0')
    .optional(),
  seed: z.number().int().default(0),
  /** Copy the images into the export, hard-link them, or leave them where they are and reference them. */
  imageFiles: z.enum(['copy', 'link', 'reference']).default('copy'),
};

/**
 * An output folder that exists and is not empty: refuse (the error's details say so, code 'conflict'),
 * export into a new subfolder of it, or replace its content (the user confirmed).
 */
export const IfExistsSchema = z.enum(['fail', 'subfolder', 'replace']);
export type IfExists = z.infer<typeof IfExistsSchema>;

export const ExportResultSchema = z.object({
  outDir: z.string(),
  images: z.number().int(),
  annotations: z.number().int(),
  warnings: z.array(z.string()),
  /** Counters behind the warnings: shapesLostHoles, skippedPoints, … */
  counts: z.record(z.string(), z.number().int()),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

export const ImportAnnotationsResultSchema = z.object({
  imported: z.number().int(),
  matchedImages: z.number().int(),
  unmatched: z.array(z.string()),
  errors: z.array(z.string()),
  /** Annotations already in the project (an import run twice adds nothing). */
  duplicates: z.number().int(),
  /** What was kept differently (shapes clipped to their image, parts not imported yet). */
  warnings: z.array(z.string()),
});

export const exportsGroup = {
  run: method(
    z.object({
      ...exportOptions,
      outDir: FilePathSchema,
      ifExists: IfExistsSchema.default('fail'),
    }),
    ExportResultSchema,
  ),
  importAnnotations: method(
    z.object({ format: ImportFormatSchema, path: FilePathSchema }),
    ImportAnnotationsResultSchema,
  ),
  /**
   * Browser mode: exports into a temporary folder and returns a one-time download id; GET
   * /downloads/<id> then streams the folder as a zip (and deletes it). Images are always copied in.
   */
  prepareDownload: method(
    z.object(exportOptions).omit({ imageFiles: true }),
    z.object({
      downloadId: z.string(),
      fileName: z.string(),
      images: z.number().int(),
      annotations: z.number().int(),
      warnings: z.array(z.string()),
      /** Counters behind the warnings: shapesLostHoles, skippedPoints, … */
      counts: z.record(z.string(), z.number().int()),
    }),
  ),
};
