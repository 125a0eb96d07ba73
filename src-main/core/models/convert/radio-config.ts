import { z } from 'zod';

/**
 * The Hugging Face `config.json` of a RADIO checkpoint (`RADIOConfig` in NVlabs/RADIO radio/hf_model.py).
 * Only the fields the converter reads are typed; the rest pass through. `args` is the training run's
 * argument namespace (radio_model.py `create_model_from_args` reads it).
 */

const teacherSchema = z
  .object({
    name: z.string().min(1),
    use_summary: z.boolean().optional(),
    token_slot: z.number().int().nonnegative().optional(),
    fd_upsample_factor: z.number().int().positive().nullable().optional(),
  })
  .passthrough();

const mlpShapeSchema = z
  .object({
    input_dim: z.number().int().positive(),
    hidden_dim: z.number().int().positive(),
    output_dim: z.number().int().positive(),
    num_inner: z.number().int().nonnegative(),
  })
  .passthrough();

/** hf_hub.py writes one per adaptor: the MLP shapes, the FeatSharp upsampling and the class-token slot. */
const adaptorConfigSchema = z
  .object({
    summary: mlpShapeSchema,
    feature: mlpShapeSchema.extend({
      upsample_factor: z.number().int().positive().nullable().optional(),
      upsample_rank: z.number().int().nullable().optional(),
    }),
    head_idx: z.number().int().nonnegative(),
  })
  .passthrough();

export const radioArgsSchema = z
  .object({
    model: z.string().min(1),
    teachers: z.array(teacherSchema).min(1),
    cls_token_per_teacher: z.boolean().optional(),
    cpe_max_size: z.number().int().positive().nullable().optional(),
    register_multiple: z.number().int().nonnegative().nullable().optional(),
    cpe_num_registers: z.number().int().nonnegative().nullable().optional(),
    mlp_version: z.string().nullable().optional(),
    spatial_mlp_version: z.string().nullable().optional(),
    model_norm: z.boolean().nullable().optional(),
    model_kwargs: z.record(z.string(), z.unknown()).nullable().optional(),
    spectral_reparam: z.boolean().nullable().optional(),
    dtype: z.string().nullable().optional(),
  })
  .passthrough();
export type RadioArgs = z.infer<typeof radioArgsSchema>;

const resolutionSchema = z.union([
  z.tuple([z.number().int().positive(), z.number().int().positive()]),
  z.object({ height: z.number().int().positive(), width: z.number().int().positive() }),
]);

export const radioConfigSchema = z
  .object({
    args: radioArgsSchema,
    version: z.string().nullable().optional(),
    patch_size: z.number().int().positive().nullable().optional(),
    max_resolution: z.number().int().positive().nullable().optional(),
    preferred_resolution: resolutionSchema.nullable().optional(),
    adaptor_names: z
      .union([z.string(), z.array(z.string())])
      .nullable()
      .optional(),
    adaptor_configs: z.record(z.string(), adaptorConfigSchema).nullable().optional(),
    vitdet_window_size: z.number().int().positive().nullable().optional(),
    feature_normalizer_config: z
      .object({ embed_dim: z.number().int().positive() })
      .passthrough()
      .nullable()
      .optional(),
    inter_feature_normalizer_config: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .passthrough();
export type RadioConfig = z.infer<typeof radioConfigSchema>;
export type RadioAdaptorConfig = z.infer<typeof adaptorConfigSchema>;

export function preferredResolution(c: RadioConfig): { height: number; width: number } | undefined {
  const r = c.preferred_resolution;
  if (!r) return undefined;
  return Array.isArray(r) ? { height: r[0], width: r[1] } : r;
}

/**
 * Embed dim and head count of the timm ViTs RADIO builds (radio/extra_timm_models.py registers the
 * RADIO-specific ones; the rest are timm's own). `args.model_kwargs` can override both, as timm merges
 * them over these defaults.
 */
export const VIT_ARCHS: Readonly<Record<string, { embedDim: number; numHeads: number; imgSize: number }>> = {
  vit_tiny_patch16_224: { embedDim: 192, numHeads: 3, imgSize: 224 },
  vit_tiny_patch14_224: { embedDim: 192, numHeads: 3, imgSize: 224 },
  vit_small_patch16_224: { embedDim: 384, numHeads: 6, imgSize: 224 },
  vit_small_patch14_224: { embedDim: 384, numHeads: 6, imgSize: 224 },
  vit_base_patch16_224: { embedDim: 768, numHeads: 12, imgSize: 224 },
  vit_base_patch14_224: { embedDim: 768, numHeads: 12, imgSize: 224 },
  vit_base_patch16_v2_224: { embedDim: 768, numHeads: 12, imgSize: (518 * 16) / 14 },
  vit_large_patch16_224: { embedDim: 1024, numHeads: 16, imgSize: 224 },
  vit_large_patch16_v2_224: { embedDim: 1024, numHeads: 16, imgSize: (518 * 16) / 14 },
  vit_so400m_patch16_224: { embedDim: 1152, numHeads: 16, imgSize: 224 },
  vit_so400m_v2_patch16_224: { embedDim: 1152, numHeads: 16, imgSize: 224 },
  vit_huge_patch14_224: { embedDim: 1280, numHeads: 16, imgSize: 224 },
  vit_huge_patch16_224: { embedDim: 1280, numHeads: 16, imgSize: 224 },
  vit_huge_patch16_224_mlpnorm: { embedDim: 1280, numHeads: 16, imgSize: 224 },
  vit_giant_patch16_224: { embedDim: 1536, numHeads: 24, imgSize: 224 },
  vit_bigG_patch14_224: { embedDim: 1664, numHeads: 16, imgSize: 224 },
};
