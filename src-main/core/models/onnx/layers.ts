import { attr, type GraphBuilder } from './graph-builder';

/**
 * PyTorch layers as ONNX nodes (opset 17), for converters that rebuild a checkpoint's modules. Weights
 * come in PyTorch's layouts; each helper says which. Every constant gets a fresh name, so the helpers can
 * be called any number of times on one graph.
 */

/** A float constant with a fresh name (`prefix` keeps the graph readable). */
export function constFloats(
  g: GraphBuilder,
  prefix: string,
  values: Float32Array | readonly number[],
  dims?: readonly number[],
): string {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return g.init(g.uniqueName(prefix), data, dims ?? [data.length]);
}

/** An int64 constant with a fresh name (shapes, axes, pads). */
export function constInts(g: GraphBuilder, prefix: string, values: readonly number[]): string {
  return g.init(g.uniqueName(prefix), BigInt64Array.from(values.map((v) => BigInt(v))), [values.length]);
}

/** Row-major [rows, cols] → [cols, rows] (PyTorch Linear weights [out, in] → MatMul's [in, out]). */
export function transposeMatrix(w: Float32Array, rows: number, cols: number): Float32Array {
  if (w.length !== rows * cols) {
    throw new Error(`transposeMatrix: ${w.length} values do not make a ${rows}×${cols} matrix`);
  }
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/** torch.nn.Linear over the last axis: `weight` is PyTorch's [out, in], `bias` [out] (optional). */
export function linear(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  bias: Float32Array | undefined,
  inDim: number,
  outDim: number,
): string {
  const w = g.init(`${name}.weight.T`, transposeMatrix(weight, outDim, inDim), [inDim, outDim]);
  const y = g.node('MatMul', [x, w]);
  return bias ? g.node('Add', [y, g.init(`${name}.bias`, bias, [outDim])]) : y;
}

/** torch.nn.LayerNorm over the last axis (ONNX LayerNormalization, opset 17). */
export function layerNorm(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
): string {
  const n = weight.length;
  return g.node(
    'LayerNormalization',
    [x, g.init(`${name}.weight`, weight, [n]), g.init(`${name}.bias`, bias, [n])],
    { axis: attr.int(-1), epsilon: attr.float(eps) },
  );
}

/**
 * LayerNorm over the channel axis of an NCHW tensor (detectron2/ConvNeXt "LayerNorm2d"):
 * u = mean_c x, s = mean_c (x − u)², y = w · (x − u) / sqrt(s + eps) + b.
 */
export function layerNorm2d(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  bias: Float32Array,
  eps: number,
): string {
  const c = weight.length;
  const mean = (t: string): string =>
    g.node('ReduceMean', [t], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const centred = g.node('Sub', [x, mean(x)]);
  const variance = mean(g.node('Mul', [centred, centred]));
  const std = g.node('Sqrt', [g.node('Add', [variance, constFloats(g, 'ln2d_eps', [eps])])]);
  const normed = g.node('Div', [centred, std]);
  const scaled = g.node('Mul', [normed, g.init(`${name}.weight`, weight, [c, 1, 1])]);
  return g.node('Add', [scaled, g.init(`${name}.bias`, bias, [c, 1, 1])]);
}

/** torch.nn.GELU() (exact, erf form): x · ½ · (1 + erf(x / √2)). Opset 17 has no Gelu op. */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.node('Erf', [g.node('Mul', [x, constFloats(g, 'inv_sqrt2', [Math.SQRT1_2])])]);
  const onePlus = g.node('Add', [erf, constFloats(g, 'one', [1])]);
  return g.node('Mul', [g.node('Mul', [x, constFloats(g, 'half', [0.5])]), onePlus]);
}

/** torch.nn.Conv2d on NCHW: `weight` [out, in, kH, kW], optional `bias` [out]. */
export function conv2d(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  bias: Float32Array | undefined,
  shape: { outC: number; inC: number; kernel: number; stride?: number; pad?: number },
): string {
  const { outC, inC, kernel: k, stride = 1, pad = 0 } = shape;
  const inputs = [x, g.init(`${name}.weight`, weight, [outC, inC, k, k])];
  if (bias) inputs.push(g.init(`${name}.bias`, bias, [outC]));
  return g.node('Conv', inputs, {
    kernel_shape: attr.ints([k, k]),
    strides: attr.ints([stride, stride]),
    pads: attr.ints([pad, pad, pad, pad]),
  });
}

/** torch.nn.ConvTranspose2d on NCHW (no padding): `weight` [in, out, kH, kW] (same in ONNX), `bias` [out]. */
export function convTranspose2d(
  g: GraphBuilder,
  x: string,
  name: string,
  weight: Float32Array,
  bias: Float32Array,
  shape: { inC: number; outC: number; kernel: number; stride: number },
): string {
  const { inC, outC, kernel: k, stride } = shape;
  return g.node(
    'ConvTranspose',
    [x, g.init(`${name}.weight`, weight, [inC, outC, k, k]), g.init(`${name}.bias`, bias, [outC])],
    { kernel_shape: attr.ints([k, k]), strides: attr.ints([stride, stride]) },
  );
}
