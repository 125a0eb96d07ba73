import { z } from 'zod';
import { AnnotationIdSchema, ImageIdSchema, LabelIdSchema } from '../ids';
import { method } from './method';

const bbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const RegionHitSchema = z.object({
  imageId: ImageIdSchema,
  /** File name only, for the result list. */
  fileName: z.string(),
  /** The image's media address (see ImageRow.mediaKey), for its thumbnail and crop. */
  mediaKey: z.string(),
  score: z.number(),
  /** [x, y, w, h] in image pixels. */
  bbox,
  heatmap: z
    .object({ gridW: z.number().int().positive(), gridH: z.number().int().positive(), base64: z.string() })
    .optional(),
});
export type RegionHit = z.infer<typeof RegionHitSchema>;

export const ImageHitSchema = z.object({
  imageId: ImageIdSchema,
  fileName: z.string(),
  mediaKey: z.string(),
  score: z.number(),
});
export type ImageHit = z.infer<typeof ImageHitSchema>;

const topK = z.number().int().positive().max(200).default(20);
/** The embeddings searched: the selected model (default) or another, at its default or a given resolution. */
const spec = {
  modelId: z.string().min(1).max(128).optional(),
  resolution: z.number().int().min(16).max(4096).optional(),
};
/**
 * Object search keeps hits whose cosine reaches minScore, up to maxPerImage distinct regions of one
 * image (separate connected areas of its similarity map).
 */
const objectQuery = {
  annotationId: AnnotationIdSchema,
  topK,
  ...spec,
  minScore: z.number().min(-1).max(1).default(0.6),
  maxPerImage: z.number().int().positive().max(20).default(3),
};

export const DuplicateMemberSchema = z.object({
  imageId: ImageIdSchema,
  fileName: z.string(),
  mediaKey: z.string(),
  widthPx: z.number().int(),
  heightPx: z.number().int(),
  annotationCount: z.number().int().nonnegative(),
  /** Its best cosine to another member of the group. */
  score: z.number(),
});
export type DuplicateMember = z.infer<typeof DuplicateMemberSchema>;

export const DuplicateGroupSchema = z.object({
  /** The group's smallest image id: stable while the group keeps that image. */
  key: ImageIdSchema,
  /** How many images the group holds; `members` lists the first ones (bounded). */
  size: z.number().int().min(2),
  maxScore: z.number(),
  members: z.array(DuplicateMemberSchema),
});
export type DuplicateGroup = z.infer<typeof DuplicateGroupSchema>;

/** The most members one group lists: a group of thousands is shown by its first ones and its size. */
export const MAX_GROUP_MEMBERS = 24;

export const searchGroup = {
  /** Image-level: summary cosine against every cached image. */
  similarImages: method(z.object({ imageId: ImageIdSchema, topK, ...spec }), z.array(ImageHitSchema)),
  /** Object-level: the annotation's mask-pooled feature against the patches of every cached image. */
  similarObjects: method(
    z.object({
      ...objectQuery,
      /** Each hit's cosine per grid cell (0–255), base64. */
      heatmaps: z.boolean().default(false),
    }),
    z.array(RegionHitSchema),
  ),
  /** "Label these": the same hits as similarObjects (same query) become proposals of a label. */
  proposeHits: method(
    z.object({ ...objectQuery, labelId: LabelIdSchema }),
    z.object({ proposed: z.number().int() }),
  ),
  /** Zero-shot tags as an image filter: images whose tag `label` scores at least minProbability. */
  imagesWithTag: method(
    z.object({ label: z.string().min(1).max(200), minProbability: z.number().min(0).max(1).default(0.5) }),
    z.object({ imageIds: z.array(ImageIdSchema), skipped: z.array(z.string()) }),
  ),
  /**
   * Pairs of cached images whose summary cosine is at least the threshold, and their connected groups
   * (unbounded: the CLI's report). The app pages groups with duplicateGroups instead.
   */
  duplicates: method(
    z.object({ threshold: z.number().gt(-1).max(1).default(0.97), ...spec }),
    z.object({
      threshold: z.number(),
      pairs: z.array(z.object({ a: ImageIdSchema, b: ImageIdSchema, score: z.number() })),
      groups: z.array(z.array(ImageIdSchema)),
    }),
  ),
  /**
   * Near-duplicates as groups (connected components of the pairs at or above threshold, minus the pairs
   * marked as not duplicates), largest score first, one page at a time.
   */
  duplicateGroups: method(
    z.object({
      threshold: z.number().min(0).max(1).default(0.97),
      ...spec,
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().positive().max(50).default(20),
      /** Members listed per group (the rest are counted in `size`); raise it to act on a whole group. */
      memberLimit: z.number().int().positive().max(10_000).default(MAX_GROUP_MEMBERS),
    }),
    z.object({
      totalGroups: z.number().int().nonnegative(),
      totalImages: z.number().int().nonnegative(),
      groups: z.array(DuplicateGroupSchema),
    }),
  ),
  /** Marks these images as not duplicates of each other (persisted): they never group together again. */
  dismissDuplicates: method(
    z.object({ imageIds: z.array(ImageIdSchema).min(2).max(10_000) }),
    z.object({ dismissed: z.number().int() }),
  ),
};
