import type { Architecture } from './catalogue';

/**
 * Parameter count and working memory of a RADIO ViT encoder, derived from the architecture (depth, width,
 * MLP width, patch size) and the token count at a resolution. The formula is written out in
 * docs/MODELS.md; a test checks it against the parameter counts stated on the C-RADIOv4 model cards.
 */

/** Class + register tokens ahead of the patch tokens: 8 on a C-RADIOv3-like model (spec radio.md §11). */
export const PREFIX_TOKENS = 8;

export const BYTES_PER_WEIGHT = { fp32: 4, fp16: 2, int8: 1 } as const;
export type WeightDtype = keyof typeof BYTES_PER_WEIGHT;
export const WEIGHT_DTYPES = Object.keys(BYTES_PER_WEIGHT) as WeightDtype[];

/** Activations are computed in float32 whatever the weights' storage type. */
const ACTIVATION_BYTES = 4;

type VitArchitecture = Extract<Architecture, { kind: 'vit' }>;

/**
 * timm/DINOv2 ViT parameters:
 *   per block: attention 4d² + 4d (qkv 3d²+3d, proj d²+d), two LayerNorms 4d, and the MLP
 *     gelu: 2·d·m + m + d (fc1, fc2)   swiglu: 3·d·m + 2m + d (w12 d→2m, w3 m→d)
 *   patch embedding 3·p²·d (RADIO's ViTPatchLinear), CPE position table (maxRes/p)²·d, prefix tokens 8·d.
 */
export function vitParameterCount(a: VitArchitecture, patchSize: number, maxResolutionPx: number): number {
  const d = a.embedDim;
  const m = a.mlpHiddenDim;
  const attention = 4 * d * d + 4 * d;
  const mlp = a.mlp === 'gelu' ? 2 * d * m + m + d : 3 * d * m + 2 * m + d;
  const norms = 4 * d;
  const grid = Math.floor(maxResolutionPx / patchSize);
  return (
    a.depth * (attention + mlp + norms) + 3 * patchSize * patchSize * d + grid * grid * d + PREFIX_TOKENS * d
  );
}

export function tokenCount(heightPx: number, widthPx: number, patchSize: number): number {
  return Math.floor(heightPx / patchSize) * Math.floor(widthPx / patchSize) + PREFIX_TOKENS;
}

export interface MemoryEstimate {
  readonly parameterCount: number;
  readonly tokens: number;
  readonly weightsBytes: number;
  /** One block's float32 working set: attention scores h·T², qkv 3·T·d, MLP hidden T·m, residual in/out 2·T·d. */
  readonly activationBytes: number;
  /** Float32 dense outputs: backbone features plus one T·d map per dense adaptor output. */
  readonly outputBytes: number;
  readonly totalBytes: number;
}

/**
 * Working memory of the encoder at H×W: weights at their stored width, plus the largest block's activations
 * (onnxruntime frees a block's intermediates before the next), plus the dense outputs. A lower bound:
 * onnxruntime's arena and the app itself come on top.
 */
export function estimateEncoderMemory(
  a: VitArchitecture,
  o: {
    patchSize: number;
    maxResolutionPx: number;
    heightPx: number;
    widthPx: number;
    dtype: WeightDtype;
    denseOutputs: number;
  },
): MemoryEstimate {
  const parameterCount = vitParameterCount(a, o.patchSize, o.maxResolutionPx);
  const T = tokenCount(o.heightPx, o.widthPx, o.patchSize);
  const d = a.embedDim;
  const weightsBytes = parameterCount * BYTES_PER_WEIGHT[o.dtype];
  const activationBytes = ACTIVATION_BYTES * (a.numHeads * T * T + T * (3 * d + a.mlpHiddenDim + 2 * d));
  const outputBytes = ACTIVATION_BYTES * T * d * (1 + o.denseOutputs);
  return {
    parameterCount,
    tokens: T,
    weightsBytes,
    activationBytes,
    outputBytes,
    totalBytes: weightsBytes + activationBytes + outputBytes,
  };
}
