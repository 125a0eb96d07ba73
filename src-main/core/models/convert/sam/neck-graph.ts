import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { Constants, conv2d, layerNorm2d, transposeMatrix } from '../../onnx/layers';
import { type SamDims } from './sam-config';
import { type Norm, type SamWeights } from './sam-weights';

/** Tensor names of the neck graph. */
export const NECK_IO = { input: 'sam_features', output: 'image_embeddings' } as const;

/** segment-anything's LayerNorm2d default (common.py), used by the neck and the decoder's upscaling. */
export const LAYER_NORM_2D_EPS = 1e-6;

/** segment-anything's LayerNorm2d with the checkpoint's weight and bias ([C]) stored in the graph. */
export function samLayerNorm2d(g: GraphBuilder, c: Constants, x: string, name: string, n: Norm): string {
  const ch = n.weight.length;
  const w = g.init(`${name}.weight`, n.weight, [ch, 1, 1]);
  return layerNorm2d(g, c, x, w, g.init(`${name}.bias`, n.bias, [ch, 1, 1]), LAYER_NORM_2D_EPS);
}

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
  const c = new Constants(g);
  const x = g.input(NECK_IO.input, 'float', [1, 'grid_h', 'grid_w', d.encoderDims]);
  const w1 = transposeMatrix(w.conv1, h, d.encoderDims);
  const projected = g.node('MatMul', [
    x,
    g.init('vision_encoder.neck.conv1.weight.T', w1, [d.encoderDims, h]),
  ]);
  const nchw = g.node('Transpose', [projected], { perm: attr.ints([0, 3, 1, 2]) });
  const hw = g.node('Slice', [g.node('Shape', [nchw]), c.ints([2]), c.ints([4])]);
  const pads = g.node('Concat', [c.ints([0, 0, 0, 0, 0, 0]), g.node('Sub', [c.ints([S, S]), hw])], {
    axis: attr.int(0),
  });
  const padded = g.node('Pad', [nchw, pads], { mode: attr.string('constant') });
  const n1 = samLayerNorm2d(g, c, padded, 'vision_encoder.neck.layer_norm1', w.norm1);
  const c2 = conv2d(g, n1, g.init('vision_encoder.neck.conv2.weight', w.conv2, [h, h, 3, 3]), undefined, {
    kernel: 3,
    pad: 1,
  });
  const out = samLayerNorm2d(g, c, c2, 'vision_encoder.neck.layer_norm2', w.norm2);
  g.node('Identity', [out], {}, NECK_IO.output);
  g.output(NECK_IO.output, 'float', [1, h, S, S]);
  return g.toBytes({
    producer: 'radiolabel-sam-converter',
    doc: 'SAM image-encoder neck on RADIO sam_features (zero-padded to the embedding grid)',
  });
}
