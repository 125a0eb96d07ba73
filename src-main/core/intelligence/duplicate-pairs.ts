import { INDEX_PROJECTED_DIMS, projectVector } from './patch-index';

/** Below this many vectors (or dims) the exact all-pairs pass is cheap enough on its own. */
const PREFILTER_MIN_ITEMS = 256;
/** The projected cosine may undershoot the true one by this much before a pair is dropped (≈4σ at 0.9). */
const PREFILTER_MARGIN = 0.1;
/** Only for high thresholds: the projection's error grows as cosines fall. */
const PREFILTER_MIN_THRESHOLD = 0.8;

/**
 * Every pair (i < j) of L2-normalised vectors with cosine ≥ threshold. Large sets are pre-filtered on
 * 64-dim sparse random projections (cheap all-pairs), and only surviving pairs get the exact cosine.
 */
export function duplicatePairs(
  vectors: readonly Float32Array[],
  threshold: number,
): { i: number; j: number; score: number }[] {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const prefilter =
    n >= PREFILTER_MIN_ITEMS && dims > INDEX_PROJECTED_DIMS && threshold >= PREFILTER_MIN_THRESHOLD;
  const k = INDEX_PROJECTED_DIMS;
  const packed = prefilter ? new Float32Array(n * k) : undefined;
  if (packed) vectors.forEach((v, i) => packed.set(projectVector(v), i * k));
  const coarseCut = threshold - PREFILTER_MARGIN;
  const out: { i: number; j: number; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const a = vectors[i]!;
    for (let j = i + 1; j < n; j++) {
      if (packed) {
        let s = 0;
        for (let d = 0, ai = i * k, bj = j * k; d < k; d++) s += packed[ai + d]! * packed[bj + d]!;
        if (s < coarseCut) continue;
      }
      const b = vectors[j]!;
      let s = 0;
      for (let d = 0; d < dims; d++) s += a[d]! * b[d]!;
      if (s >= threshold) out.push({ i, j, score: s });
    }
  }
  return out;
}
