import { randomProjection } from './patch-index';
import {
  allPairsTs,
  type FlatProjection,
  NORM_BINS,
  PairCollector,
  type PairList,
  projectRow,
  PROJECTED_DIMS,
  type Rows,
  SKETCH_BITS,
  TsVectors,
  unitRowsTs,
  type VectorKernels,
  type VectorMatrix,
} from './pair-scan';
import { WasmVectors } from './wasm/vector-kernels';

export { type HalfMatrix, type PairList, type Rows, type VectorMatrix } from './pair-scan';

/** Below this many vectors (or dims) the exact all-pairs pass is cheap enough on its own. */
const SKETCH_MIN_ITEMS = 512;
const EXACT_MAX_DIMS = 32;
/** How many standard deviations of the Hamming distance a true pair may stray (misses ~1e-7). */
const SIGMAS = 5.5;
/**
 * The projected squared distance of a true pair may overshoot the real one by this factor before the
 * pair is dropped: 64 projected dims estimate it with a relative deviation near 0.2 (> 6 deviations).
 */
const PROJECTED_SLACK = 2.3;

/** Separate vectors (of one length) as one matrix. */
export function packRows(vectors: readonly Float32Array[]): VectorMatrix {
  const dims = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => data.set(v, i * dims));
  return { kind: 'f32', count: vectors.length, dims, data };
}

/**
 * Every pair of unit vectors with cosine ≥ threshold, fast on tens of thousands of vectors.
 *
 * Near-duplicates are close in Euclidean distance (‖u − v‖² = 2 − 2 cos), and distance does not change
 * when the dataset's mean is subtracted. Centred, embeddings point in all directions, so a 128-bit sign
 * sketch of a sparse random projection (SimHash) tells most far pairs apart with two to four XOR-popcounts;
 * survivors are checked on 64 projected dims (distance), and only then get the exact cosine. How many
 * sketch bits a true pair may differ in depends on the two vectors' distances from the mean (short
 * centred vectors can differ in angle while close), so the cutoff comes from a table over norm bins.
 * f32 rows must have unit length; fp16 rows (the cache's) are scaled to it as they are decoded. The
 * passes run in Wasm where it is available (wasm/vector-kernels), else in their TypeScript twins: the
 * same pairs and scores either way.
 */
export function nearDuplicatePairs(rows: Rows, threshold: number): PairList {
  const { count: n, dims } = rows;
  if (n < SKETCH_MIN_ITEMS || dims <= EXACT_MAX_DIMS) {
    const m = unitRowsTs(rows);
    return allPairsTs(m.data, n, dims, threshold);
  }
  const wasm = WasmVectors.open(rows);
  if (!wasm) return search(new TsVectors(unitRowsTs(rows)), dims, threshold);
  try {
    return search(wasm, dims, threshold);
  } finally {
    wasm.close();
  }
}

function search(kernels: VectorKernels, dims: number, threshold: number): PairList {
  const mean = kernels.meanRow();
  const proj = flatProjection(dims, mean);
  const { norms, sketch, projected } = kernels.sketchRows(proj, mean);
  const { binOf, cutoff, halfCutoff } = hammingCutoffs(norms, threshold);
  const maxProjected2 = PROJECTED_SLACK * Math.max(0, 2 - 2 * threshold);
  const out = new PairCollector();
  kernels.scanPairs({ sketch, binOf, projected, cutoff, halfCutoff, maxProjected2, threshold }, out);
  return out.finish();
}

/** The sketch projection for `dims`, flattened, with the mean projected and the distance scale. */
function flatProjection(dims: number, mean: Float32Array): FlatProjection {
  const { indices, signs } = randomProjection(dims, SKETCH_BITS);
  // Each output sums the inputs of its ~√dims non-zero entries: E[(w·x)²] = ‖x‖² · entries / dims.
  const entries = indices.reduce((s, idx) => s + idx.length, 0) / SKETCH_BITS;
  const start = new Int32Array(SKETCH_BITS + 1);
  indices.forEach((idx, b) => (start[b + 1] = start[b]! + idx.length));
  const index = new Int32Array(start[SKETCH_BITS]!);
  const sign = new Float32Array(start[SKETCH_BITS]!);
  indices.forEach((idx, b) => {
    index.set(idx, start[b]);
    sign.set(signs[b]!, start[b]);
  });
  const proj = {
    start,
    index,
    sign,
    projectedMean: new Float32Array(SKETCH_BITS),
    scale: 1 / Math.sqrt((PROJECTED_DIMS * entries) / dims),
  };
  projectRow(mean, 0, proj, proj.projectedMean);
  return proj;
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
