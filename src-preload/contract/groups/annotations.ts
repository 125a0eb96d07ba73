import { z } from 'zod';
import { AnnotationIdSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { AttributesSchema } from '../attributes';
import { AnnotationSourceSchema, GeometrySchema } from '../geometry';
import { method } from './method';

/** Shapes of one image with the same group id are one object drawn in several shapes (CVAT/labelme groups). */
export const GroupIdSchema = z
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const AnnotationSchema = z.object({
  id: AnnotationIdSchema,
  imageId: ImageIdSchema,
  labelId: LabelIdSchema,
  geometry: GeometrySchema,
  score: z.number().min(0).max(1).nullable(),
  source: AnnotationSourceSchema,
  /** COCO iscrowd: a region of many objects (evaluation ignores detections inside it). */
  iscrowd: z.boolean(),
  attributes: AttributesSchema,
  groupId: GroupIdSchema.nullable(),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

export const NewAnnotationSchema = AnnotationSchema.omit({ id: true, imageId: true }).extend({
  /** Client-side id, echoed back with the id the store assigned. */
  clientId: z.string().max(64),
  iscrowd: z.boolean().default(false),
  attributes: AttributesSchema.default({}),
  groupId: GroupIdSchema.nullable().default(null),
});
export type NewAnnotation = z.infer<typeof NewAnnotationSchema>;

export const AnnotationUpdateSchema = z.object({
  id: AnnotationIdSchema,
  labelId: LabelIdSchema.optional(),
  geometry: GeometrySchema.optional(),
  score: z.number().min(0).max(1).nullable().optional(),
  iscrowd: z.boolean().optional(),
  /** Replaces all of the annotation's attribute values. */
  attributes: AttributesSchema.optional(),
  groupId: GroupIdSchema.nullable().optional(),
});

export const PatchSchema = z.object({
  added: z.array(NewAnnotationSchema).max(10_000).default([]),
  updated: z.array(AnnotationUpdateSchema).max(10_000).default([]),
  removed: z.array(AnnotationIdSchema).max(10_000).default([]),
});
export type Patch = z.infer<typeof PatchSchema>;

export const annotationsGroup = {
  list: method(
    z.object({ imageId: ImageIdSchema }),
    z.object({ revision: z.number().int().nonnegative(), items: z.array(AnnotationSchema) }),
  ),
  applyPatch: method(
    z.object({ imageId: ImageIdSchema, baseRevision: z.number().int().nonnegative(), patch: PatchSchema }),
    z.object({
      revision: z.number().int().nonnegative(),
      added: z.array(z.object({ clientId: z.string(), id: AnnotationIdSchema })),
    }),
  ),
  /**
   * Mask → polygon (contours with holes, simplified) or polygon/box → mask, for the editor's convert tool.
   * The canvas may not exceed the image's own size (the service checks it against imageId).
   */
  convert: method(
    z.object({
      imageId: ImageIdSchema,
      geometry: GeometrySchema,
      target: z.enum(['polygon', 'mask']),
      tolerancePx: z.number().min(0).max(100).default(1),
      widthPx: z.number().int().positive().max(65_536),
      heightPx: z.number().int().positive().max(65_536),
    }),
    GeometrySchema,
  ),
};
