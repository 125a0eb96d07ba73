import { attr, type GraphBuilder } from '../../onnx/graph-builder';
import { constFloats, constInts, layerNorm, linear } from '../../onnx/layers';
import { type SamDims } from './sam-config';
import { type Affine, type AttentionWeights, type SamWeights } from './sam-weights';

/**
 * segment-anything's TwoWayTransformer (modeling/transformer.py) as ONNX nodes. Its LayerNorms are
 * torch.nn.LayerNorm with the default eps 1e-5, which is what SAM was trained with; transformers' port
 * passes its config's 1e-6 to layer_norm1..4 instead (a difference far below float32 noise at width 256).
 */
export const TRANSFORMER_LAYER_NORM_EPS = 1e-5;

/** SAM's Attention: project, split heads, softmax(q·kᵀ/√d)·v, merge heads, out_proj. */
function attention(
  g: GraphBuilder,
  name: string,
  w: AttentionWeights,
  q: string,
  k: string,
  v: string,
  d: SamDims,
  internal: number,
): string {
  const h = d.hidden;
  const dh = internal / d.heads;
  const proj = (x: string, a: Affine, which: string): string =>
    linear(g, x, `${name}.${which}_proj`, a.weight, a.bias, h, internal);
  const split = constInts(g, 'heads_shape', [0, -1, d.heads, dh]);
  const toHeads = (x: string, perm: number[]): string =>
    g.node('Transpose', [g.node('Reshape', [x, split])], { perm: attr.ints(perm) });
  const qh = toHeads(proj(q, w.q, 'q'), [0, 2, 1, 3]); // [1, heads, Tq, dh]
  const kt = toHeads(proj(k, w.k, 'k'), [0, 2, 3, 1]); // [1, heads, dh, Tk]
  const vh = toHeads(proj(v, w.v, 'v'), [0, 2, 1, 3]); // [1, heads, Tk, dh]
  const logits = g.node('Div', [g.node('MatMul', [qh, kt]), constFloats(g, 'sqrt_dh', [Math.sqrt(dh)])]);
  const probs = g.node('Softmax', [logits], { axis: attr.int(-1) });
  const merged = g.node('Reshape', [
    g.node('Transpose', [g.node('MatMul', [probs, vh])], { perm: attr.ints([0, 2, 1, 3]) }),
    constInts(g, 'merge_shape', [0, -1, internal]),
  ]);
  return linear(g, merged, `${name}.out_proj`, w.out.weight, w.out.bias, internal, h);
}

/**
 * Returns [queries, keys] after the layers and the final token→image attention.
 * `tokens` [1, T, h] (output tokens + prompt embeddings, also the queries' positional term),
 * `keys` [1, S², h] (image embedding + dense prompt), `keyPe` [1, S², h] (the dense positional encoding).
 */
export function twoWayTransformer(
  g: GraphBuilder,
  d: SamDims,
  w: SamWeights['decoder'],
  tokens: string,
  imageKeys: string,
  keyPe: string,
): [queries: string, keys: string] {
  const cross = d.hidden / d.downsample;
  const eps = TRANSFORMER_LAYER_NORM_EPS;
  const add = (a: string, b: string): string => g.node('Add', [a, b]);
  const t = 'mask_decoder.transformer';
  let queries = tokens;
  let keys = imageKeys;
  w.layers.forEach((l, i) => {
    const p = `${t}.layers.${i}`;
    if (i === 0) {
      // skip_first_layer_pe: the first self-attention replaces the queries (no residual, no PE).
      queries = attention(g, `${p}.self_attn`, l.selfAttn, queries, queries, queries, d, d.hidden);
    } else {
      const q = add(queries, tokens);
      queries = add(queries, attention(g, `${p}.self_attn`, l.selfAttn, q, q, queries, d, d.hidden));
    }
    queries = layerNorm(g, queries, `${p}.layer_norm1`, l.norm1.weight, l.norm1.bias, eps);
    const k = add(keys, keyPe);
    const t2i = attention(
      g,
      `${p}.cross_attn_token_to_image`,
      l.crossTokenToImage,
      add(queries, tokens),
      k,
      keys,
      d,
      cross,
    );
    queries = layerNorm(g, add(queries, t2i), `${p}.layer_norm2`, l.norm2.weight, l.norm2.bias, eps);
    const hidden = g.node('Relu', [
      linear(g, queries, `${p}.mlp.lin1`, l.mlpLin1.weight, l.mlpLin1.bias, d.hidden, d.mlpDim),
    ]);
    const mlp = linear(g, hidden, `${p}.mlp.lin2`, l.mlpLin2.weight, l.mlpLin2.bias, d.mlpDim, d.hidden);
    queries = layerNorm(g, add(queries, mlp), `${p}.layer_norm3`, l.norm3.weight, l.norm3.bias, eps);
    // Image → token: the image (with its PE) asks, the updated tokens (with theirs) answer.
    const i2t = attention(
      g,
      `${p}.cross_attn_image_to_token`,
      l.crossImageToToken,
      k,
      add(queries, tokens),
      queries,
      d,
      cross,
    );
    keys = layerNorm(g, add(keys, i2t), `${p}.layer_norm4`, l.norm4.weight, l.norm4.bias, eps);
  });
  const final = attention(
    g,
    `${t}.final_attn_token_to_image`,
    w.finalAttn,
    add(queries, tokens),
    add(keys, keyPe),
    keys,
    d,
    cross,
  );
  queries = layerNorm(
    g,
    add(queries, final),
    `${t}.layer_norm_final_attn`,
    w.normFinal.weight,
    w.normFinal.bias,
    eps,
  );
  return [queries, keys];
}
