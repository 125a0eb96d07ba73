import { z } from 'zod';
import { AnnotationIdSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { method } from './method';

export const RegionHitSchema = z.object({
  imageId: ImageIdSchema,
  score: z.number(),
  /** [x, y, w, h] in image pixels. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type RegionHit = z.infer<typeof RegionHitSchema>;

const topK = z.number().int().positive().max(200).default(20);

export const searchGroup = {
  /** Image-level: summary cosine against every cached image. */
  similarImages: method(
    z.object({ imageId: ImageIdSchema, topK }),
    z.array(z.object({ imageId: ImageIdSchema, score: z.number() })),
  ),
  /** Object-level: the annotation's mask-pooled feature against the patches of every cached image. */
  similarObjects: method(z.object({ annotationId: AnnotationIdSchema, topK }), z.array(RegionHitSchema)),
  /** "Label these": turn object hits into proposals of a label (reviewed like any other proposal). */
  proposeHits: method(
    z.object({ annotationId: AnnotationIdSchema, labelId: LabelIdSchema, topK }),
    z.object({ proposed: z.number().int() }),
  ),
  /** Zero-shot tags as an image filter: images whose tag `label` scores at least minProbability. */
  imagesWithTag: method(
    z.object({ label: z.string().min(1).max(200), minProbability: z.number().min(0).max(1).default(0.5) }),
    z.object({ imageIds: z.array(ImageIdSchema), skipped: z.array(z.string()) }),
  ),
  duplicates: method(
    z.object({ threshold: z.number().min(0).max(1).default(0.97) }),
    z.array(z.object({ a: ImageIdSchema, b: ImageIdSchema, score: z.number() })),
  ),
};
