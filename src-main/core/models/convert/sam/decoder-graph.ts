import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { Constants, conv2d, convTranspose2d, geluErf, linear } from '../../onnx/layers';
import { samLayerNorm2d } from './neck-graph';
import { type SamDims } from './sam-config';
import { type Affine, type SamWeights } from './sam-weights';
import { twoWayTransformer } from './two-way-transformer';

/** Tensor names of the decoder graph: segment-anything's ONNX export names (scripts/export_onnx_model.py). */
export const DECODER_IO = {
  imageEmbeddings: 'image_embeddings',
  pointCoords: 'point_coords',
  pointLabels: 'point_labels',
  maskInput: 'mask_input',
  hasMaskInput: 'has_mask_input',
  masks: 'low_res_masks',
  scores: 'iou_predictions',
} as const;

/**
 * SAM's dense positional encoding of the S×S embedding grid (PositionEmbeddingRandom.forward), computed
 * here in float64: cell (i, j) sits at ((j + ½)/S, (i + ½)/S); returned token-major [S·S, 2F] with
 * channels [sin(2π·c·G), cos(2π·c·G)], c = 2·xy − 1.
 */
export function densePositionalEncoding(
  gaussian: Float32Array,
  numPosFeats: number,
  side: number,
): Float32Array {
  const F = numPosFeats;
  const out = new Float32Array(side * side * 2 * F);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const cx = 2 * ((j + 0.5) / side) - 1;
      const cy = 2 * ((i + 0.5) / side) - 1;
      const base = (i * side + j) * 2 * F;
      for (let f = 0; f < F; f++) {
        const a = 2 * Math.PI * (cx * gaussian[f]! + cy * gaussian[F + f]!);
        out[base + f] = Math.sin(a);
        out[base + F + f] = Math.cos(a);
      }
    }
  }
  return out;
}

/** segment-anything's MLP (mask_decoder.py): ReLU after every layer but the last. */
function mlp(
  g: GraphBuilder,
  x: string,
  name: string,
  layers: readonly Affine[],
  names: readonly string[],
): string {
  let y = x;
  layers.forEach((l, i) => {
    const [outDim, inDim] = [l.bias.length, l.weight.length / l.bias.length];
    y = linear(g, y, `${name}.${names[i]}`, l.weight, l.bias, inDim, outDim);
    if (i < layers.length - 1) y = g.node('Relu', [y]);
  });
  return y;
}

/** A Conv2d of the checkpoint (weight [out, in, k, k], bias [out]) stored in the graph. */
function samConv(
  g: GraphBuilder,
  x: string,
  name: string,
  a: Affine,
  s: { outC: number; inC: number; kernel: number; stride?: number },
): string {
  const w = g.init(`${name}.weight`, a.weight, [s.outC, s.inC, s.kernel, s.kernel]);
  return conv2d(g, x, w, g.init(`${name}.bias`, a.bias, [s.outC]), s);
}

/** A ConvTranspose2d of the checkpoint (weight [in, out, k, k], bias [out]) stored in the graph. */
function samConvTranspose(
  g: GraphBuilder,
  x: string,
  name: string,
  a: Affine,
  s: { inC: number; outC: number; kernel: number; stride: number },
): string {
  const w = g.init(`${name}.weight`, a.weight, [s.inC, s.outC, s.kernel, s.kernel]);
  return convTranspose2d(g, x, w, g.init(`${name}.bias`, a.bias, [s.outC]), s);
}

const mlpNames = (depth: number): string[] => [
  'proj_in',
  ...Array.from({ length: depth - 2 }, (_, j) => `layers.${j}`),
  'proj_out',
];

/**
 * Prompt encoder + mask decoder, as segment-anything's SamOnnxModel (utils/onnx.py) computes them, without
 * its in-graph mask selection and postprocessing (the app does both, in one place: segment/sam-decoder.ts):
 *
 *   image_embeddings [1, h, S, S]   the neck's output
 *   point_coords [1, N, 2]          x, y in the frame (side F = S·patch = 1024), pixel indices (+½ inside)
 *   point_labels [1, N]             1 positive, 0 negative, 2/3 box corners, −1 padding point
 *   mask_input [1, 1, 4S, 4S]       previous low-res logits, used when has_mask_input [1] is 1
 * → low_res_masks [1, M, 4S, 4S]    logits; index 0 is the single-mask output, 1..M−1 the multimask ones
 *   iou_predictions [1, M]
 */
export function buildDecoderGraph(d: SamDims, w: SamWeights): Uint8Array {
  const h = d.hidden;
  const S = d.embedSide;
  const M = d.numMaskTokens;
  const F = d.numPosFeats;
  const g = new GraphBuilder('sam_mask_decoder');
  const c = new Constants(g);
  const emb = g.input(DECODER_IO.imageEmbeddings, 'float', [1, h, S, S]);
  const coords = g.input(DECODER_IO.pointCoords, 'float', [1, 'num_points', 2]);
  const labels = g.input(DECODER_IO.pointLabels, 'float', [1, 'num_points']);
  const maskIn = g.input(DECODER_IO.maskInput, 'float', [1, 1, 4 * S, 4 * S]);
  const hasMask = g.input(DECODER_IO.hasMaskInput, 'float', [1]);
  const p = w.prompt;

  // Sparse prompts (SamOnnxModel._embed_points): random-Fourier PE of the pixel centres in the frame,
  // zeroed for padding points, plus one learned embedding per label.
  const unit = g.node('Div', [g.node('Add', [coords, c.scalar(0.5)]), c.scalar(d.frameSidePx)]);
  const centred = g.node('Sub', [g.node('Mul', [unit, c.scalar(2)]), c.scalar(1)]);
  const phase = g.node('Mul', [
    g.node('MatMul', [centred, g.init('shared_image_embedding.positional_embedding', p.gaussian, [2, F])]),
    c.scalar(2 * Math.PI),
  ]);
  const pe = g.node('Concat', [g.node('Sin', [phase]), g.node('Cos', [phase])], { axis: attr.int(-1) });
  const lab = g.node('Unsqueeze', [labels, c.ints([2])]); // [1, N, 1]
  const oneHot = g.node('Cast', [g.node('Equal', [lab, c.floats([-1, 0, 1, 2, 3])])], {
    to: attr.int(1),
  }); // [1, N, 5]
  const keep = g.node('Cast', [g.node('Not', [g.node('Equal', [lab, c.scalar(-1)])])], {
    to: attr.int(1),
  });
  const labelTable = new Float32Array(5 * h);
  [p.notAPoint, ...p.pointEmbed].forEach((e, r) => labelTable.set(e, r * h));
  const sparse = g.node('Add', [
    g.node('Mul', [pe, keep]),
    g.node('MatMul', [oneHot, g.init('prompt_encoder.label_embeddings', labelTable, [5, h])]),
  ]);

  // Dense prompt (SamOnnxModel._embed_masks): the downscaled mask when has_mask_input, else no_mask_embed.
  const mc = d.maskInChans;
  let m = samConv(g, maskIn, 'prompt_encoder.mask_embed.conv1', p.maskConv1, {
    outC: mc / 4,
    inC: 1,
    kernel: 2,
    stride: 2,
  });
  m = geluErf(g, c, samLayerNorm2d(g, c, m, 'prompt_encoder.mask_embed.layer_norm1', p.maskNorm1));
  m = samConv(g, m, 'prompt_encoder.mask_embed.conv2', p.maskConv2, {
    outC: mc,
    inC: mc / 4,
    kernel: 2,
    stride: 2,
  });
  m = geluErf(g, c, samLayerNorm2d(g, c, m, 'prompt_encoder.mask_embed.layer_norm2', p.maskNorm2));
  m = samConv(g, m, 'prompt_encoder.mask_embed.conv3', p.maskConv3, {
    outC: h,
    inC: mc,
    kernel: 1,
  });
  const noMask = g.init('prompt_encoder.no_mask_embed.weight', p.noMask, [1, h, 1, 1]);
  const dense = g.node('Add', [
    g.node('Mul', [m, hasMask]),
    g.node('Mul', [noMask, g.node('Sub', [c.scalar(1), hasMask])]),
  ]);

  // MaskDecoder.predict_masks: [iou token, mask tokens, prompts] attend to image + dense prompt.
  const dec = w.decoder;
  const outTokens = new Float32Array((1 + M) * h);
  outTokens.set(dec.iouToken, 0);
  outTokens.set(dec.maskTokens, h);
  const tokens = g.node('Concat', [g.init('mask_decoder.output_tokens', outTokens, [1, 1 + M, h]), sparse], {
    axis: attr.int(1),
  });
  const src = g.node('Add', [emb, dense]);
  const flat = g.node('Transpose', [g.node('Reshape', [src, c.ints([1, h, S * S])])], {
    perm: attr.ints([0, 2, 1]),
  });
  const keyPe = g.init('prompt_encoder.dense_pe', densePositionalEncoding(p.gaussian, F, S), [1, S * S, h]);
  const [hs, keys] = twoWayTransformer(g, c, d, dec, tokens, flat, keyPe);

  const grid = g.node('Reshape', [
    g.node('Transpose', [keys], { perm: attr.ints([0, 2, 1]) }),
    c.ints([1, h, S, S]),
  ]);
  let up = samConvTranspose(g, grid, 'mask_decoder.upscale_conv1', dec.upConv1, {
    inC: h,
    outC: h / 4,
    kernel: 2,
    stride: 2,
  });
  up = geluErf(g, c, samLayerNorm2d(g, c, up, 'mask_decoder.upscale_layer_norm', dec.upNorm));
  up = geluErf(
    g,
    c,
    samConvTranspose(g, up, 'mask_decoder.upscale_conv2', dec.upConv2, {
      inC: h / 4,
      outC: h / 8,
      kernel: 2,
      stride: 2,
    }),
  );
  const token = (i: number): string => g.node('Gather', [hs, c.ints([i])], { axis: attr.int(1) }); // [1, 1, h]
  const hyper = g.node(
    'Concat',
    dec.hyper.map((layers, i) =>
      mlp(g, token(1 + i), `mask_decoder.output_hypernetworks_mlps.${i}`, layers, mlpNames(3)),
    ),
    { axis: attr.int(1) },
  ); // [1, M, h/8]
  const upFlat = g.node('Reshape', [up, c.ints([1, h / 8, 16 * S * S])]);
  g.node('Reshape', [g.node('MatMul', [hyper, upFlat]), c.ints([1, M, 4 * S, 4 * S])], {}, DECODER_IO.masks);
  const iou = mlp(g, token(0), 'mask_decoder.iou_prediction_head', dec.iouHead, mlpNames(dec.iouHead.length));
  g.node('Reshape', [iou, c.ints([1, M])], {}, DECODER_IO.scores);
  g.output(DECODER_IO.masks, 'float', [1, M, 4 * S, 4 * S]);
  g.output(DECODER_IO.scores, 'float', [1, M]);
  return g.toBytes({
    producer: 'radiolabel-sam-converter',
    doc: 'SAM prompt encoder + mask decoder (segment-anything SamOnnxModel maths, all mask tokens out)',
  });
}
