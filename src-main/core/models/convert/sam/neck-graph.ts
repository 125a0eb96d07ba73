import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { constInts, conv2d, layerNorm2d, transposeMatrix } from '../../onnx/layers';
import { type SamDims } from './sam-config';
import { type SamWeights } from './sam-weights';

/** Tensor names of the neck graph. */
export const NECK_IO = { input: 'sam_features', output: 'image_embeddings' } as const;

/** segment-anything's LayerNorm2d default (common.py), used by the neck and the decoder's upscaling. */
export const LAYER_NORM_2D_EPS = 1e-6;

/**
 * SAM's image-encoder neck on RADIO's `sam` adaptor features, RADSeg's recipe (encoders/radseg.py):
 * the encoder's patch grid (h×w ≤ S×S) is zero-padded at the bottom and right to S×S (S = 64 for SAM),
 * then conv1×1 → LayerNorm2d → conv3×3 → LayerNorm2d gives the 256×S×S image embedding.
 *
 * Input `sam_features` [1, h, w, C] channels-last, the grid layout the app keeps; h and w are free so one
 * neck serves every encoder resolution. conv1 has no bias, so it runs before the padding on h·w cells
 * only (conv1(pad(x)) = pad(conv1(x))); the LayerNorms and conv3×3 see the padded grid, as in RADSeg.
 */
export function buildNeckGraph(d: SamDims, w: SamWeights['neck']): Uint8Array {
  const h = d.hidden;
  const S = d.embedSide;
  const g = new GraphBuilder('sam_neck');
  const x = g.input(NECK_IO.input, 'float', [1, 'grid_h', 'grid_w', d.encoderDims]);
  const w1 = transposeMatrix(w.conv1, h, d.encoderDims);
  const projected = g.node('MatMul', [
    x,
    g.init('vision_encoder.neck.conv1.weight.T', w1, [d.encoderDims, h]),
  ]);
  const nchw = g.node('Transpose', [projected], { perm: attr.ints([0, 3, 1, 2]) });
  const hw = g.node('Slice', [
    g.node('Shape', [nchw]),
    constInts(g, 'hw_start', [2]),
    constInts(g, 'hw_end', [4]),
  ]);
  const pads = g.node(
    'Concat',
    [constInts(g, 'pad_begin', [0, 0, 0, 0, 0, 0]), g.node('Sub', [constInts(g, 'embed_side', [S, S]), hw])],
    { axis: attr.int(0) },
  );
  const padded = g.node('Pad', [nchw, pads], { mode: attr.string('constant') });
  const n1 = layerNorm2d(
    g,
    padded,
    'vision_encoder.neck.layer_norm1',
    w.norm1.weight,
    w.norm1.bias,
    LAYER_NORM_2D_EPS,
  );
  const c2 = conv2d(g, n1, 'vision_encoder.neck.conv2', w.conv2, undefined, {
    outC: h,
    inC: h,
    kernel: 3,
    pad: 1,
  });
  const out = layerNorm2d(
    g,
    c2,
    'vision_encoder.neck.layer_norm2',
    w.norm2.weight,
    w.norm2.bias,
    LAYER_NORM_2D_EPS,
  );
  g.node('Identity', [out], {}, NECK_IO.output);
  g.output(NECK_IO.output, 'float', [1, h, S, S]);
  return g.toBytes({
    producer: 'radiolabel-sam-converter',
    doc: 'SAM image-encoder neck on RADIO sam_features (zero-padded to the embedding grid)',
  });
}
