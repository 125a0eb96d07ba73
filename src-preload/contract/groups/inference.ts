import { z } from 'zod';
import { FilePathSchema, ImageIdSchema } from '../ids';
import { CocoRleSchema } from '../geometry';
import { method } from './method';

export const ProviderNameSchema = z.enum(['cpu', 'cuda', 'dml', 'coreml']);

export const ProviderStatusSchema = z.object({
  requested: ProviderNameSchema,
  active: ProviderNameSchema,
  /** Set whenever active ≠ requested: a fallback is never silent. */
  fallbackReason: z.string().optional(),
});
export type ProviderStatus = z.infer<typeof ProviderStatusSchema>;

export const InstanceSchema = z.object({
  label: z.string(),
  score: z.number(),
  area: z.number().int().nonnegative(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  rle: CocoRleSchema,
  polygons: z.array(z.array(z.number())),
});
export type Instance = z.infer<typeof InstanceSchema>;

/** A compact uint8 heat map (0–255 = probability), row-major, base64 over the wire. */
export const HeatMapSchema = z.object({
  widthPx: z.number().int().positive(),
  heightPx: z.number().int().positive(),
  dataBase64: z.string(),
});
export type HeatMap = z.infer<typeof HeatMapSchema>;

/** A probability cut strictly inside (0, 1): 0 would keep every pixel and 1 none (the segmenters refuse both). */
const threshold = z
  .number()
  .gt(0, 'the threshold must be above 0 (0 would select every pixel)')
  .lt(1, 'the threshold must be below 1 (1 would select nothing)')
  .optional();
const minAreaPx = z.number().int().nonnegative().optional();

export const ClickSchema = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  positive: z.boolean(),
});

/** [x, y, width, height] in image pixels. */
const BoxSchema = z.tuple([
  z.number().finite(),
  z.number().finite(),
  z.number().finite().positive('a box needs a positive width'),
  z.number().finite().positive('a box needs a positive height'),
]);
const filePath = z.string().min(1).max(4096);
const modelId = z.string().min(1).max(128);

/**
 * An image file outside any project (the CLI's `segment` and `tag`): text prompts, or clicks and/or a box.
 */
export const SegmentFileInputSchema = z
  .object({
    path: filePath,
    modelId,
    texts: z.array(z.string().trim().min(1, 'a text prompt must not be empty').max(200)).max(16).default([]),
    clicks: z.array(ClickSchema).max(64).default([]),
    box: BoxSchema.optional(),
    threshold: z.number().gt(0).lt(1).optional(),
    minAreaPx: z.number().nonnegative().optional(),
    /** Polygon simplification tolerance. */
    tolerancePx: z.number().nonnegative().optional(),
    refine: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    const points = input.clicks.length > 0 || input.box !== undefined;
    if (input.texts.length > 0 && points)
      ctx.addIssue({ code: 'custom', path: ['texts'], message: 'text prompts and clicks/a box do not mix' });
    if (input.texts.length === 0 && !points)
      ctx.addIssue({ code: 'custom', path: ['texts'], message: 'give text prompts, or clicks and/or a box' });
  });

export const inferenceGroup = {
  status: method(
    z.object({}),
    z.object({
      modelId: z.string().nullable(),
      modelName: z.string().nullable(),
      provider: ProviderStatusSchema,
    }),
  ),
  embed: method(
    z.object({ imageId: ImageIdSchema }),
    z.object({ cached: z.boolean(), elapsedMs: z.number() }),
  ),
  segmentText: method(
    z.object({
      imageId: ImageIdSchema,
      prompts: z.array(z.string().trim().min(1).max(200)).min(1).max(16),
      threshold,
      minAreaPx,
      refine: z.boolean().default(true),
    }),
    z.object({ heatMap: HeatMapSchema, instances: z.array(InstanceSchema) }),
  ),
  segmentClick: method(
    z.object({
      imageId: ImageIdSchema,
      clicks: z.array(ClickSchema).max(64),
      box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
      threshold,
      refine: z.boolean().default(true),
    }),
    z.object({
      /** The bundle's mask decoder, or patch similarity when it has none. */
      method: z.enum(['decoder', 'similarity']),
      instances: z.array(InstanceSchema),
    }),
  ),
  tags: method(
    z.object({ imageId: ImageIdSchema, labels: z.array(z.string().min(1).max(200)).max(256).optional() }),
    z.array(z.object({ label: z.string(), score: z.number() })),
  ),
  /** Segments an image file with no project (nothing is cached). */
  segmentFile: method(
    SegmentFileInputSchema,
    z.object({
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      model: z.string(),
      /** Which path made the instances: text prompts, the bundle's mask decoder, or patch similarity. */
      method: z.enum(['text', 'decoder', 'similarity']),
      instances: z.array(InstanceSchema),
    }),
  ),
  /**
   * The encoder outputs of an image file (the app's own preprocessing, float32, exactly as the graph gives
   * them) written as a NumPy .npz with one array per manifest output: summary, features, and text_dense /
   * text_summary / sam_features where the bundle has them.
   */
  featuresFile: method(
    z.object({
      path: filePath,
      modelId,
      out: FilePathSchema.refine((p) => p.toLowerCase().endsWith('.npz'), 'the output file must end in .npz'),
    }),
    z.object({
      image: z.string(),
      model: z.string(),
      out: z.string(),
      input: z.object({ widthPx: z.number().int().positive(), heightPx: z.number().int().positive() }),
      patchSizePx: z.number().int().positive(),
      arrays: z.array(
        z.object({
          name: z.string(),
          dtype: z.literal('float32'),
          shape: z.array(z.number().int().nonnegative()),
          /** Patch grid rows × columns of a grid output (features, text_dense, sam_features). */
          grid: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
        }),
      ),
    }),
  ),
  /** Zero-shot tags of an image file with no project: each label's score, best first. */
  tagFile: method(
    z.object({
      path: filePath,
      labels: z.array(z.string().trim().min(1).max(200)).min(1, 'give at least one label').max(256),
      /** Default: the selected model. */
      modelId: modelId.optional(),
    }),
    z.object({
      image: z.string(),
      model: z.string(),
      provider: ProviderStatusSchema,
      tags: z.array(z.object({ label: z.string(), score: z.number(), probability: z.number() })),
    }),
  ),
};
