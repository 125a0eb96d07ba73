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

export const exportsGroup = {
  run: method(
    z.object({
      format: ExportFormatSchema,
      outDir: FilePathSchema,
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
    }),
    z.object({
      outDir: z.string(),
      images: z.number().int(),
      annotations: z.number().int(),
      warnings: z.array(z.string()),
      /** Counters behind the warnings: shapesLostHoles, skippedPoints, … */
      counts: z.record(z.string(), z.number().int()),
    }),
  ),
  importAnnotations: method(
    z.object({ format: ImportFormatSchema, path: FilePathSchema }),
    z.object({
      imported: z.number().int(),
      matchedImages: z.number().int(),
      unmatched: z.array(z.string()),
      errors: z.array(z.string()),
      /** Annotations already in the project (an import run twice adds nothing). */
      duplicates: z.number().int(),
      /** What was kept differently (shapes clipped to their image, parts not imported yet). */
      warnings: z.array(z.string()),
    }),
  ),
};
