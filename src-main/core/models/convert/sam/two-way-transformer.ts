import { attr, type GraphBuilder } from '../../onnx/graph-builder';
import { attention as attend, type Constants, layerNormalization, linear } from '../../onnx/layers';
import { type SamDims } from './sam-config';
import { type Affine, type AttentionWeights, type Norm, type SamWeights } from './sam-weights';

/**
 * segment-anything's TwoWayTransformer (modeling/transformer.py) as ONNX nodes. Its LayerNorms are
 * torch.nn.LayerNorm with the default eps 1e-5, which is what SAM was trained with; transformers' port
 * passes its config's 1e-6 to layer_norm1..4 instead (a difference far below float32 noise at width 256).
 */
export const TRANSFORMER_LAYER_NORM_EPS = 1e-5;

/** SAM's Attention: project, split heads, softmax(q·kᵀ/√d)·v, merge heads, out_proj. */
function attention(
  g: GraphBuilder,
  c: Constants,
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
  const split = c.ints([0, -1, d.heads, dh]);
  const toHeads = (x: string, perm: number[]): string =>
    g.node('Transpose', [g.node('Reshape', [x, split])], { perm: attr.ints(perm) });
  const qh = toHeads(proj(q, w.q, 'q'), [0, 2, 1, 3]); // [1, heads, Tq, dh]
  const kt = toHeads(proj(k, w.k, 'k'), [0, 2, 3, 1]); // [1, heads, dh, Tk]
  const vh = toHeads(proj(v, w.v, 'v'), [0, 2, 1, 3]); // [1, heads, Tk, dh]
  const merged = g.node('Reshape', [
    g.node('Transpose', [attend(g, c, qh, kt, vh, dh)], { perm: attr.ints([0, 2, 1, 3]) }),
    c.ints([0, -1, internal]),
  ]);
  return linear(g, merged, `${name}.out_proj`, w.out.weight, w.out.bias, internal, h);
}

/** torch.nn.LayerNorm with the checkpoint's weight and bias stored in the graph. */
function layerNorm(g: GraphBuilder, x: string, name: string, a: Norm, eps: number): string {
  const n = a.weight.length;
  return layerNormalization(
    g,
    x,
    g.init(`${name}.weight`, a.weight, [n]),
    g.init(`${name}.bias`, a.bias, [n]),
    eps,
  );
}

/**
 * Returns [queries, keys] after the layers and the final token→image attention.
 * `tokens` [1, T, h] (output tokens + prompt embeddings, also the queries' positional term),
 * `keys` [1, S², h] (image embedding + dense prompt), `keyPe` [1, S², h] (the dense positional encoding).
 */
export function twoWayTransformer(
  g: GraphBuilder,
  c: Constants,
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
      queries = attention(g, c, `${p}.self_attn`, l.selfAttn, queries, queries, queries, d, d.hidden);
    } else {
      const q = add(queries, tokens);
      queries = add(queries, attention(g, c, `${p}.self_attn`, l.selfAttn, q, q, queries, d, d.hidden));
    }
    queries = layerNorm(g, queries, `${p}.layer_norm1`, l.norm1, eps);
    const k = add(keys, keyPe);
    const t2i = attention(
      g,
      c,
      `${p}.cross_attn_token_to_image`,
      l.crossTokenToImage,
      add(queries, tokens),
      k,
      keys,
      d,
      cross,
    );
    queries = layerNorm(g, add(queries, t2i), `${p}.layer_norm2`, l.norm2, eps);
    const hidden = g.node('Relu', [
      linear(g, queries, `${p}.mlp.lin1`, l.mlpLin1.weight, l.mlpLin1.bias, d.hidden, d.mlpDim),
    ]);
    const mlp = linear(g, hidden, `${p}.mlp.lin2`, l.mlpLin2.weight, l.mlpLin2.bias, d.mlpDim, d.hidden);
    queries = layerNorm(g, add(queries, mlp), `${p}.layer_norm3`, l.norm3, eps);
    // Image → token: the image (with its PE) asks, the updated tokens (with theirs) answer.
    const i2t = attention(
      g,
      c,
      `${p}.cross_attn_image_to_token`,
      l.crossImageToToken,
      k,
      add(queries, tokens),
      queries,
      d,
      cross,
    );
    keys = layerNorm(g, add(keys, i2t), `${p}.layer_norm4`, l.norm4, eps);
  });
  const final = attention(
    g,
    c,
    `${t}.final_attn_token_to_image`,
    w.finalAttn,
    add(queries, tokens),
    add(keys, keyPe),
    keys,
    d,
    cross,
  );
  queries = layerNorm(g, add(queries, final), `${t}.layer_norm_final_attn`, w.normFinal, eps);
  return [queries, keys];
}
