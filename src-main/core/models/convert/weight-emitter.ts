import { toHalf } from '../../inference/half';
import type { ExternalDataWriter } from '../onnx/external-data';
import { attr, DataType, type GraphBuilder } from '../onnx/graph-builder';

/** Storage of the converted weights. fp16 and int8 are storage formats: activations stay float32. */
export const WEIGHT_DTYPES = ['fp32', 'fp16', 'int8'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];

/** Where a tensor's float values come from: a checkpoint tensor, or one computed at build time. */
export interface FloatSource {
  /** The checkpoint tensor name (or a description), for error messages and initializer names. */
  readonly label: string;
  readonly shape: readonly number[];
  /** Row-major elements [start, start + count) as float32. */
  read(start: number, count: number): Float32Array;
}

export function arraySource(label: string, data: Float32Array, shape: readonly number[]): FloatSource {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`${label}: ${data.length} values do not fill [${shape.join(', ')}]`);
  return { label, shape, read: (start, count) => data.subarray(start, start + count) };
}

const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const bytesOf = (a: Float32Array | Uint16Array | Int8Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Elements per read when streaming a tensor (16 MiB of float32). */
const CHUNK_ELEMENTS = 4 * 1024 * 1024;

/**
 * int8 weights are symmetric per output channel in [-63, 63] (7 bits): onnxruntime's u8s8 kernels on
 * CPUs without VNNI add pairs of u8×s8 products in int16, which saturates with full-range 8-bit weights
 * (onnxruntime's quantize_dynamic `reduce_range` for the same reason). Activations are quantised per
 * tensor at run time (DynamicQuantizeLinear).
 */
export const INT8_WEIGHT_MAX = 63;

/**
 * Turns float sources into ONNX initializers (streamed into the external data file) and the nodes that
 * use them, per the chosen weight dtype. One place decides how a weight is stored, so the RADIO encoder
 * and the text tower convert the same way.
 */
export class WeightEmitter {
  constructor(
    private readonly g: GraphBuilder,
    private readonly data: ExternalDataWriter,
    readonly dtype: WeightDtype,
  ) {}

  /** A float32 initializer, whatever the dtype (norm weights, biases, small tables). */
  float32(src: FloatSource, dims: readonly number[] = src.shape, name = src.label): string {
    return this.#store(name, DataType.float, 4, src, dims, (v) => bytesOf(v));
  }

  /** A float16 initializer (the Cast back to float32 is the caller's, or use `constant`). */
  float16(src: FloatSource, dims: readonly number[] = src.shape, name = `${src.label}.f16`): string {
    return this.#store(name, DataType.float16, 2, src, dims, (v) => bytesOf(toHalf(v)));
  }

  /** Writes a source block by block (at most CHUNK_ELEMENTS in memory); small tensors stay inline. */
  #store(
    name: string,
    dataType: number,
    bytesPerElement: number,
    src: FloatSource,
    dims: readonly number[],
    encode: (values: Float32Array) => Uint8Array,
  ): string {
    checkCount(src, dims);
    const total = elementCount(dims);
    if (total <= CHUNK_ELEMENTS) {
      return this.g.initTensor(this.data.tensor(name, dataType, dims, encode(src.read(0, total))));
    }
    return this.g.initTensor(
      this.data.streamedTensor(name, dataType, dims, total * bytesPerElement, (write) => {
        for (let s = 0; s < total; s += CHUNK_ELEMENTS)
          write(encode(src.read(s, Math.min(CHUNK_ELEMENTS, total - s))));
      }),
    );
  }

  /**
   * A constant float tensor used as is (position embeddings, class tokens, projection matrices): float32,
   * or float16 storage + Cast in fp16 bundles (onnxruntime folds the Cast once at session load).
   */
  constant(src: FloatSource, dims: readonly number[] = src.shape): string {
    if (this.dtype === 'fp16' && dims.length >= 2) {
      return this.g.node('Cast', [this.float16(src, dims)], { to: attr.int(DataType.float) });
    }
    return this.float32(src, dims);
  }

  /**
   * y = x·Wᵀ + b for a 2-D x [M, in] and a torch Linear weight W [out, in]. fp32/fp16: one Gemm (transB, so
   * the weight is written as stored, never transposed in memory). int8 (`quantize`): W is quantised per
   * output channel and transposed to [in, out] for DynamicQuantizeLinear → MatMulInteger → Cast → Mul,
   * the pattern onnxruntime fuses into one DynamicQuantizeMatMul.
   */
  linear(x: string, weight: FloatSource, bias: FloatSource | undefined, opts: { quantize: boolean }): string {
    if (weight.shape.length !== 2) {
      throw new Error(`${weight.label}: a Linear weight must be 2-D, got [${weight.shape.join(', ')}]`);
    }
    const [outDim, inDim] = weight.shape as [number, number];
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outDim)) {
      throw new Error(
        `${bias.label}: bias shape [${bias.shape.join(', ')}] does not match ${weight.label} [${outDim}, ${inDim}]`,
      );
    }
    if (this.dtype === 'int8' && opts.quantize) return this.#int8Linear(x, weight, bias, outDim, inDim);
    const w =
      this.dtype === 'fp16'
        ? this.g.node('Cast', [this.float16(weight)], { to: attr.int(DataType.float) })
        : this.float32(weight);
    const inputs = bias ? [x, w, this.float32(bias)] : [x, w];
    return this.g.node('Gemm', inputs, { transB: attr.int(1) });
  }

  /** Rows of a [V, D] table by int64 ids: float16 tables (fp16/int8 bundles) are cast after the gather. */
  gather(ids: string, table: FloatSource): string {
    if (this.dtype === 'fp32')
      return this.g.node('Gather', [this.float32(table), ids], { axis: attr.int(0) });
    const rows = this.g.node('Gather', [this.float16(table), ids], { axis: attr.int(0) });
    return this.g.node('Cast', [rows], { to: attr.int(DataType.float) });
  }

  #int8Linear(
    x: string,
    weight: FloatSource,
    bias: FloatSource | undefined,
    outDim: number,
    inDim: number,
  ): string {
    const q = new Int8Array(inDim * outDim);
    const scales = new Float32Array(outDim);
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / inDim));
    for (let r0 = 0; r0 < outDim; r0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, outDim - r0);
      const block = weight.read(r0 * inDim, rows * inDim);
      for (let r = 0; r < rows; r++) {
        let maxAbs = 0;
        for (let i = 0; i < inDim; i++) maxAbs = Math.max(maxAbs, Math.abs(block[r * inDim + i]!));
        const scale = maxAbs > 0 ? maxAbs / INT8_WEIGHT_MAX : 1;
        scales[r0 + r] = scale;
        for (let i = 0; i < inDim; i++) {
          const v = Math.round(block[r * inDim + i]! / scale);
          q[i * outDim + r0 + r] = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, v));
        }
      }
    }
    const g = this.g;
    const wq = g.initTensor(
      this.data.tensor(`${weight.label}.int8`, DataType.int8, [inDim, outDim], bytesOf(q)),
    );
    const ws = this.float32({
      label: `${weight.label}.scale`,
      shape: [outDim],
      read: (s, c) => scales.subarray(s, s + c),
    });
    // Named after the weight: one dynamic quantisation of x per Linear, outputs unique by construction.
    const xQuant = `${weight.label}.x_quantized`;
    const xScale = `${weight.label}.x_scale`;
    const xZero = `${weight.label}.x_zero_point`;
    g.nodeMulti('DynamicQuantizeLinear', [x], [xQuant, xScale, xZero]);
    const acc = g.node('MatMulInteger', [xQuant, wq, xZero]);
    const scale = g.node('Mul', [xScale, ws]);
    const y = g.node('Mul', [g.node('Cast', [acc], { to: attr.int(DataType.float) }), scale]);
    return bias ? g.node('Add', [y, this.float32(bias)]) : y;
  }
}

function checkCount(src: FloatSource, dims: readonly number[]): void {
  if (elementCount(src.shape) !== elementCount(dims)) {
    throw new Error(`${src.label}: [${src.shape.join(', ')}] cannot be stored as [${dims.join(', ')}]`);
  }
}
