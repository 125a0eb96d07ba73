import { createHash } from 'node:crypto';
import { attr, GraphBuilder } from '../../src-main/core/models/onnx/graph-builder';
import { CONCEPTS, PROTOTYPES, WORDS } from './colour-concepts';

/**
 * Builds the starter bundle ("Starter — colour & texture (not semantic)") in memory. Deterministic: the
 * same code gives the same bytes, which a test checks against the committed files.
 */

export const STARTER_PATCH_PX = 16;
/** Softmax temperature on squared opponent-space distances: small = crisp colour names per pixel. */
const TEMPERATURE = 0.01;

/** sRGB → opponent space (lightness, red–green, yellow–blue), chroma weighted up so hue dominates. */
const OPPONENT = [
  [1 / 3, 1 / 3, 1 / 3],
  [0.75, -0.75, 0],
  [0.375, 0.375, -0.75],
] as const;

function toOpponent(rgb: readonly [number, number, number]): [number, number, number] {
  const [r, g, b] = rgb;
  const row = (w: readonly [number, number, number]): number => w[0] * r + w[1] * g + w[2] * b;
  return [row(OPPONENT[0]), row(OPPONENT[1]), row(OPPONENT[2])];
}

/** Per-channel weights of the 24 feature channels (see buildEncoder for the channel order). */
const FEATURE_WEIGHTS = [
  ...[1, 1.5, 1.5], // patch mean colour
  ...[0.5, 0.75, 0.75], // 3×3-patch context colour (second scale)
  ...[1.5, 1.5, 1.5], // colour spread inside the patch
  ...[2, 2], // fine gradient energy (x, y)
  ...[2, 2], // coarse gradient energy (x, y), half resolution
  ...CONCEPTS.map(() => 0.5), // colour-name membership
];
export const STARTER_FEATURE_DIMS = FEATURE_WEIGHTS.length;

function toNlc(g: GraphBuilder, nchw: string, channels: number, outName: string): string {
  const flat = g.node('Reshape', [nchw, g.ints(`${outName}_shape`, [0, channels, -1])]);
  return g.node('Transpose', [flat], { perm: attr.ints([0, 2, 1]) }, outName);
}

function sobel(g: GraphBuilder, prefix: string, luminance: string): string {
  const gx = [-1, 0, 1, -2, 0, 2, -1, 0, 1].map((v) => v / 8);
  const gy = [-1, -2, -1, 0, 0, 0, 1, 2, 1].map((v) => v / 8);
  const w = g.floats(`${prefix}_sobel_w`, [...gx, ...gy], [2, 1, 3, 3]);
  return g.node('Conv', [luminance, w], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
}

function pool(g: GraphBuilder, x: string, kernel: number, stride: number, pad = 0): string {
  return g.node('AveragePool', [x], {
    kernel_shape: attr.ints([kernel, kernel]),
    strides: attr.ints([stride, stride]),
    pads: attr.ints([pad, pad, pad, pad]),
    count_include_pad: attr.int(0),
  });
}

export function buildEncoder(): Uint8Array {
  const g = new GraphBuilder('starter_encoder');
  const p = STARTER_PATCH_PX;
  const x = g.input('pixel_values', 'float', [1, 3, 'height', 'width']);

  const opp = g.node('Conv', [x, g.floats('opponent_w', OPPONENT.flat(), [3, 3, 1, 1])], {
    kernel_shape: attr.ints([1, 1]),
  });

  // Colour names per pixel: softmax over prototypes of -|o - p|²/T, then summed per concept and averaged
  // per patch = the fraction of the patch that has each colour. The softmax is spelled out with 1×1 convs
  // (ORT's Softmax on the channel axis of NCHW is ~20× slower), and the concept sum runs after pooling
  // (both are linear, so they commute).
  const protoW: number[] = [];
  const protoB: number[] = [];
  for (const proto of PROTOTYPES) {
    const o = toOpponent(proto.rgb);
    protoW.push(...o.map((v) => (2 * v) / TEMPERATURE));
    protoB.push(-(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]) / TEMPERATURE);
  }
  // Named at half resolution (2×2 pixel means): 4× cheaper, and the patch fractions barely change.
  const oppHalf = pool(g, opp, 2, 2);
  const halfSquared = g.node('Mul', [oppHalf, oppHalf]);
  const crossTerms = g.node('Conv', [
    oppHalf,
    g.floats('prototype_w', protoW, [PROTOTYPES.length, 3, 1, 1]),
    g.floats('prototype_b', protoB),
  ]);
  const normTerm = g.node('Conv', [
    halfSquared,
    g.floats(
      'norm_w',
      [1, 1, 1].map((v) => v / TEMPERATURE),
      [1, 3, 1, 1],
    ),
  ]);
  const negDistance = g.node('Sub', [crossTerms, normTerm]); // -|o - p|²/T ≤ 0, so Exp cannot overflow
  const weights = g.node('Exp', [negDistance]);
  const total = g.node('Conv', [
    weights,
    g.floats(
      'ones_w',
      PROTOTYPES.map(() => 1),
      [1, PROTOTYPES.length, 1, 1],
    ),
  ]);
  const protoProb = g.node('Div', [weights, g.node('Add', [total, g.floats('tiny', [1e-30])])]);
  const sumW = CONCEPTS.flatMap((c) => PROTOTYPES.map((proto) => (proto.concept === c ? 1 : 0)));
  const membership = g.node('Conv', [
    pool(g, protoProb, p / 2, p / 2),
    g.floats('concept_w', sumW, [CONCEPTS.length, PROTOTYPES.length, 1, 1]),
  ]);

  // Colour at two scales, and its spread inside the patch.
  const colourMean = pool(g, opp, p, p);
  const colourContext = pool(g, opp, 3 * p, p, p);
  const meanOfSquares = pool(g, g.node('Mul', [opp, opp]), p, p);
  const variance = g.node('Relu', [g.node('Sub', [meanOfSquares, g.node('Mul', [colourMean, colourMean])])]);
  const colourSpread = g.node('Sqrt', [variance]);

  // Texture: gradient energy of the lightness at full and half resolution.
  const lightness = g.node('Slice', [
    opp,
    g.ints('l_start', [0]),
    g.ints('l_end', [1]),
    g.ints('l_axis', [1]),
  ]);
  const fine = sobel(g, 'fine', lightness);
  const fineEnergy = g.node('Sqrt', [pool(g, g.node('Mul', [fine, fine]), p, p)]);
  const half = pool(g, lightness, 2, 2);
  const coarse = sobel(g, 'coarse', half);
  const coarseEnergy = g.node('Sqrt', [pool(g, g.node('Mul', [coarse, coarse]), p / 2, p / 2)]);

  const raw = g.node(
    'Concat',
    [colourMean, colourContext, colourSpread, fineEnergy, coarseEnergy, membership],
    {
      axis: attr.int(1),
    },
  );
  const weighted = g.node('Mul', [
    raw,
    g.floats('feature_w', FEATURE_WEIGHTS, [1, FEATURE_WEIGHTS.length, 1, 1]),
  ]);
  // Centre per image so that cosine similarity between patches discriminates (all raw channels are ≥ 0).
  const imageMean = g.node('ReduceMean', [weighted], { axes: attr.ints([2, 3]), keepdims: attr.int(1) });
  const centred = g.node('Sub', [weighted, imageMean]);

  toNlc(g, centred, STARTER_FEATURE_DIMS, 'features');
  toNlc(g, membership, CONCEPTS.length, 'text_dense');
  g.node('Flatten', [imageMean], { axis: attr.int(1) }, 'summary');
  g.node('Flatten', [g.node('GlobalAveragePool', [membership])], { axis: attr.int(1) }, 'text_summary');

  g.output('summary', 'float', [1, STARTER_FEATURE_DIMS]);
  g.output('features', 'float', [1, 'patches', STARTER_FEATURE_DIMS]);
  g.output('text_dense', 'float', [1, 'patches', CONCEPTS.length]);
  g.output('text_summary', 'float', [1, CONCEPTS.length]);
  return g.toBytes({
    producer: 'radiolabel-starter',
    doc: 'Starter encoder: colour (opponent space, colour-name prototypes) and texture (gradient energy) per 16-px patch. Not semantic.',
    metadata: { 'radiolabel.input': 'RGB float32 NCHW in [0,1]', 'radiolabel.normalization': 'none needed' },
  });
}

export const STARTER_VOCAB: readonly string[] = ['[PAD]', '[UNK]', ...WORDS.map((w) => w.word)];

export function buildTextTower(): Uint8Array {
  const g = new GraphBuilder('starter_text');
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const table = new Float32Array(STARTER_VOCAB.length * CONCEPTS.length);
  WORDS.forEach((w, i) => {
    const row = (i + 2) * CONCEPTS.length;
    CONCEPTS.forEach((c, k) => {
      table[row + k] = w.weights[c] ?? 0;
    });
  });
  const emb = g.node('Gather', [g.init('word_table', table, [STARTER_VOCAB.length, CONCEPTS.length]), ids], {
    axis: attr.int(0),
  });
  g.node('ReduceSum', [emb, g.ints('sum_axes', [1])], { keepdims: attr.int(0) }, 'text_embeds');
  g.output('text_embeds', 'float', ['batch', CONCEPTS.length]);
  return g.toBytes({
    producer: 'radiolabel-starter',
    doc: 'Starter text tower: colour words → colour-name weights.',
  });
}

export function buildTokenizerJson(): string {
  const special = (id: number, content: string): Record<string, unknown> => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordLevel',
      vocab: Object.fromEntries(STARTER_VOCAB.map((w, i) => [w, i])),
      unk_token: '[UNK]',
    },
  };
  return `${JSON.stringify(tokenizer, null, 2)}\n`;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** All files of the bundle, by file name. */
export function buildStarterBundle(): Map<string, Uint8Array> {
  const encoder = buildEncoder();
  const text = buildTextTower();
  const tokenizer = new TextEncoder().encode(buildTokenizerJson());
  const manifest = {
    format_version: 1,
    id: 'starter',
    name: 'Starter — colour & texture (not semantic)',
    license: 'MIT',
    source_url: 'models/starter/generate.ts (generated, no training data)',
    description:
      'A tiny hand-built model so that the app works offline. It knows colours and textures, not objects: ' +
      '"red" finds red regions and a click selects a region of similar colour and texture. Install a RADIO bundle for semantics.',
    is_starter: true,
    execution_providers: ['cpu'],
    encoder: {
      file: 'encoder.onnx',
      sha256: sha(encoder),
      input: { name: 'pixel_values', range: [0, 1], normalized_in_graph: true },
      patch_size: STARTER_PATCH_PX,
      resolution: { kind: 'short_side', short_side: 512, step: STARTER_PATCH_PX, max: 1024 },
      outputs: {
        summary: { name: 'summary' },
        features: { name: 'features', layout: 'NLC' },
        text_dense: { name: 'text_dense', layout: 'NLC' },
        text_summary: { name: 'text_summary' },
      },
    },
    text: {
      file: 'text.onnx',
      sha256: sha(text),
      tokenizer: 'tokenizer.json',
      tokenizer_sha256: sha(tokenizer),
      input_ids: 'input_ids',
      output: 'text_embeds',
      max_length: 16,
      padding: 'longest',
      pad_token_id: 0,
      canonicalize: { lowercase: true, strip_punctuation: true, underscore_to_space: true },
      templates: ['{}', 'a photo of a {} thing'],
      dim: CONCEPTS.length,
      unknown_tokens: 'error',
    },
  };
  return new Map([
    ['encoder.onnx', encoder],
    ['text.onnx', text],
    ['tokenizer.json', tokenizer],
    ['manifest.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)],
  ]);
}
