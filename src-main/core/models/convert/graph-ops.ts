import { attr, type GraphBuilder } from '../onnx/graph-builder';
import { attention, Constants, geluErf, geluTanh, layerNormalization } from '../onnx/layers';
import { arraySource, type FloatSource, type WeightEmitter } from './weight-emitter';

/**
 * The op builders of onnx/layers.ts bound to one graph, its memoised constants and the weight emitter
 * (which decides how each weight is stored): what the RADIO encoder and the text tower are built with.
 */
export class GraphOps {
  readonly #consts: Constants;

  constructor(
    readonly g: GraphBuilder,
    readonly em: WeightEmitter,
  ) {
    this.#consts = new Constants(g);
  }

  /** An int64 vector constant (shapes, axes, indices). */
  ints(values: readonly number[]): string {
    return this.#consts.ints(values);
  }

  /** A float32 scalar constant (shape [] so it broadcasts anywhere). */
  scalar(value: number): string {
    return this.#consts.scalar(value);
  }

  /** LayerNormalization over the last axis; `scale` multiplies the output (folded into weight and bias). */
  layerNorm(x: string, weight: FloatSource, bias: FloatSource, eps: number, scale = 1): string {
    const fold = (s: FloatSource): FloatSource => {
      if (scale === 1) return s;
      const v = s.read(0, s.shape[0] ?? 0).map((x) => x * scale);
      return arraySource(`${s.label}.scaled`, v, s.shape);
    };
    return layerNormalization(this.g, x, this.em.float32(fold(weight)), this.em.float32(fold(bias)), eps);
  }

  geluErf(x: string): string {
    return geluErf(this.g, this.#consts, x);
  }

  geluTanh(x: string): string {
    return geluTanh(this.g, this.#consts, x);
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
    return attention(this.g, this.#consts, q, kT, v, headDim, mask);
  }
}
