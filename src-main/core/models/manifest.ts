import { AppError } from '../errors';
import { z } from 'zod';

/**
 * The bundle manifest (`manifest.json` next to the ONNX files). Everything the app knows about a model
 * comes from here: there are no code paths keyed on model names.
 */

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];
export const executionProviderSchema = z.enum(EXECUTION_PROVIDERS);

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
/**
 * A file name inside the bundle folder: relative, no `..`, no empty segment, and no `:` at all, so that a
 * name can never be an absolute URL ("https://host/x") or a drive path: the installer only ever fetches
 * files from beside the manifest.
 */
const bundleFileSchema = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !p.includes(':') &&
      p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'),
    { message: 'must be a relative path inside the bundle folder (no "..", no ":", no URL)' },
  );
/** Size of a file in bytes, when the producer states it: downloads and imports are capped by it. */
const fileBytesSchema = z.number().int().nonnegative().optional();
const tensorNameSchema = z.string().min(1);
/** Tensor data stored beside an ONNX file (protobuf's 2 GB limit): `<file>.data`, checked like the file. */
const externalDataSchema = z
  .array(z.object({ file: bundleFileSchema, sha256: sha256Schema, bytes: fileBytesSchema }))
  .default([]);

export const resolutionPolicySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fixed'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  z.object({
    kind: z.literal('short_side'),
    short_side: z.number().int().positive(),
    /** Each side is rounded to a multiple of this (RADIO: patch size × ViTDet window, usually 16). */
    step: z.number().int().positive(),
    max: z.number().int().positive(),
  }),
]);
export type ResolutionPolicy = z.infer<typeof resolutionPolicySchema>;

const gridOutputSchema = z.object({
  name: tensorNameSchema,
  /** NLC = [1, N, C] tokens row-major over the patch grid; NCHW = [1, C, h, w]. */
  layout: z.enum(['NLC', 'NCHW']).default('NLC'),
});
export type GridOutputSpec = z.infer<typeof gridOutputSchema>;

const encoderSchema = z.object({
  file: bundleFileSchema,
  sha256: sha256Schema,
  bytes: fileBytesSchema,
  external_data: externalDataSchema,
  input: z.object({
    name: tensorNameSchema,
    range: z.tuple([z.literal(0), z.literal(1)]).default([0, 1]),
    /** RADIO normalises inside the graph (InputConditioner); otherwise mean/std are applied in preprocess. */
    normalized_in_graph: z.boolean(),
    mean: z.tuple([z.number(), z.number(), z.number()]).optional(),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(),
  }),
  patch_size: z.number().int().positive(),
  resolution: resolutionPolicySchema,
  outputs: z.object({
    summary: z.object({ name: tensorNameSchema }),
    features: gridOutputSchema,
    text_dense: gridOutputSchema.optional(),
    /** The summary projected into the text space (RADIO: language adaptor head_mlp on its summary slice). */
    text_summary: z.object({ name: tensorNameSchema }).optional(),
    sam_features: gridOutputSchema.optional(),
  }),
});

const textSchema = z.object({
  file: bundleFileSchema,
  sha256: sha256Schema,
  bytes: fileBytesSchema,
  external_data: externalDataSchema,
  tokenizer: bundleFileSchema,
  tokenizer_sha256: sha256Schema,
  tokenizer_bytes: fileBytesSchema,
  input_ids: tensorNameSchema,
  attention_mask: tensorNameSchema.optional(),
  output: tensorNameSchema,
  max_length: z.number().int().positive(),
  padding: z.enum(['max_length', 'longest']),
  pad_token_id: z.number().int().nonnegative().default(0),
  /** Where pads go (tokenizer_config.json `padding_side`); SigLIP2 pads on the right. */
  padding_side: z.enum(['right', 'left']).default('right'),
  /** Which end a too-long prompt loses (`truncation_side`); special tokens are always kept. */
  truncation_side: z.enum(['right', 'left']).default('right'),
  canonicalize: z
    .object({
      lowercase: z.boolean().default(true),
      strip_punctuation: z.boolean().default(true),
      underscore_to_space: z.boolean().default(true),
    })
    .default({ lowercase: true, strip_punctuation: true, underscore_to_space: true }),
  templates: z
    .array(z.string().refine((t) => t.includes('{}'), { message: 'each template must contain "{}"' }))
    .min(1),
  dim: z.number().int().positive(),
  /** "error": a word the tokenizer maps to its unknown token is refused (the starter's tiny vocabulary). */
  unknown_tokens: z.enum(['error', 'allow']).default('allow'),
});

/** SAM's image-encoder neck: runs once per image on the encoder's `sam_features`, gives the decoder's input. */
const maskDecoderNeckSchema = z.object({
  file: bundleFileSchema,
  sha256: sha256Schema,
  bytes: fileBytesSchema,
  /** Takes `sam_features` as the app keeps grids: [1, h, w, C] channels-last, h and w free. */
  input: tensorNameSchema,
  /** Feeds `mask_decoder.inputs.image_embeddings`. */
  output: tensorNameSchema,
});

const maskDecoderSchema = z.object({
  file: bundleFileSchema,
  sha256: sha256Schema,
  bytes: fileBytesSchema,
  inputs: z.object({
    image_embeddings: tensorNameSchema,
    point_coords: tensorNameSchema,
    point_labels: tensorNameSchema,
    mask_input: tensorNameSchema.optional(),
    has_mask_input: tensorNameSchema.optional(),
    /** segment-anything's exported decoder: [H, W] of the image, when the graph resizes masks to it itself. */
    orig_im_size: tensorNameSchema.optional(),
  }),
  outputs: z.object({ masks: tensorNameSchema, scores: tensorNameSchema.optional() }),
  /** Side of the square input frame the point coordinates refer to (SAM: 1024). */
  input_size: z.number().int().positive(),
  neck: maskDecoderNeckSchema.optional(),
  /**
   * Side of the decoder's square image-embedding grid (SAM: 64). When set, the encoder's patch grid lies
   * at its top-left corner, one patch per cell (RADSeg's zero padding), so prompts map to the frame at
   * input_size / embedding_grid pixels per patch. When absent, the encoder input's long side spans the
   * frame (older bundles).
   */
  embedding_grid: z.number().int().positive().optional(),
  /**
   * SAM's multimask convention: output `single_mask_index` is the single-mask answer, the others the
   * multimask set; the choice follows SAM's ONNX export (3 or more prompt points → the single mask, else
   * the multimask output with the best predicted IoU). Absent: the best score wins.
   */
  multimask: z.object({ single_mask_index: z.number().int().nonnegative() }).optional(),
  /**
   * Low-res logits → image: "bilinear" resizes the valid window once; "sam" is SAM's postprocess_masks
   * (bilinear to the input_size frame, crop the valid part, bilinear to the image), threshold 0.
   */
  postprocess: z.enum(['bilinear', 'sam']).default('bilinear'),
});

export const bundleManifestSchema = z.object({
  format_version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-" (max 64)'),
  name: z.string().min(1),
  license: z.string().min(1),
  source_url: z.string().min(1),
  description: z.string().default(''),
  /** The offline colour/texture starter: the UI must say it is not semantic. */
  is_starter: z.boolean().default(false),
  /** Providers this bundle was tested with (informational; the app may still try others). */
  execution_providers: z.array(executionProviderSchema).default(['cpu']),
  encoder: encoderSchema,
  text: textSchema.optional(),
  mask_decoder: maskDecoderSchema.optional(),
});

export type BundleManifest = z.infer<typeof bundleManifestSchema>;
export type BundleManifestInput = z.input<typeof bundleManifestSchema>;
export type TextTowerSpec = NonNullable<BundleManifest['text']>;

/** A manifest that failed validation or verification; the message names the bundle and the field. */
export class BundleError extends AppError {
  override readonly name = 'BundleError';
  constructor(
    readonly bundle: string,
    readonly field: string,
    problem: string,
  ) {
    super('model_error', `model bundle "${bundle}": ${field}: ${problem}`);
  }
}

/** Parses manifest JSON; throws BundleError naming the first bad field. */
export function parseManifest(json: unknown, bundleLabel: string): BundleManifest {
  const r = bundleManifestSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  const label =
    typeof json === 'object' && json !== null && typeof (json as { id?: unknown }).id === 'string'
      ? (json as { id: string }).id
      : bundleLabel;
  throw new BundleError(label, field, issue?.message ?? 'invalid');
}

/** A file the manifest references, with its expected sha256, stated size and the field that names it. */
export interface ManifestFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes?: number;
  readonly field: string;
}

/** Every file a manifest references. */
export function manifestFiles(m: BundleManifest): ManifestFile[] {
  const ref = (file: string, sha256: string, bytes: number | undefined, field: string): ManifestFile =>
    bytes === undefined ? { file, sha256, field } : { file, sha256, bytes, field };
  const out = [ref(m.encoder.file, m.encoder.sha256, m.encoder.bytes, 'encoder.file')];
  m.encoder.external_data.forEach((d, i) =>
    out.push(ref(d.file, d.sha256, d.bytes, `encoder.external_data.${i}.file`)),
  );
  if (m.text) {
    out.push(ref(m.text.file, m.text.sha256, m.text.bytes, 'text.file'));
    m.text.external_data.forEach((d, i) =>
      out.push(ref(d.file, d.sha256, d.bytes, `text.external_data.${i}.file`)),
    );
    out.push(ref(m.text.tokenizer, m.text.tokenizer_sha256, m.text.tokenizer_bytes, 'text.tokenizer'));
  }
  if (m.mask_decoder) {
    out.push(ref(m.mask_decoder.file, m.mask_decoder.sha256, m.mask_decoder.bytes, 'mask_decoder.file'));
    const neck = m.mask_decoder.neck;
    if (neck) out.push(ref(neck.file, neck.sha256, neck.bytes, 'mask_decoder.neck.file'));
  }
  return out;
}
