import { z } from 'zod';
import { AnnotationIdSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { method } from './method';

export const RegionHitSchema = z.object({
  imageId: ImageIdSchema,
  score: z.number(),
  /** [x, y, w, h] in image pixels. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  heatmap: z
    .object({ gridW: z.number().int().positive(), gridH: z.number().int().positive(), base64: z.string() })
    .optional(),
});
export type RegionHit = z.infer<typeof RegionHitSchema>;

const topK = z.number().int().positive().max(200).default(20);
/** The embeddings searched: the selected model (default) or another, at its default or a given resolution. */
const spec = {
  modelId: z.string().min(1).max(128).optional(),
  resolution: z.number().int().min(16).max(4096).optional(),
};

export const searchGroup = {
  /** Image-level: summary cosine against every cached image. */
  similarImages: method(
    z.object({ imageId: ImageIdSchema, topK, ...spec }),
    z.array(z.object({ imageId: ImageIdSchema, score: z.number() })),
  ),
  /** Object-level: the annotation's mask-pooled feature against the patches of every cached image. */
  similarObjects: method(
    z.object({
      annotationId: AnnotationIdSchema,
      topK,
      ...spec,
      /** Each hit's cosine per grid cell (0–255), base64. */
      heatmaps: z.boolean().default(false),
    }),
    z.array(RegionHitSchema),
  ),
  /** "Label these": turn object hits into proposals of a label (reviewed like any other proposal). */
  proposeHits: method(
    z.object({ annotationId: AnnotationIdSchema, labelId: LabelIdSchema, topK, ...spec }),
    z.object({ proposed: z.number().int() }),
  ),
  /** Zero-shot tags as an image filter: images whose tag `label` scores at least minProbability. */
  imagesWithTag: method(
    z.object({ label: z.string().min(1).max(200), minProbability: z.number().min(0).max(1).default(0.5) }),
    z.object({ imageIds: z.array(ImageIdSchema), skipped: z.array(z.string()) }),
  ),
  /** Pairs of cached images whose summary cosine is at least the threshold, and their connected groups. */
  duplicates: method(
    z.object({ threshold: z.number().gt(-1).max(1).default(0.97), ...spec }),
    z.object({
      threshold: z.number(),
      pairs: z.array(z.object({ a: ImageIdSchema, b: ImageIdSchema, score: z.number() })),
      groups: z.array(z.array(ImageIdSchema)),
    }),
  ),
};
