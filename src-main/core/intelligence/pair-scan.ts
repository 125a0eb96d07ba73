import { decodeHalfInto } from '../inference';

/**
 * The near-duplicate search's kernels over flat typed arrays: the TypeScript twins of wasm/vector-kernels
 * (same inputs, same outputs bit for bit: every sum in f64 in the same order, every store rounded to f32
 * at the same point — see `dotUnit`).
 */

export const SKETCH_WORDS = 4;
export const SKETCH_BITS = SKETCH_WORDS * 32;
/** The second filter compares this many projected dims per vector. */
export const PROJECTED_DIMS = 64;
/** Norm bins for the per-pair Hamming cutoff (cells of the cutoff tables: NORM_BINS²). */
export const NORM_BINS = 8;

/** Vectors as the rows of one matrix. */
export interface VectorMatrix {
  readonly kind: 'f32';
  readonly count: number;
  readonly dims: number;
  /** count × dims, row-major. */
  readonly data: Float32Array;
}

/** Vectors as fp16 bits (the embedding cache's form), scaled to unit length once decoded. */
export interface HalfMatrix {
  readonly kind: 'fp16';
  readonly count: number;
  readonly dims: number;
  /** One array of dims per row (as read from the cache: no copy into one array first). */
  readonly rowBits: readonly Uint16Array[];
}

export type Rows = VectorMatrix | HalfMatrix;

/** The rows as f32; fp16 rows decoded and scaled to unit length (like l2Normalize, row by row). */
export function unitRowsTs(rows: Rows): VectorMatrix {
  switch (rows.kind) {
    case 'f32':
      return rows;
    case 'fp16': {
      const { count, dims, rowBits } = rows;
      const data = new Float32Array(count * dims);
      rowBits.forEach((bits, r) => decodeHalfInto(bits, data, r * dims));
      for (let at = 0; at < data.length; at += dims) {
        let s = 0;
        for (let d = at; d < at + dims; d++) s += data[d]! * data[d]!;
        const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
        for (let d = at; d < at + dims; d++) data[d]! *= inv;
      }
      return { kind: 'f32', count, dims, data };
    }
  }
}

/** The three passes of the search over one set of rows, in Wasm or in TypeScript. */
export interface VectorKernels {
  meanRow(): Float32Array;
  sketchRows(proj: FlatProjection, mean: Float32Array): Sketches;
  scanPairs(tables: ScanTables, out: PairCollector): void;
}

/** The TypeScript twins over a matrix. */
export class TsVectors implements VectorKernels {
  readonly #m: VectorMatrix;
  constructor(m: VectorMatrix) {
    this.#m = m;
  }
  meanRow(): Float32Array {
    return meanRowTs(this.#m);
  }
  sketchRows(proj: FlatProjection, mean: Float32Array): Sketches {
    return sketchRowsTs(this.#m, mean, proj);
  }
  scanPairs(tables: ScanTables, out: PairCollector): void {
    scanPairsTs({ ...this.#m, ...tables }, out);
  }
}

/** A sparse ±1 projection to SKETCH_BITS outputs, flattened, with what the sketches subtract and scale. */
export interface FlatProjection {
  /** Output b sums index[start[b] .. start[b + 1]) times sign. */
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly sign: Float32Array;
  /** The mean row projected (subtracted from every projected row). */
  readonly projectedMean: Float32Array;
  /** Makes projected squared distances estimate real ones. */
  readonly scale: number;
}

/** Per row: distance from the mean, sign sketch, first PROJECTED_DIMS projected dims (scaled). */
export interface Sketches {
  readonly norms: Float32Array;
  readonly sketch: Int32Array;
  readonly projected: Float32Array;
}

/** The mean row, summed per dim in f64 in row order. */
export function meanRowTs({ count: n, dims, data }: Omit<VectorMatrix, 'kind'>): Float32Array {
  const sum = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0, at = i * dims; d < dims; d++) sum[d]! += data[at + d]!;
  return Float32Array.from(sum, (x) => x / n);
}

/** One row projected (f64 sums stored as f32). */
export function projectRow(data: Float32Array, at: number, proj: FlatProjection, out: Float32Array): void {
  const { start, index, sign } = proj;
  for (let b = 0; b < SKETCH_BITS; b++) {
    let s = 0;
    for (let k = start[b]!, end = start[b + 1]!; k < end; k++) s += sign[k]! * data[at + index[k]!]!;
    out[b] = s;
  }
}

/** Sketches of every row: one pass over the matrix, no array per row. */
export function sketchRowsTs(m: VectorMatrix, mean: Float32Array, proj: FlatProjection): Sketches {
  const { count: n, dims, data } = m;
  const norms = new Float32Array(n);
  const sketch = new Int32Array(n * SKETCH_WORDS);
  const projected = new Float32Array(n * PROJECTED_DIMS);
  const p = new Float32Array(SKETCH_BITS);
  for (let i = 0; i < n; i++) {
    const at = i * dims;
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const e = data[at + d]! - mean[d]!;
      s += e * e;
    }
    norms[i] = Math.sqrt(s);
    projectRow(data, at, proj, p);
    for (let b = 0; b < SKETCH_BITS; b++) {
      const c = p[b]! - proj.projectedMean[b]!;
      if (b < PROJECTED_DIMS) projected[i * PROJECTED_DIMS + b] = c * proj.scale;
      if (c > 0) sketch[i * SKETCH_WORDS + (b >> 5)]! |= 1 << (b & 31);
    }
  }
  return { norms, sketch, projected };
}

/** Everything the scan reads: n vectors, their sketches, norm bins, projected dims and the cutoff tables. */
export interface ScanTables {
  /** count × SKETCH_WORDS sign bits. */
  readonly sketch: Int32Array;
  readonly binOf: Uint8Array;
  /** count × PROJECTED_DIMS. */
  readonly projected: Float32Array;
  /** NORM_BINS², the largest Hamming distance (all bits, and first half) a true pair may show. */
  readonly cutoff: Int32Array;
  readonly halfCutoff: Int32Array;
  readonly maxProjected2: number;
  readonly threshold: number;
}

export type ScanInput = ScanTables & Omit<VectorMatrix, 'kind'>;

/** Pairs (i < j) of vectors whose cosine reaches the threshold, as parallel typed arrays. */
export interface PairList {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
  readonly length: number;
}

/** Every pair that passes the sketch filters and reaches the threshold, rows in order, j ascending. */
export function scanPairsTs(input: ScanInput, out: PairCollector): void {
  const {
    count: n,
    dims,
    data,
    sketch,
    binOf,
    projected,
    cutoff,
    halfCutoff,
    maxProjected2,
    threshold,
  } = input;
  for (let i = 0; i < n; i++) {
    const w = i * SKETCH_WORDS;
    const s0 = sketch[w]!;
    const s1 = sketch[w + 1]!;
    const s2 = sketch[w + 2]!;
    const s3 = sketch[w + 3]!;
    const row = binOf[i]! * NORM_BINS;
    const pi = i * PROJECTED_DIMS;
    for (let j = i + 1; j < n; j++) {
      const v = j * SKETCH_WORDS;
      const cell = row + binOf[j]!;
      // The first half of the sketch alone rules out most pairs: half the work for them.
      const half = popcount(s0 ^ sketch[v]!) + popcount(s1 ^ sketch[v + 1]!);
      if (half > halfCutoff[cell]!) continue;
      const bits = half + popcount(s2 ^ sketch[v + 2]!) + popcount(s3 ^ sketch[v + 3]!);
      if (bits > cutoff[cell]!) continue;
      let d2 = 0;
      for (let b = 0, pj = j * PROJECTED_DIMS; b < PROJECTED_DIMS; b++) {
        const e = projected[pi + b]! - projected[pj + b]!;
        d2 += e * e;
      }
      if (d2 > maxProjected2) continue;
      const s = dotUnit(data, i * dims, j * dims, dims);
      if (s >= threshold) out.push(i, j, s);
    }
  }
}

/** Exact all-pairs (small sets, short vectors): the same dot product as the filtered scan. */
export function allPairsTs(data: Float32Array, count: number, dims: number, threshold: number): PairList {
  const out = new PairCollector();
  for (let i = 0; i < count; i++)
    for (let j = i + 1; j < count; j++) {
      const s = dotUnit(data, i * dims, j * dims, dims);
      if (s >= threshold) out.push(i, j, s);
    }
  return out.finish();
}

/**
 * The dot product of two rows in double precision with four running sums (d mod 4), added as
 * (s0 + s2) + (s1 + s3), then the tail: the order of the Wasm kernel's two f64x2 lanes, so both builds
 * give the same bits (f32 × f32 is exact in f64; only the order of the additions could differ).
 */
export function dotUnit(data: Float32Array, a: number, b: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = dims & ~3;
  for (let d = 0; d < end; d += 4) {
    s0 += data[a + d]! * data[b + d]!;
    s1 += data[a + d + 1]! * data[b + d + 1]!;
    s2 += data[a + d + 2]! * data[b + d + 2]!;
    s3 += data[a + d + 3]! * data[b + d + 3]!;
  }
  let s = s0 + s2 + (s1 + s3);
  for (let d = end; d < dims; d++) s += data[a + d]! * data[b + d]!;
  return s;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Grows typed arrays as pairs arrive (a big group of near-identical images has many pairs). */
export class PairCollector {
  #a = new Int32Array(1024);
  #b = new Int32Array(1024);
  #s = new Float32Array(1024);
  #n = 0;

  push(i: number, j: number, score: number): void {
    if (this.#n === this.#a.length) this.#grow(this.#n * 2);
    this.#a[this.#n] = i;
    this.#b[this.#n] = j;
    this.#s[this.#n] = score;
    this.#n++;
  }

  /** Appends pairs a kernel wrote (parallel arrays of `count` entries). */
  pushAll(a: Int32Array, b: Int32Array, score: Float32Array, count: number): void {
    if (this.#n + count > this.#a.length) this.#grow(Math.max(this.#a.length * 2, this.#n + count));
    this.#a.set(a.subarray(0, count), this.#n);
    this.#b.set(b.subarray(0, count), this.#n);
    this.#s.set(score.subarray(0, count), this.#n);
    this.#n += count;
  }

  #grow(size: number): void {
    const a = new Int32Array(size);
    const b = new Int32Array(size);
    const s = new Float32Array(size);
    a.set(this.#a.subarray(0, this.#n));
    b.set(this.#b.subarray(0, this.#n));
    s.set(this.#s.subarray(0, this.#n));
    this.#a = a;
    this.#b = b;
    this.#s = s;
  }

  finish(): PairList {
    const n = this.#n;
    return {
      a: this.#a.subarray(0, n),
      b: this.#b.subarray(0, n),
      score: this.#s.subarray(0, n),
      length: n,
    };
  }
}
