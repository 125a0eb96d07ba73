import { attr, type GraphBuilder } from '../onnx/graph-builder';
import { arraySource, type FloatSource, type WeightEmitter } from './weight-emitter';

/**
 * Small shared pieces of the converted graphs: memoised constants (one initializer per distinct value),
 * LayerNorm with folded scaling, and the two GELUs, spelled the way onnxruntime's fusions recognise.
 */
export class GraphOps {
  readonly #consts = new Map<string, string>();
  #n = 0;

  constructor(
    readonly g: GraphBuilder,
    readonly em: WeightEmitter,
  ) {}

  /** An int64 vector constant (shapes, axes, indices). */
  ints(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = this.g.ints(`const_i64_${this.#n++}`, values);
      this.#consts.set(key, name);
    }
    return name;
  }

  /** A float32 scalar constant (shape [] so it broadcasts anywhere). */
  scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = this.g.floats(`const_f32_${this.#n++}`, [value], []);
      this.#consts.set(key, name);
    }
    return name;
  }

  /** LayerNormalization over the last axis; `scale` multiplies the output (folded into weight and bias). */
  layerNorm(x: string, weight: FloatSource, bias: FloatSource, eps: number, scale = 1): string {
    const fold = (s: FloatSource): FloatSource => {
      if (scale === 1) return s;
      const v = s.read(0, s.shape[0] ?? 0).map((x) => x * scale);
      return arraySource(`${s.label}.scaled`, v, s.shape);
    };
    return this.g.node(
      'LayerNormalization',
      [x, this.em.float32(fold(weight)), this.em.float32(fold(bias))],
      {
        axis: attr.int(-1),
        epsilon: attr.float(eps),
      },
    );
  }

  /** torch.nn.GELU() (exact): x · ½ · (1 + erf(x / √2)), the form onnxruntime fuses into one Gelu. */
  geluErf(x: string): string {
    const erf = this.g.node('Erf', [this.g.node('Div', [x, this.scalar(Math.SQRT2)])]);
    return this.g.node('Mul', [
      this.g.node('Mul', [x, this.g.node('Add', [erf, this.scalar(1)])]),
      this.scalar(0.5),
    ]);
  }

  /** gelu_pytorch_tanh: ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))). */
  geluTanh(x: string): string {
    const g = this.g;
    const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
    const inner = g.node('Mul', [
      g.node('Add', [x, g.node('Mul', [cube, this.scalar(0.044715)])]),
      this.scalar(Math.sqrt(2 / Math.PI)),
    ]);
    const t = g.node('Add', [g.node('Tanh', [inner]), this.scalar(1)]);
    return g.node('Mul', [g.node('Mul', [x, t]), this.scalar(0.5)]);
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.g.node('Reshape', [x, this.ints(shape)]);
  }

  transpose(x: string, perm: readonly number[]): string {
    return this.g.node('Transpose', [x], { perm: attr.ints(perm) });
  }

  /** Rows [start, end) of a 2-D tensor. */
  rows(x: string, start: number, end: number): string {
    return this.g.node('Slice', [x, this.ints([start]), this.ints([end]), this.ints([0])]);
  }

  /** softmax(q·kᵀ/√hd [+ mask])·v; the caller passes k already transposed (so any rank works). */
  attention(q: string, kT: string, v: string, headDim: number, mask?: string): string {
    const g = this.g;
    const qs = g.node('Mul', [q, this.scalar(1 / Math.sqrt(headDim))]);
    let scores = g.node('MatMul', [qs, kT]);
    if (mask) scores = g.node('Add', [scores, mask]);
    return g.node('MatMul', [g.node('Softmax', [scores], { axis: attr.int(-1) }), v]);
  }
}
