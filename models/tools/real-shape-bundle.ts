import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { attr, GraphBuilder, randomWeights } from '../../src-main/core/models/onnx/graph-builder';
import { seededRandom } from '../../src-main/core/random';

/**
 * A bundle with RADIO's real tensor shapes and random weights (tests and benches generate it into a temp
 * dir; never committed): 16-px patches, 512×512 input → 1024 patches, 768-d features, 1152-d text_dense
 * and text summary, 256-d SAM features, a 64-token int64 text tower → 1152-d, and a tiny mask decoder.
 */

export const REAL_SHAPE = {
  patchPx: 16,
  inputPx: 512,
  featureDims: 768,
  textDims: 1152,
  samDims: 256,
  textTokens: 64,
} as const;

const VOCAB = [
  '<pad>',
  '<unk>',
  ...'a an the of photo picture image cat dog car person tree sky road building grass water red green blue'.split(
    ' ',
  ),
];

function encoder(): Uint8Array {
  const { patchPx: p, inputPx, featureDims: C, textDims: T, samDims: S } = REAL_SHAPE;
  const grid = inputPx / p;
  const rand = seededRandom(1);
  const g = new GraphBuilder('real_shape_encoder');
  const x = g.input('pixel_values', 'float', [1, 3, inputPx, inputPx]);
  const patches = g.node(
    'Conv',
    [x, g.init('patch_w', randomWeights(C * 3 * p * p, 0.05, rand), [C, 3, p, p])],
    {
      kernel_shape: attr.ints([p, p]),
      strides: attr.ints([p, p]),
    },
  );
  const flat = g.node('Reshape', [patches, g.ints('tokens_shape', [1, C, grid * grid])]);
  const tokens = g.node('Transpose', [flat], { perm: attr.ints([0, 2, 1]) }, 'features');
  const lang = g.init('lang_head_w', randomWeights(C * T, 0.05, rand), [C, T]);
  g.node('MatMul', [tokens, lang], {}, 'text_dense');
  const summary = g.node('ReduceMean', [tokens], { axes: attr.ints([1]), keepdims: attr.int(0) }, 'summary');
  g.node('MatMul', [summary, lang], {}, 'text_summary');
  g.node(
    'Conv',
    [patches, g.init('sam_w', randomWeights(S * C, 0.05, rand), [S, C, 1, 1])],
    {},
    'sam_features',
  );
  g.output('summary', 'float', [1, C]);
  g.output('features', 'float', [1, grid * grid, C]);
  g.output('text_dense', 'float', [1, grid * grid, T]);
  g.output('text_summary', 'float', [1, T]);
  g.output('sam_features', 'float', [1, S, grid, grid]);
  return g.toBytes({ producer: 'radiolabel-tests', doc: 'RADIO-shaped encoder with random weights' });
}

function textTower(): Uint8Array {
  const { textDims: T, textTokens: L } = REAL_SHAPE;
  const g = new GraphBuilder('real_shape_text');
  const ids = g.input('input_ids', 'int64', ['batch', L]);
  const mask = g.input('attention_mask', 'int64', ['batch', L]);
  const table = g.init('token_table', randomWeights(VOCAB.length * T, 1, seededRandom(2)), [VOCAB.length, T]);
  const emb = g.node('Gather', [table, ids], { axis: attr.int(0) });
  const m = g.node('Unsqueeze', [g.node('Cast', [mask], { to: attr.int(1) }), g.ints('mask_axes', [2])]);
  g.node(
    'ReduceSum',
    [g.node('Mul', [emb, m]), g.ints('sum_axes', [1])],
    { keepdims: attr.int(0) },
    'pooler_output',
  );
  g.output('pooler_output', 'float', ['batch', T]);
  return g.toBytes({
    producer: 'radiolabel-tests',
    doc: 'text tower with RADIO/SigLIP2 shapes, random weights',
  });
}

/** SAM-like interface: image embeddings + point prompts → a low-res mask logit map and a score. */
function maskDecoder(): Uint8Array {
  const { samDims: S, inputPx, patchPx } = REAL_SHAPE;
  const grid = inputPx / patchPx;
  const g = new GraphBuilder('real_shape_mask_decoder');
  const emb = g.input('image_embeddings', 'float', [1, S, grid, grid]);
  const coords = g.input('point_coords', 'float', [1, 'points', 2]);
  g.input('point_labels', 'float', [1, 'points']);
  const logits = g.node('Conv', [
    emb,
    g.init('mask_w', randomWeights(S, 0.1, seededRandom(3)), [1, S, 1, 1]),
  ]);
  const shift = g.node('ReduceMean', [coords], { axes: attr.ints([1, 2]), keepdims: attr.int(0) });
  const scale = g.floats('upsample_scales', [1, 1, 4, 4]);
  const up = g.node('Resize', [logits, '', scale], { mode: attr.string('linear') });
  const masks = g.node('Add', [up, g.node('Mul', [shift, g.floats('shift_w', [0.001])])], {}, 'masks');
  g.node('ReduceMean', [masks], { axes: attr.ints([2, 3]), keepdims: attr.int(0) }, 'iou_predictions');
  g.output('masks', 'float', [1, 1, grid * 4, grid * 4]);
  g.output('iou_predictions', 'float', [1, 1]);
  return g.toBytes({ producer: 'radiolabel-tests', doc: 'SAM-shaped toy mask decoder' });
}

function tokenizerJson(): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: '<pad>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 1,
        content: '<unk>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])), unk_token: '<unk>' },
  });
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Writes the bundle into `dir` (created) and returns its manifest object. */
export function writeRealShapeBundle(dir: string, id = 'real-shape'): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  const files = { 'encoder.onnx': encoder(), 'text.onnx': textTower(), 'mask_decoder.onnx': maskDecoder() };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
  const tok = tokenizerJson();
  writeFileSync(path.join(dir, 'tokenizer.json'), tok);
  const { patchPx, inputPx, textDims, textTokens } = REAL_SHAPE;
  const manifest = {
    format_version: 1,
    id,
    name: 'RADIO-shaped test bundle (random weights)',
    license: 'test only',
    source_url: 'models/tools/real-shape-bundle.ts',
    encoder: {
      file: 'encoder.onnx',
      sha256: sha(files['encoder.onnx']),
      input: { name: 'pixel_values', normalized_in_graph: true },
      patch_size: patchPx,
      resolution: { kind: 'fixed', width: inputPx, height: inputPx },
      outputs: {
        summary: { name: 'summary' },
        features: { name: 'features', layout: 'NLC' },
        text_dense: { name: 'text_dense', layout: 'NLC' },
        text_summary: { name: 'text_summary' },
        sam_features: { name: 'sam_features', layout: 'NCHW' },
      },
    },
    text: {
      file: 'text.onnx',
      sha256: sha(files['text.onnx']),
      tokenizer: 'tokenizer.json',
      tokenizer_sha256: sha(tok),
      input_ids: 'input_ids',
      attention_mask: 'attention_mask',
      output: 'pooler_output',
      max_length: textTokens,
      padding: 'max_length',
      pad_token_id: 0,
      templates: ['a photo of a {}.', 'an image of the {}.'],
      dim: textDims,
    },
    mask_decoder: {
      file: 'mask_decoder.onnx',
      sha256: sha(files['mask_decoder.onnx']),
      inputs: {
        image_embeddings: 'image_embeddings',
        point_coords: 'point_coords',
        point_labels: 'point_labels',
      },
      outputs: { masks: 'masks', scores: 'iou_predictions' },
      input_size: 1024,
    },
  };
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
