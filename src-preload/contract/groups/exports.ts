import { z } from 'zod';
import { FilePathSchema } from '../ids';
import { method } from './method';

export const ExportFormatSchema = z.enum(['coco', 'yolo-detect', 'yolo-seg', 'voc', 'labelme']);
export const ImportFormatSchema = z.enum(['coco', 'yolo', 'labelme']);

export const exportsGroup = {
  run: method(
    z.object({
      format: ExportFormatSchema,
      outDir: FilePathSchema,
      segmentation: z.enum(['polygon', 'rle', 'auto']).default('auto'),
      images: z.enum(['all', 'done']).default('all'),
      split: z.object({ train: z.number().min(0).max(1), val: z.number().min(0).max(1) }).optional(),
      seed: z.number().int().default(0),
      /** Copy the images into the export, hard-link them, or leave them where they are and reference them. */
      imageFiles: z.enum(['copy', 'link', 'reference']).default('copy'),
    }),
    z.object({
      outDir: z.string(),
      images: z.number().int(),
      annotations: z.number().int(),
      warnings: z.array(z.string()),
    }),
  ),
  importAnnotations: method(
    z.object({ format: ImportFormatSchema, path: FilePathSchema }),
    z.object({
      imported: z.number().int(),
      matchedImages: z.number().int(),
      unmatched: z.array(z.string()),
      errors: z.array(z.string()),
    }),
  ),
};
