import { attr } from '../onnx/graph-builder';
import type { Checkpoint } from './checkpoint';
import type { GraphOps } from './graph-ops';
import { emitMlp, upsampleTokens } from './mlp-head';
import { positionEmbeddingFor } from './pos-embed';
import {
  type AdaptorSpec,
  type BlockSpec,
  M,
  P,
  PG,
  type RadioSpec,
  TORCH_LN_EPS,
  VIT_LN_EPS,
} from './radio-spec';
import { arraySource } from './weight-emitter';

export interface EncoderGraphOptions {
  readonly heightPx: number;
  readonly widthPx: number;
  /** Its head_mlp gives text_dense (every patch token) and text_summary (its own class token). */
  readonly language?: AdaptorSpec;
  /** Its feat_mlp gives sam_features. */
  readonly sam?: AdaptorSpec;
}

/** Output names and shapes of the encoder graph: the bundle contract (manifest.ts `encoder.outputs`). */
export interface EncoderOutputs {
  readonly summary: readonly [1, number];
  readonly features: readonly [1, number, number];
  readonly text_dense?: readonly [1, number, number];
  readonly text_summary?: readonly [1, number];
  readonly sam_features?: readonly [1, number, number];
}

export const ENCODER_INPUT = 'pixel_values';

/**
 * The RADIO encoder at one fixed H×W (radio_model.py forward → enable_cpe_support.py _forward_cpe →
 * _extract_final), batch 1, tokens kept as 2-D [L, D] so every Linear is one Gemm:
 * input conditioner → patch embedding → CPE position embeddings (computed here for this size) → class and
 * register tokens → patch normaliser? → timm pre-LN blocks → final norm? → summary / features (PHI-S
 * normaliser?) → adaptor heads.
 */
export async function emitRadioEncoder(
  ops: GraphOps,
  ckpt: Checkpoint,
  spec: RadioSpec,
  o: EncoderGraphOptions,
  onBlock: (done: number, total: number) => Promise<void> = () => Promise.resolve(),
): Promise<EncoderOutputs> {
  const { g, em } = ops;
  const D = spec.embedDim;
  const p = spec.patchSize;
  const rows = o.heightPx / p;
  const cols = o.widthPx / p;
  const N = rows * cols;
  const T = spec.numClsTokens + spec.numRegisters;
  const L = T + N;
  const src = (name: string) => ckpt.source(name);

  const x = g.input(ENCODER_INPUT, 'float', [1, 3, o.heightPx, o.widthPx]);
  // InputConditioner: (x - mean) / std, so the app feeds [0, 1] RGB.
  const mean = g.floats('input_conditioner.norm_mean', [...spec.inputMean], [1, 3, 1, 1]);
  const std = g.floats('input_conditioner.norm_std', [...spec.inputStd], [1, 3, 1, 1]);
  const cond = g.node('Div', [g.node('Sub', [x, mean]), std]);

  // Im2Patches + ViTPatchLinear = a stride-p convolution whose kernel is the Linear weight, (c, y, x) order.
  const kernel = em.constant(src(`${PG}embedder.weight`), [D, 3, p, p]);
  const convIn = spec.patchBias ? [cond, kernel, em.float32(src(`${PG}embedder.bias`))] : [cond, kernel];
  const conv = g.node('Conv', convIn, { kernel_shape: attr.ints([p, p]), strides: attr.ints([p, p]) });
  let h = ops.transpose(ops.reshape(conv, [D, N]), [1, 0]);

  const table = ckpt.float32(`${PG}pos_embed`);
  const pos = positionEmbeddingFor(table, spec.posGrid, D, rows, cols, spec.cpeMode);
  h = g.node('Add', [h, em.constant(arraySource(`${PG}pos_embed.${rows}x${cols}`, pos, [N, D]))]);
  h = g.node('Concat', [em.constant(src(`${PG}cls_token.token`)), h], { axis: attr.int(0) });
  if (spec.patchNormalizer) {
    h = ops.layerNorm(
      h,
      src(`${PG}patch_normalizer.weight`),
      src(`${PG}patch_normalizer.bias`),
      TORCH_LN_EPS,
    );
  }

  for (const [i, block] of spec.blocks.entries()) {
    h = emitBlock(ops, ckpt, spec, block, h, L);
    await onBlock(i + 1, spec.blocks.length);
  }
  if (spec.finalNorm) h = ops.layerNorm(h, src(`${M}norm.weight`), src(`${M}norm.bias`), VIT_LN_EPS);

  const n = spec.summaryIdxs.length;
  const summaryTokens = g.node('Gather', [h, ops.ints(spec.summaryIdxs)], { axis: attr.int(0) });
  g.node('Reshape', [summaryTokens, ops.ints([1, n * D])], {}, 'summary');
  g.output('summary', 'float', [1, n * D]);
  const outputs: { -readonly [K in keyof EncoderOutputs]: EncoderOutputs[K] } = {
    summary: [1, n * D],
    features: [1, N, D],
  };

  let feats = ops.rows(h, T, L);
  if (spec.featureNormalizer) {
    // PHI-S (feature_normalizer.py): (x - mean) @ txᵀ.
    const centred = g.node('Sub', [feats, em.float32(src(`${P}feature_normalizer.mean`))]);
    feats = em.linear(centred, src(`${P}feature_normalizer.tx`), undefined, { quantize: false });
  }
  g.node('Reshape', [feats, ops.ints([1, N, D])], {}, 'features');
  g.output('features', 'float', [1, N, D]);

  if (o.language) {
    // One pass of head_mlp over [its class token; every patch token]: the summary-space projection of
    // the patches is the dense text alignment of specs/radio.md §4.
    const a = o.language;
    const token = ops.rows(h, a.tokenIndex, a.tokenIndex + 1);
    const both = emitMlp(ops, ckpt, a.head, g.node('Concat', [token, feats], { axis: attr.int(0) }));
    const C = a.head.outputDim;
    g.node('Reshape', [ops.rows(both, 0, 1), ops.ints([1, C])], {}, 'text_summary');
    g.node('Reshape', [ops.rows(both, 1, N + 1), ops.ints([1, N, C])], {}, 'text_dense');
    g.output('text_dense', 'float', [1, N, C]);
    g.output('text_summary', 'float', [1, C]);
    outputs.text_dense = [1, N, C];
    outputs.text_summary = [1, C];
  }
  if (o.sam) {
    const f = o.sam.feat;
    const u = f.upsampleFactor;
    const C = f.outputDim / (u * u);
    const tokens = upsampleTokens(ops, emitMlp(ops, ckpt, f, feats), rows, cols, u, C);
    g.node('Reshape', [tokens, ops.ints([1, N * u * u, C])], {}, 'sam_features');
    g.output('sam_features', 'float', [1, N * u * u, C]);
    outputs.sam_features = [1, N * u * u, C];
  }
  return outputs;
}

/** timm Block: x + ls1(attn(norm1(x))), then x + ls2(mlp(norm2(x))); exact GELU; LN eps 1e-6. */
function emitBlock(
  ops: GraphOps,
  ckpt: Checkpoint,
  spec: RadioSpec,
  b: BlockSpec,
  x: string,
  L: number,
): string {
  const { g, em } = ops;
  const D = spec.embedDim;
  const H = spec.numHeads;
  const hd = D / H;
  const t = (name: string) => ckpt.source(`${b.prefix}${name}`);
  const opt = (name: string) => (ckpt.has(`${b.prefix}${name}`) ? t(name) : undefined);
  const q8 = { quantize: true };

  const n1 = ops.layerNorm(x, t('norm1.weight'), t('norm1.bias'), VIT_LN_EPS, b.lnScale);
  const qkv = em.linear(n1, t('attn.qkv.weight'), b.qkvBias ? t('attn.qkv.bias') : undefined, q8);
  const heads = ops.transpose(ops.reshape(qkv, [L, 3, H, hd]), [1, 2, 0, 3]); // [3, H, L, hd]
  const parts = ['q', 'k', 'v'].map((s) => `${b.prefix}${s}`);
  g.nodeMulti('Split', [heads, ops.ints([1, 1, 1])], parts, { axis: attr.int(0) });
  const [q, k, v] = parts.map((s) => g.node('Squeeze', [s, ops.ints([0])])) as [string, string, string];
  const ctx = ops.attention(q, ops.transpose(k, [0, 2, 1]), v, hd);
  const merged = ops.reshape(ops.transpose(ctx, [1, 0, 2]), [L, D]);
  let attn = em.linear(merged, t('attn.proj.weight'), opt('attn.proj.bias'), q8);
  if (b.layerScale) attn = g.node('Mul', [attn, em.float32(ckpt.source(b.layerScale.ls1))]);
  const x1 = g.node('Add', [x, attn]);

  const n2 = ops.layerNorm(x1, t('norm2.weight'), t('norm2.bias'), VIT_LN_EPS, b.lnScale);
  let m = ops.geluErf(em.linear(n2, t('mlp.fc1.weight'), opt('mlp.fc1.bias'), q8));
  if (b.mlpNorm) m = ops.layerNorm(m, t('mlp.norm.weight'), t('mlp.norm.bias'), TORCH_LN_EPS);
  m = em.linear(m, t('mlp.fc2.weight'), opt('mlp.fc2.bias'), q8);
  if (b.layerScale) m = g.node('Mul', [m, em.float32(ckpt.source(b.layerScale.ls2))]);
  return g.node('Add', [x1, m]);
}
