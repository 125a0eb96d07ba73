import { align16, type WasmMemory, WasmKernels } from '@shared/wasm/wasm-kernels';
import {
  type FlatProjection,
  NORM_BINS,
  type PairCollector,
  PROJECTED_DIMS,
  type Rows,
  type ScanTables,
  SKETCH_BITS,
  type Sketches,
  SKETCH_WORDS,
  type VectorKernels,
} from '../pair-scan';
import { VECTOR_KERNELS_WASM_BASE64 } from './vector-kernels-binary';

/**
 * The near-duplicate search in WebAssembly (wasm/vector-kernels): the mean, the sketches (sparse
 * projection gathers) and the scan (popcounts on 64-bit words, exact cosines with SIMD), several times
 * faster than their TypeScript twins (pair-scan.ts), with the same outputs bit for bit (the tests run
 * both). The matrix is copied into the module's memory once per search, and the instance is dropped
 * after it (tens of MB for 10,000 vectors).
 */

interface WasmGlobal {
  readonly value: number;
}

interface VectorExports {
  readonly memory: WasmMemory;
  readonly nextRow: WasmGlobal;
  decodeUnitRows(from: number, to: number, dims: number, bits: number, out: number): void;
  meanRows(n: number, dims: number, data: number, sum: number, mean: number, from: number, to: number): void;
  sketchRows(
    from: number,
    to: number,
    dims: number,
    data: number,
    mean: number,
    start: number,
    index: number,
    sign: number,
    projectedMean: number,
    scale: number,
    norms: number,
    sketch: number,
    projected: number,
  ): void;
  scanPairs(
    n: number,
    dims: number,
    data: number,
    sketch: number,
    binOf: number,
    projected: number,
    cutoff: number,
    halfCutoff: number,
    maxProjected2: number,
    threshold: number,
    from: number,
    to: number,
    outA: number,
    outB: number,
    outS: number,
    capacity: number,
  ): number;
}

/** Inputs start here; the module has no static data below it. */
const INPUT_BASE = 64;
/** Memory above this after a search is released; a search's inputs are larger, so each one releases. */
const KEEP_BYTES = 16 * 2 ** 20;
/** Up to 2 GiB of inputs in Wasm memory; beyond, TypeScript. */
const MAX_BYTES = 2 ** 31;
/** Pairs handed back per scan call (a call stops before a row whose pairs might not fit). */
const PAIRS_PER_CALL = 1 << 16;
/**
 * Rows per kernel call. V8 runs a Wasm call to its end in the code it began with, and the first calls run
 * in its baseline compiler, several times slower: in blocks, the later ones get the optimised code.
 */
const ROWS_PER_CALL = 256;

function* blocks(n: number): Generator<[number, number]> {
  for (let from = 0; from < n; from += ROWS_PER_CALL) yield [from, Math.min(n, from + ROWS_PER_CALL)];
}

/** Upper bound of the projection's non-zero entries (≈ √dims per output, 128 outputs). */
const projectionEntries = (dims: number): number => SKETCH_BITS * dims;

const kernels = new WasmKernels<VectorExports>(VECTOR_KERNELS_WASM_BASE64, KEEP_BYTES);

/** Whether the Wasm kernels are used (true by default); for tests and benches. */
export function setVectorWasm(on: boolean): void {
  kernels.setEnabled(on);
}

/** Whether the Wasm kernels are in use here. */
export function vectorWasmActive(): boolean {
  return kernels.load() !== undefined;
}

/** Byte offsets of every array in the module's memory, laid out once per search. */
interface Layout {
  readonly data: number;
  /** fp16 input (decoded into data), or 0. */
  readonly bits: number;
  readonly sum: number;
  readonly mean: number;
  readonly start: number;
  readonly index: number;
  readonly sign: number;
  readonly projectedMean: number;
  readonly norms: number;
  readonly sketch: number;
  readonly binOf: number;
  readonly projected: number;
  readonly cutoff: number;
  readonly halfCutoff: number;
  readonly a: number;
  readonly b: number;
  readonly s: number;
  readonly capacity: number;
  /** The memory the search needs. */
  readonly end: number;
}

function layout(n: number, dims: number, halfInput: boolean): Layout {
  let end = INPUT_BASE;
  const place = (bytes: number): number => {
    const p = end;
    end = align16(end + bytes);
    return p;
  };
  const capacity = Math.max(n, PAIRS_PER_CALL);
  return {
    data: place(4 * n * dims),
    bits: halfInput ? place(2 * n * dims) : 0,
    sum: place(8 * dims),
    mean: place(4 * dims),
    start: place(4 * (SKETCH_BITS + 1)),
    index: place(4 * projectionEntries(dims)),
    sign: place(4 * projectionEntries(dims)),
    projectedMean: place(4 * SKETCH_BITS),
    norms: place(4 * n),
    sketch: place(4 * SKETCH_WORDS * n),
    binOf: place(n),
    projected: place(4 * PROJECTED_DIMS * n),
    cutoff: place(4 * NORM_BINS * NORM_BINS),
    halfCutoff: place(4 * NORM_BINS * NORM_BINS),
    a: place(4 * capacity),
    b: place(4 * capacity),
    s: place(4 * capacity),
    capacity,
    end,
  };
}

/** One search's rows in Wasm memory (fp16 rows decoded there); `close` when done. */
export class WasmVectors implements VectorKernels {
  readonly #k: VectorExports;
  readonly #count: number;
  readonly #dims: number;
  readonly #at: Layout;

  private constructor(k: VectorExports, rows: Rows, at: Layout) {
    this.#k = k;
    this.#count = rows.count;
    this.#dims = rows.dims;
    this.#at = at;
  }

  /** The rows copied into the module, or undefined (Wasm off, unavailable or too large). */
  static open(rows: Rows): WasmVectors | undefined {
    const k = kernels.load();
    const { count: n, dims } = rows;
    const fits =
      rows.kind === 'f32'
        ? rows.data.length === n * dims
        : rows.rowBits.length === n && rows.rowBits.every((r) => r.length === dims);
    if (!k || !fits) return undefined;
    const at = layout(n, dims, rows.kind === 'fp16');
    if (at.end > MAX_BYTES || !kernels.reserve(k, at.end)) return undefined;
    switch (rows.kind) {
      case 'f32':
        new Float32Array(k.memory.buffer, at.data, n * dims).set(rows.data);
        break;
      case 'fp16':
        {
          const bits = new Uint16Array(k.memory.buffer, at.bits, n * dims);
          rows.rowBits.forEach((row, r) => bits.set(row, r * dims));
        }
        for (const [from, to] of blocks(n)) k.decodeUnitRows(from, to, dims, at.bits, at.data);
        break;
    }
    return new WasmVectors(k, rows, at);
  }

  /** The rows as the kernels see them (unit length; a copy), for tests. */
  unitRows(): Float32Array {
    return new Float32Array(this.#k.memory.buffer, this.#at.data, this.#count * this.#dims).slice();
  }

  meanRow(): Float32Array {
    const [count, dims] = [this.#count, this.#dims];
    for (const [from, to] of blocks(count))
      this.#k.meanRows(count, dims, this.#at.data, this.#at.sum, this.#at.mean, from, to);
    return new Float32Array(this.#k.memory.buffer, this.#at.mean, dims).slice();
  }

  /** Sketches of every row for `proj` (its mean: the one meanRow gave). */
  sketchRows(proj: FlatProjection, mean: Float32Array): Sketches {
    const [n, dims] = [this.#count, this.#dims];
    const at = this.#at;
    if (proj.index.length > projectionEntries(dims) || proj.start.length !== SKETCH_BITS + 1)
      throw new Error(`a sketch projection of ${dims} dims has at most ${projectionEntries(dims)} entries`);
    const buf = this.#k.memory.buffer;
    new Float32Array(buf, at.mean, dims).set(mean);
    new Int32Array(buf, at.start, proj.start.length).set(proj.start);
    new Int32Array(buf, at.index, proj.index.length).set(proj.index);
    new Float32Array(buf, at.sign, proj.sign.length).set(proj.sign);
    new Float32Array(buf, at.projectedMean, SKETCH_BITS).set(proj.projectedMean);
    for (const [from, to] of blocks(n))
      this.#k.sketchRows(
        from,
        to,
        dims,
        at.data,
        at.mean,
        at.start,
        at.index,
        at.sign,
        at.projectedMean,
        proj.scale,
        at.norms,
        at.sketch,
        at.projected,
      );
    return {
      norms: new Float32Array(buf, at.norms, n).slice(),
      sketch: new Int32Array(buf, at.sketch, SKETCH_WORDS * n).slice(),
      projected: new Float32Array(buf, at.projected, PROJECTED_DIMS * n).slice(),
    };
  }

  /** scanPairsTs over the matrix opened (the input's sketches and tables are copied in). */
  scanPairs(input: ScanTables, out: PairCollector): void {
    const [n, dims] = [this.#count, this.#dims];
    const at = this.#at;
    const buf = this.#k.memory.buffer;
    new Int32Array(buf, at.sketch, SKETCH_WORDS * n).set(input.sketch);
    new Uint8Array(buf, at.binOf, n).set(input.binOf);
    new Float32Array(buf, at.projected, PROJECTED_DIMS * n).set(input.projected);
    new Int32Array(buf, at.cutoff, NORM_BINS * NORM_BINS).set(input.cutoff);
    new Int32Array(buf, at.halfCutoff, NORM_BINS * NORM_BINS).set(input.halfCutoff);
    const a = new Int32Array(buf, at.a, at.capacity);
    const b = new Int32Array(buf, at.b, at.capacity);
    const s = new Float32Array(buf, at.s, at.capacity);
    for (const [from, to] of blocks(n)) {
      for (let row = from; row < to; row = this.#k.nextRow.value) {
        const found = this.#k.scanPairs(
          n,
          dims,
          at.data,
          at.sketch,
          at.binOf,
          at.projected,
          at.cutoff,
          at.halfCutoff,
          input.maxProjected2,
          input.threshold,
          row,
          to,
          at.a,
          at.b,
          at.s,
          at.capacity,
        );
        out.pushAll(a, b, s, found);
      }
    }
  }

  /** Releases the module's memory (the instance is dropped; the next search makes a new one). */
  close(): void {
    kernels.release(this.#k);
  }
}
