import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The parts of a Hugging Face `SamConfig` (config.json of facebook/sam-vit-{base,large,huge}) that the
 * neck, prompt encoder and mask decoder need. Defaults are those of transformers'
 * `models/sam/configuration_sam.py`, so a config that omits a field means what transformers means.
 */

const positive = z.number().int().positive();

const visionSchema = z.object({
  hidden_size: positive.default(768),
  output_channels: positive.default(256),
  image_size: positive.default(1024),
  patch_size: positive.default(16),
  layer_norm_eps: z.number().positive().default(1e-6),
  num_pos_feats: positive.default(128),
});

const promptEncoderSchema = z.object({
  hidden_size: positive.default(256),
  image_size: positive.default(1024),
  patch_size: positive.default(16),
  mask_input_channels: positive.default(16),
  num_point_embeddings: z.literal(4).default(4),
  hidden_act: z.literal('gelu').default('gelu'),
  layer_norm_eps: z.number().positive().default(1e-6),
});

const maskDecoderSchema = z.object({
  hidden_size: positive.default(256),
  hidden_act: z.literal('relu').default('relu'),
  mlp_dim: positive.default(2048),
  num_hidden_layers: positive.default(2),
  num_attention_heads: positive.default(8),
  attention_downsample_rate: positive.default(2),
  num_multimask_outputs: positive.default(3),
  iou_head_depth: z.number().int().min(2).default(3),
  iou_head_hidden_dim: positive.default(256),
  layer_norm_eps: z.number().positive().default(1e-6),
});

export const samConfigSchema = z.object({
  model_type: z.literal('sam').optional(),
  vision_config: visionSchema.prefault({}),
  prompt_encoder_config: promptEncoderSchema.prefault({}),
  mask_decoder_config: maskDecoderSchema.prefault({}),
});
export type SamConfig = z.infer<typeof samConfigSchema>;
export type SamConfigInput = z.input<typeof samConfigSchema>;

/** The sizes the graphs are built from, derived once from the config. */
export interface SamDims {
  /** Channels of the encoder features the neck takes (the `sam` adaptor's output; SAM ViT-H: 1280). */
  readonly encoderDims: number;
  /** Transformer width = prompt embedding width (256 in every SAM v1 checkpoint). */
  readonly hidden: number;
  /** Side of the square frame the prompts' pixel coordinates refer to (1024). */
  readonly frameSidePx: number;
  /** Side of the image-embedding grid (frame / patch = 64). */
  readonly embedSide: number;
  readonly maskInChans: number;
  readonly numPosFeats: number;
  readonly heads: number;
  readonly mlpDim: number;
  readonly layers: number;
  readonly downsample: number;
  readonly numMaskTokens: number;
  readonly iouHeadDepth: number;
  readonly iouHeadHidden: number;
}

export class SamConvertError extends Error {
  override readonly name = 'SamConvertError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export function readSamConfig(file: string): SamConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SamConvertError(file, `cannot read the SAM config (${(e as Error).message})`);
  }
  return parseSamConfig(text, file);
}

/** A SamConfig from the text of its config.json; `file` names it in errors. */
export function parseSamConfig(text: string, file: string): SamConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SamConvertError(file, `cannot read the SAM config (${(e as Error).message})`);
  }
  const r = samConfigSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SamConvertError(file, `${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function samDims(c: SamConfig, file: string): SamDims {
  const v = c.vision_config;
  const p = c.prompt_encoder_config;
  const d = c.mask_decoder_config;
  if (p.hidden_size !== d.hidden_size || v.output_channels !== d.hidden_size) {
    throw new SamConvertError(
      file,
      `prompt_encoder_config.hidden_size (${p.hidden_size}), vision_config.output_channels (${v.output_channels}) and mask_decoder_config.hidden_size (${d.hidden_size}) must agree`,
    );
  }
  if (p.image_size % p.patch_size !== 0 || p.image_size !== v.image_size) {
    throw new SamConvertError(
      file,
      `prompt_encoder_config.image_size (${p.image_size}) must equal vision_config.image_size (${v.image_size}) and be a multiple of patch_size (${p.patch_size})`,
    );
  }
  if (2 * v.num_pos_feats !== d.hidden_size) {
    throw new SamConvertError(
      file,
      `vision_config.num_pos_feats (${v.num_pos_feats}) must be half of the prompt width (${d.hidden_size})`,
    );
  }
  const internal = d.hidden_size / d.attention_downsample_rate;
  if (!Number.isInteger(internal) || internal % d.num_attention_heads !== 0 || d.hidden_size % 8 !== 0) {
    throw new SamConvertError(
      file,
      `mask_decoder_config: hidden_size ${d.hidden_size} / attention_downsample_rate ${d.attention_downsample_rate} must split into ${d.num_attention_heads} heads, and hidden_size must be a multiple of 8`,
    );
  }
  if (p.mask_input_channels % 4 !== 0) {
    throw new SamConvertError(
      file,
      `prompt_encoder_config.mask_input_channels (${p.mask_input_channels}) must be a multiple of 4`,
    );
  }
  return {
    encoderDims: v.hidden_size,
    hidden: d.hidden_size,
    frameSidePx: p.image_size,
    embedSide: p.image_size / p.patch_size,
    maskInChans: p.mask_input_channels,
    numPosFeats: v.num_pos_feats,
    heads: d.num_attention_heads,
    mlpDim: d.mlp_dim,
    layers: d.num_hidden_layers,
    downsample: d.attention_downsample_rate,
    numMaskTokens: d.num_multimask_outputs + 1,
    iouHeadDepth: d.iou_head_depth,
    iouHeadHidden: d.iou_head_hidden_dim,
  };
}
