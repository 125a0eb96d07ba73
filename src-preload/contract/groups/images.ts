import { z } from 'zod';
import { FilePathSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { ImageStatusSchema } from '../geometry';
import { method } from './method';

export const ImageRowSchema = z.object({
  id: ImageIdSchema,
  /** File name only: the renderer never sees absolute paths. */
  fileName: z.string(),
  widthPx: z.number().int(),
  heightPx: z.number().int(),
  status: ImageStatusSchema,
  annotationCount: z.number().int().nonnegative(),
  missing: z.boolean(),
  cached: z.boolean(),
  /**
   * The image's media address below `app://media/` or `/media/`: project, id and content hash, so that
   * an address never shows another project's or an older file's pixels (and can be cached for good).
   */
  mediaKey: z.string(),
});
export type ImageRow = z.infer<typeof ImageRowSchema>;

export const ImportReportSchema = z.object({
  added: z.number().int().nonnegative(),
  /** Files already in the project under the same path (importing them again changes nothing). */
  duplicates: z.number().int().nonnegative(),
  /** Files added as images of their own although their bytes equal another image's (`sameAs` names it). */
  identical: z.array(z.object({ path: z.string(), sameAs: z.string() })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImageSortSchema = z.enum(['added', 'name', 'status']);

/** What the image list shows: the same filter for a page of rows and for an image's position. */
const listFilter = {
  status: ImageStatusSchema.optional(),
  nameContains: z.string().max(200).optional(),
  labelId: LabelIdSchema.optional(),
  ids: z.array(ImageIdSchema).max(100_000).optional(),
  sort: ImageSortSchema.default('added'),
};

export const imagesGroup = {
  import: method(z.object({ paths: z.array(FilePathSchema).min(1).max(10_000) }), ImportReportSchema),
  list: method(
    z.object({
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().positive().max(1000).default(200),
      ...listFilter,
    }),
    z.object({ total: z.number().int().nonnegative(), items: z.array(ImageRowSchema) }),
  ),
  get: method(z.object({ imageId: ImageIdSchema }), ImageRowSchema),
  setStatus: method(z.object({ imageId: ImageIdSchema, status: ImageStatusSchema }), ImageRowSchema),
  relink: method(z.object({ folder: FilePathSchema }), z.object({ relinked: z.number().int() })),
  /**
   * Takes images out of the project: their rows, annotations, proposals and cached embeddings and
   * thumbnails. The image files themselves are never touched.
   */
  remove: method(
    z.object({ imageIds: z.array(ImageIdSchema).min(1).max(10_000) }),
    z.object({ removed: z.number().int().nonnegative() }),
  ),
  /** Where an image sits in the filtered, sorted list ("68 / 2000"); index null when the filter hides it. */
  locate: method(
    z.object({ imageId: ImageIdSchema, ...listFilter }),
    z.object({ index: z.number().int().nonnegative().nullable(), total: z.number().int().nonnegative() }),
  ),
};
