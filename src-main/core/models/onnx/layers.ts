import { attr, type GraphBuilder } from './graph-builder';

/**
 * PyTorch layers as ONNX nodes (opset 17): the one implementation of each op builder that the converters
 * share (the RADIO encoder and the SigLIP text tower through GraphOps, SAM's neck and decoder directly).
 * Builders take tensor names, so where the weights live is the caller's choice: streamed into external
 * data in any dtype (convert/weight-emitter.ts) or small float32 initializers inside the graph (SAM).
 */

/** Memoised constants: one initializer per distinct value in a graph, whoever asks for it. */
export class Constants {
  readonly #names = new Map<string, string>();
  #n = 0;

  constructor(private readonly g: GraphBuilder) {}

  /** An int64 vector (shapes, axes, indices, pads). */
  ints(values: readonly number[]): string {
    return this.#memo(`i:${values.join(',')}`, () => this.g.ints(`const_i64_${this.#n++}`, values));
  }

  /** A float32 scalar of shape [] (broadcasts anywhere). */
  scalar(value: number): string {
    return this.#memo(`f:${value}`, () => this.g.floats(`const_f32_${this.#n++}`, [value], []));
  }

  /** A float32 vector or tensor. */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.#memo(`f:${values.join(',')}:${dims.join('x')}`, () =>
      this.g.floats(`const_f32_${this.#n++}`, values, dims),
    );
  }

  #memo(key: string, make: () => string): string {
    let name = this.#names.get(key);
    if (!name) {
      name = make();
      this.#names.set(key, name);
    }
    return name;
  }
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

/**
 * torch.nn.Linear over the last axis of an activation of any rank, with float32 weights inside the graph:
 * `weight` is PyTorch's [out, in] (stored transposed for MatMul), `bias` [out] (optional). Streamed or
 * quantised weights on 2-D activations go through WeightEmitter.linear (Gemm / MatMulInteger) instead.
 */
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

/** torch.nn.LayerNorm over the last axis (ONNX LayerNormalization); weight and bias are [C] tensors. */
export function layerNormalization(
  g: GraphBuilder,
  x: string,
  weight: string,
  bias: string,
  eps: number,
): string {
  return g.node('LayerNormalization', [x, weight, bias], { axis: attr.int(-1), epsilon: attr.float(eps) });
}

/**
 * LayerNorm over the channel axis of an NCHW tensor (detectron2/ConvNeXt "LayerNorm2d"):
 * u = mean_c x, s = mean_c (x − u)², y = w · (x − u) / sqrt(s + eps) + b; weight and bias are [C, 1, 1].
 */
export function layerNorm2d(
  g: GraphBuilder,
  c: Constants,
  x: string,
  weight: string,
  bias: string,
  eps: number,
): string {
  const mean = (t: string): string =>
    g.node('ReduceMean', [t], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const centred = g.node('Sub', [x, mean(x)]);
  const variance = mean(g.node('Mul', [centred, centred]));
  const std = g.node('Sqrt', [g.node('Add', [variance, c.scalar(eps)])]);
  return g.node('Add', [g.node('Mul', [g.node('Div', [centred, std]), weight]), bias]);
}

/** torch.nn.GELU() (exact): x · ½ · (1 + erf(x / √2)), spelled the way onnxruntime fuses into one Gelu. */
export function geluErf(g: GraphBuilder, c: Constants, x: string): string {
  const erf = g.node('Erf', [g.node('Div', [x, c.scalar(Math.SQRT2)])]);
  return g.node('Mul', [g.node('Mul', [x, g.node('Add', [erf, c.scalar(1)])]), c.scalar(0.5)]);
}

/** gelu_pytorch_tanh: ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))). */
export function geluTanh(g: GraphBuilder, c: Constants, x: string): string {
  const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
  const inner = g.node('Mul', [
    g.node('Add', [x, g.node('Mul', [cube, c.scalar(0.044715)])]),
    c.scalar(Math.sqrt(2 / Math.PI)),
  ]);
  const t = g.node('Add', [g.node('Tanh', [inner]), c.scalar(1)]);
  return g.node('Mul', [g.node('Mul', [x, t]), c.scalar(0.5)]);
}

/** softmax(q·kᵀ/√hd [+ mask])·v over the last two axes; the caller passes k already transposed. */
export function attention(
  g: GraphBuilder,
  c: Constants,
  q: string,
  kT: string,
  v: string,
  headDim: number,
  mask?: string,
): string {
  const qs = g.node('Mul', [q, c.scalar(1 / Math.sqrt(headDim))]);
  let scores = g.node('MatMul', [qs, kT]);
  if (mask) scores = g.node('Add', [scores, mask]);
  return g.node('MatMul', [g.node('Softmax', [scores], { axis: attr.int(-1) }), v]);
}

/** torch.nn.Conv2d on NCHW (square kernel): `weight` [out, in, k, k], optional `bias` [out]. */
export function conv2d(
  g: GraphBuilder,
  x: string,
  weight: string,
  bias: string | undefined,
  shape: { readonly kernel: number; readonly stride?: number; readonly pad?: number },
): string {
  const { kernel: k, stride = 1, pad = 0 } = shape;
  return g.node('Conv', bias ? [x, weight, bias] : [x, weight], {
    kernel_shape: attr.ints([k, k]),
    strides: attr.ints([stride, stride]),
    pads: attr.ints([pad, pad, pad, pad]),
  });
}

/** torch.nn.ConvTranspose2d on NCHW (no padding): `weight` [in, out, k, k] (same in ONNX), `bias` [out]. */
export function convTranspose2d(
  g: GraphBuilder,
  x: string,
  weight: string,
  bias: string,
  shape: { readonly kernel: number; readonly stride: number },
): string {
  return g.node('ConvTranspose', [x, weight, bias], {
    kernel_shape: attr.ints([shape.kernel, shape.kernel]),
    strides: attr.ints([shape.stride, shape.stride]),
  });
}
