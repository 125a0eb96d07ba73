import { randomProjection } from './patch-index';

/** Pairs (i < j) of vectors whose cosine reaches the threshold, as parallel typed arrays. */
export interface PairList {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
  readonly length: number;
}

/** Below this many vectors (or dims) the exact all-pairs pass is cheap enough on its own. */
const SKETCH_MIN_ITEMS = 512;
const EXACT_MAX_DIMS = 32;
const SKETCH_WORDS = 4;
const SKETCH_BITS = SKETCH_WORDS * 32;
/** The second filter compares this many projected dims (the sketch's first ones, as floats). */
const PROJECTED_DIMS = 64;
/** Norm bins for the per-pair Hamming cutoff (see `hammingCutoffs`). */
const NORM_BINS = 8;
/** How many standard deviations of the Hamming distance a true pair may stray (misses ~1e-7). */
const SIGMAS = 5.5;
/**
 * The projected squared distance of a true pair may overshoot the real one by this factor before the
 * pair is dropped: 64 projected dims estimate it with a relative deviation near 0.2 (> 6 deviations).
 */
const PROJECTED_SLACK = 2.3;

/**
 * Every pair of unit vectors with cosine ≥ threshold, fast on tens of thousands of vectors.
 *
 * Near-duplicates are close in Euclidean distance (‖u − v‖² = 2 − 2 cos), and distance does not change
 * when the dataset's mean is subtracted. Centred, embeddings point in all directions, so a 128-bit sign
 * sketch of a sparse random projection (SimHash) tells most far pairs apart with two to four XOR-popcounts;
 * survivors are checked on 64 projected dims (distance), and only then get the exact cosine. How many
 * sketch bits a true pair may differ in depends on the two vectors' distances from the mean (short
 * centred vectors can differ in angle while close), so the cutoff comes from a table over norm bins.
 */
export function nearDuplicatePairs(vectors: readonly Float32Array[], threshold: number): PairList {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const out = new PairCollector();
  if (n < SKETCH_MIN_ITEMS || dims <= EXACT_MAX_DIMS) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const s = dot(vectors[i]!, vectors[j]!, dims);
        if (s >= threshold) out.push(i, j, s);
      }
    return out.finish();
  }

  const { norms, sketch, projected } = sketchAll(vectors, dims);
  const { binOf, cutoff, halfCutoff } = hammingCutoffs(norms, threshold);
  const maxProjected2 = PROJECTED_SLACK * Math.max(0, 2 - 2 * threshold);
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
      const s = dot(vectors[i]!, vectors[j]!, dims);
      if (s >= threshold) out.push(i, j, s);
    }
  }
  return out.finish();
}

/** Per vector: its distance from the mean, its sign sketch, and its first projected dims (as distances). */
function sketchAll(vectors: readonly Float32Array[], dims: number) {
  const n = vectors.length;
  const sum = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) sum[d]! += v[d]!;
  const mean = Float32Array.from(sum, (x) => x / n);
  const { indices, signs } = randomProjection(dims, SKETCH_BITS);
  // Each output sums the inputs of its ~√dims non-zero entries: E[(w·x)²] = ‖x‖² · entries / dims.
  const entries = indices.reduce((s, idx) => s + idx.length, 0) / SKETCH_BITS;
  const scale = 1 / Math.sqrt((PROJECTED_DIMS * entries) / dims);
  const projectedMean = project(mean, indices, signs);
  const norms = new Float32Array(n);
  const sketch = new Int32Array(n * SKETCH_WORDS);
  const projected = new Float32Array(n * PROJECTED_DIMS);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const e = v[d]! - mean[d]!;
      s += e * e;
    }
    norms[i] = Math.sqrt(s);
    const p = project(v, indices, signs);
    for (let b = 0; b < SKETCH_BITS; b++) {
      const c = p[b]! - projectedMean[b]!;
      if (b < PROJECTED_DIMS) projected[i * PROJECTED_DIMS + b] = c * scale;
      if (c > 0) sketch[i * SKETCH_WORDS + (b >> 5)]! |= 1 << (b & 31);
    }
  }
  return { norms, sketch, projected };
}

/**
 * Vectors are binned by their distance from the mean (quantiles); a pair of bins gets the largest
 * Hamming distance a true pair from those bins may show. By the law of cosines, centred vectors of
 * lengths p, q at distance ≤ r have an angle θ with cos θ ≥ (p² + q² − r²) / 2pq; each sketch bit
 * differs with probability θ/π, so the cutoff is that binomial's mean plus SIGMAS deviations.
 */
function hammingCutoffs(
  norms: Float32Array,
  threshold: number,
): { binOf: Uint8Array; cutoff: Int32Array; halfCutoff: Int32Array } {
  const n = norms.length;
  const sorted = Float32Array.from(norms).sort();
  const edges = Array.from({ length: NORM_BINS }, (_, k) => sorted[Math.floor((k * n) / NORM_BINS)] ?? 0);
  const binOf = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let k = NORM_BINS - 1;
    while (k > 0 && norms[i]! < edges[k]!) k--;
    binOf[i] = k;
  }
  const r2 = Math.max(0, 2 - 2 * threshold);
  const cutoff = new Int32Array(NORM_BINS * NORM_BINS);
  const halfCutoff = new Int32Array(NORM_BINS * NORM_BINS);
  const limit = (bits: number, f: number) =>
    Math.min(bits, Math.ceil(bits * f + SIGMAS * Math.sqrt(bits * f * (1 - f))));
  for (let x = 0; x < NORM_BINS; x++)
    for (let y = 0; y < NORM_BINS; y++) {
      // The shortest vectors of each bin give the widest angle (conservative).
      const p = edges[x]!;
      const q = edges[y]!;
      const cos = p > 0 && q > 0 ? (p * p + q * q - r2) / (2 * p * q) : -1;
      const f = Math.acos(Math.max(-1, Math.min(1, cos))) / Math.PI;
      cutoff[x * NORM_BINS + y] = limit(SKETCH_BITS, f);
      halfCutoff[x * NORM_BINS + y] = limit(SKETCH_BITS / 2, f);
    }
  return { binOf, cutoff, halfCutoff };
}

function project(
  v: Float32Array,
  indices: readonly Int32Array[],
  signs: readonly Float32Array[],
): Float32Array {
  const out = new Float32Array(indices.length);
  for (let p = 0; p < indices.length; p++) {
    const idx = indices[p]!;
    const sg = signs[p]!;
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += sg[k]! * v[idx[k]!]!;
    out[p] = s;
  }
  return out;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function dot(a: Float32Array, b: Float32Array, dims: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) s += a[d]! * b[d]!;
  return s;
}

/** Grows typed arrays as pairs arrive (a big group of near-identical images has many pairs). */
class PairCollector {
  #a = new Int32Array(1024);
  #b = new Int32Array(1024);
  #s = new Float32Array(1024);
  #n = 0;

  push(i: number, j: number, score: number): void {
    if (this.#n === this.#a.length) {
      const a = new Int32Array(this.#n * 2);
      const b = new Int32Array(this.#n * 2);
      const s = new Float32Array(this.#n * 2);
      a.set(this.#a);
      b.set(this.#b);
      s.set(this.#s);
      this.#a = a;
      this.#b = b;
      this.#s = s;
    }
    this.#a[this.#n] = i;
    this.#b[this.#n] = j;
    this.#s[this.#n] = score;
    this.#n++;
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
