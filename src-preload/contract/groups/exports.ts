import { z } from 'zod';
import { FilePathSchema } from '../ids';
import { method } from './method';

export const ExportFormatSchema = z.enum(['coco', 'yolo-detect', 'yolo-seg', 'voc', 'labelme']);
export const ImportFormatSchema = z.enum(['coco', 'yolo', 'labelme']);

/** What goes into an export, wherever it is written. */
export const exportOptions = {
  format: ExportFormatSchema,
  segmentation: z.enum(['polygon', 'rle', 'auto']).default('auto'),
  images: z.enum(['all', 'done']).default('all'),
  split: z.object({ train: z.number().min(0).max(1), val: z.number().min(0).max(1) }).optional(),
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
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

export const ImportAnnotationsResultSchema = z.object({
  imported: z.number().int(),
  matchedImages: z.number().int(),
  unmatched: z.array(z.string()),
  errors: z.array(z.string()),
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
    }),
  ),
};
