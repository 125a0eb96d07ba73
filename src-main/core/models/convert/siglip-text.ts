import { z } from 'zod';
import { attr, DataType } from '../onnx/graph-builder';
import { type Checkpoint, CheckpointError, parseWith } from './checkpoint';
import type { GraphOps } from './graph-ops';

/**
 * The SigLIP / SigLIP2 text tower as transformers writes it (models/siglip/modeling_siglip.py and siglip2/modeling_siglip2.py,
 * `SiglipTextTransformer`): token + position embeddings → pre-LN encoder layers (q/k/v/out projections
 * with bias, MLP with `hidden_act`) → final LayerNorm → the LAST position's state → `head` Linear. The
 * pooled output is `pooler_output`, what RADIO's siglip2 adaptor uses as the text embedding.
 */

const textConfigSchema = z
  .object({
    vocab_size: z.number().int().positive(),
    hidden_size: z.number().int().positive(),
    intermediate_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive(),
    hidden_act: z.string(),
    layer_norm_eps: z.number().positive(),
    projection_size: z.number().int().positive().nullable(),
  })
  .partial()
  .passthrough();

export const siglipConfigSchema = z
  .object({
    model_type: z.string().optional(),
    text_config: textConfigSchema.nullable().optional(),
  })
  .passthrough();

export interface SiglipTextSpec {
  readonly vocabSize: number;
  readonly hidden: number;
  readonly intermediate: number;
  readonly layers: number;
  readonly heads: number;
  readonly maxPositions: number;
  readonly act: 'tanh' | 'erf';
  readonly eps: number;
  readonly projection: number;
}

export const TEXT_PREFIX = 'text_model.';
export const TEXT_INPUT_IDS = 'input_ids';
export const TEXT_ATTENTION_MASK = 'attention_mask';
export const TEXT_OUTPUT = 'text_embeds';

// Siglip(2)TextConfig defaults (configuration_siglip*.py): configs on the hub omit fields left at them.
const DEFAULTS = { num_attention_heads: 12, hidden_act: 'gelu_pytorch_tanh', layer_norm_eps: 1e-6 };
const ACTS: Readonly<Record<string, 'tanh' | 'erf'>> = {
  gelu_pytorch_tanh: 'tanh',
  gelu_new: 'tanh',
  gelu_fast: 'tanh',
  gelu: 'erf',
};
const LAYER_TENSORS = [
  'layer_norm1.weight',
  'layer_norm1.bias',
  'self_attn.q_proj.weight',
  'self_attn.q_proj.bias',
  'self_attn.k_proj.weight',
  'self_attn.k_proj.bias',
  'self_attn.v_proj.weight',
  'self_attn.v_proj.bias',
  'self_attn.out_proj.weight',
  'self_attn.out_proj.bias',
  'layer_norm2.weight',
  'layer_norm2.bias',
  'mlp.fc1.weight',
  'mlp.fc1.bias',
  'mlp.fc2.weight',
  'mlp.fc2.bias',
];

export function inspectSiglipText(configJson: unknown, configFile: string, ckpt: Checkpoint): SiglipTextSpec {
  const config = parseWith(siglipConfigSchema, configJson, configFile);
  const type = config.model_type ?? '';
  let text: z.infer<typeof textConfigSchema>;
  if (type === 'siglip' || type === 'siglip2') text = config.text_config ?? {};
  else if (type === 'siglip_text_model' || type === 'siglip2_text_model') {
    text = parseWith(textConfigSchema, configJson, configFile);
  } else {
    throw new CheckpointError(
      configFile,
      `model_type: "${type}" is not a SigLIP/SigLIP2 model (siglip, siglip2, siglip_text_model, siglip2_text_model)`,
    );
  }
  const field = type.endsWith('text_model') ? '' : 'text_config.';
  const shape = (name: string): readonly number[] => {
    if (!ckpt.has(`${TEXT_PREFIX}${name}`))
      throw new CheckpointError(ckpt.label, `missing tensor "${TEXT_PREFIX}${name}"`);
    return ckpt.shape(`${TEXT_PREFIX}${name}`);
  };
  const [vocabSize, hidden] = shape('embeddings.token_embedding.weight') as [number, number];
  const [maxPositions] = shape('embeddings.position_embedding.weight') as [number];
  const [intermediate] = shape('encoder.layers.0.mlp.fc1.weight') as [number];
  const [projection] = shape('head.weight') as [number];
  let layers = 0;
  while (ckpt.has(`${TEXT_PREFIX}encoder.layers.${layers}.layer_norm1.weight`)) layers++;
  for (let i = 0; i < layers; i++) for (const t of LAYER_TENSORS) shape(`encoder.layers.${i}.${t}`);
  for (const t of ['final_layer_norm.weight', 'final_layer_norm.bias', 'head.bias']) shape(t);
  const check = (key: keyof typeof text, got: number): void => {
    const want = text[key];
    if (typeof want === 'number' && want !== got) {
      throw new CheckpointError(configFile, `${field}${key} is ${want}, but the weights say ${got}`);
    }
  };
  check('vocab_size', vocabSize);
  check('hidden_size', hidden);
  check('intermediate_size', intermediate);
  check('num_hidden_layers', layers);
  check('max_position_embeddings', maxPositions);
  check('projection_size', projection);
  const heads = text.num_attention_heads ?? DEFAULTS.num_attention_heads;
  if (hidden % heads !== 0)
    throw new CheckpointError(
      configFile,
      `${field}num_attention_heads ${heads} does not divide hidden size ${hidden}`,
    );
  const actName = text.hidden_act ?? DEFAULTS.hidden_act;
  const act = ACTS[actName];
  if (!act)
    throw new CheckpointError(
      configFile,
      `${field}hidden_act "${actName}" is not supported (${Object.keys(ACTS).join(', ')})`,
    );
  return {
    vocabSize,
    hidden,
    intermediate,
    layers,
    heads,
    maxPositions,
    act,
    eps: text.layer_norm_eps ?? DEFAULTS.layer_norm_eps,
    projection,
  };
}

/**
 * The text graph: int64 `input_ids` [batch, seq] (seq fixed at the manifest's max_length; the pooled
 * state is the last position's), optional `attention_mask` (only when the tokenizer hands one to the
 * model: SigLIP2's does not), output `text_embeds` [batch, projection].
 */
export async function emitSiglipText(
  ops: GraphOps,
  ckpt: Checkpoint,
  spec: SiglipTextSpec,
  seq: number,
  useMask: boolean,
  onLayer: (done: number, total: number) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const { g, em } = ops;
  if (seq > spec.maxPositions) {
    throw new CheckpointError(
      ckpt.label,
      `text length ${seq} exceeds the ${spec.maxPositions} position embeddings`,
    );
  }
  const D = spec.hidden;
  const H = spec.heads;
  const hd = D / H;
  const t = (name: string) => ckpt.source(`${TEXT_PREFIX}${name}`);
  const ids = g.input(TEXT_INPUT_IDS, 'int64', ['batch', seq]);
  let mask: string | undefined;
  if (useMask) {
    // _prepare_4d_attention_mask: 0 where attended, float32 min where masked, broadcast over heads/queries.
    const m = g.input(TEXT_ATTENTION_MASK, 'int64', ['batch', seq]);
    const inverted = g.node('Sub', [ops.scalar(1), g.node('Cast', [m], { to: attr.int(DataType.float) })]);
    mask = ops.reshape(g.node('Mul', [inverted, ops.scalar(-3.4028234663852886e38)]), [-1, 1, 1, seq]);
  }
  const positions = t('embeddings.position_embedding.weight');
  // Rows [0, seq) of the position table (position_ids[:, :seq]).
  const pos = em.constant({ label: positions.label, shape: [seq, D], read: (s, c) => positions.read(s, c) }, [
    seq,
    D,
  ]);
  const emb = g.node('Add', [em.gather(ids, t('embeddings.token_embedding.weight')), pos]);
  let h = ops.reshape(emb, [-1, D]); // [batch·seq, D]
  const q8 = { quantize: true };
  for (let i = 0; i < spec.layers; i++) {
    const l = (name: string) => t(`encoder.layers.${i}.${name}`);
    const n1 = ops.layerNorm(h, l('layer_norm1.weight'), l('layer_norm1.bias'), spec.eps);
    const proj = (name: string) =>
      em.linear(n1, l(`self_attn.${name}.weight`), l(`self_attn.${name}.bias`), q8);
    const split = (x: string) => ops.reshape(x, [-1, seq, H, hd]);
    const q = ops.transpose(split(proj('q_proj')), [0, 2, 1, 3]);
    const kT = ops.transpose(split(proj('k_proj')), [0, 2, 3, 1]);
    const v = ops.transpose(split(proj('v_proj')), [0, 2, 1, 3]);
    const ctx = ops.reshape(ops.transpose(ops.attention(q, kT, v, hd, mask), [0, 2, 1, 3]), [-1, D]);
    h = g.node('Add', [h, em.linear(ctx, l('self_attn.out_proj.weight'), l('self_attn.out_proj.bias'), q8)]);
    const n2 = ops.layerNorm(h, l('layer_norm2.weight'), l('layer_norm2.bias'), spec.eps);
    const f1 = em.linear(n2, l('mlp.fc1.weight'), l('mlp.fc1.bias'), q8);
    const act = spec.act === 'tanh' ? ops.geluTanh(f1) : ops.geluErf(f1);
    h = g.node('Add', [h, em.linear(act, l('mlp.fc2.weight'), l('mlp.fc2.bias'), q8)]);
    await onLayer(i + 1, spec.layers);
  }
  const last = ops.reshape(
    ops.layerNorm(h, t('final_layer_norm.weight'), t('final_layer_norm.bias'), spec.eps),
    [-1, seq, D],
  );
  // "The model uses the last token's hidden state, which may be padding" (transformers' own comment).
  const pooled = ops.reshape(g.node('Gather', [last, ops.ints([seq - 1])], { axis: attr.int(1) }), [-1, D]);
  g.node(
    'Identity',
    [em.linear(pooled, t('head.weight'), t('head.bias'), { quantize: false })],
    {},
    TEXT_OUTPUT,
  );
  g.output(TEXT_OUTPUT, 'float', ['batch', spec.projection]);
}
