import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';
import { cosineMaps, inverseCellNorms, l2Normalize } from '../segment/grid-ops';

/**
 * Fraction of each grid cell's pixels inside a row-major image mask. The grid may be denser than the
 * patch grid (FeatSharp-style heads), so cells are mapped from the grid size, not the patch size.
 */
export function maskCellCoverage(
  mask: Uint8Array,
  mapping: PixelPatchMapping,
  gridW: number,
  gridH: number,
): Float32Array {
  const w = mapping.imageWidthPx;
  const h = mapping.imageHeightPx;
  if (mask.length !== w * h) throw new Error(`mask has ${mask.length} pixels, the image is ${w}×${h}`);
  const inside = new Float32Array(gridW * gridH);
  const total = new Float32Array(gridW * gridH);
  const colCell = new Int32Array(w);
  for (let x = 0; x < w; x++) colCell[x] = Math.min(gridW - 1, Math.floor(((x + 0.5) * gridW) / w));
  for (let y = 0; y < h; y++) {
    const row = Math.min(gridH - 1, Math.floor(((y + 0.5) * gridH) / h)) * gridW;
    for (let x = 0; x < w; x++) {
      const c = row + colCell[x]!;
      total[c]!++;
      if (mask[y * w + x] !== 0) inside[c]!++;
    }
  }
  for (let c = 0; c < inside.length; c++) inside[c] = total[c]! > 0 ? inside[c]! / total[c]! : 0;
  return inside;
}

/**
 * The mask-pooled feature: the coverage-weighted mean of the L2-normalised cells mostly inside the mask
 * (coverage ≥ 0.5), or of the best-covered cell when the mask is smaller than a cell. Undefined for an
 * empty mask.
 */
export function maskPooledFeature(grid: DenseGrid, coverage: Float32Array): Float32Array | undefined {
  const { dims, data } = grid;
  const inv = inverseCellNorms(grid);
  let best = -1;
  for (let c = 0; c < coverage.length; c++) if (best < 0 || coverage[c]! > coverage[best]!) best = c;
  if (best < 0 || coverage[best]! <= 0) return undefined;
  const cutoff = Math.min(0.5, coverage[best]!);
  const out = new Float32Array(dims);
  let weight = 0;
  for (let c = 0; c < coverage.length; c++) {
    const cov = coverage[c]!;
    if (cov < cutoff) continue;
    const k = cov * inv[c]!;
    const base = c * dims;
    for (let d = 0; d < dims; d++) out[d]! += data[base + d]! * k;
    weight += cov;
  }
  for (let d = 0; d < dims; d++) out[d]! /= weight;
  return out;
}

/** Max over queries of the cosine maps (one value per cell). */
export function maxOverMaps(maps: readonly Float32Array[]): Float32Array {
  const first = maps[0];
  if (!first) throw new Error('at least one map is needed');
  const out = first.slice();
  for (const m of maps.slice(1)) for (let i = 0; i < out.length; i++) if (m[i]! > out[i]!) out[i] = m[i]!;
  return out;
}

/**
 * The cosine threshold that best separates positive from negative cell scores (max F1), used to turn a
 * few labelled examples into a decision rule for the rest of the dataset.
 */
export function bestF1Threshold(positives: Float32Array, negatives: Float32Array): number {
  if (positives.length === 0) throw new Error('no positive cells to learn a threshold from');
  if (negatives.length === 0) return Math.min(...positives) - 1e-6;
  const all = [...positives].map((v) => ({ v, pos: 1 })).concat([...negatives].map((v) => ({ v, pos: 0 })));
  all.sort((a, b) => b.v - a.v);
  let tp = 0;
  let fp = 0;
  let bestF1 = -1;
  let best = all[0]!.v;
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (e.pos) tp++;
    else fp++;
    // Only cut between distinct values.
    const next = all[i + 1];
    if (next && next.v === e.v) continue;
    const f1 = (2 * tp) / (tp + fp + positives.length);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = next ? (e.v + next.v) / 2 : e.v - 1e-6;
    }
  }
  return best;
}

/**
 * The decision threshold for propagation. The exemplar images' background is all the negatives we see,
 * and other images hold other things, so a cut in the middle of a wide gap (what F1 alone picks) lets
 * near-but-wrong regions through. The cut is therefore at least halfway between the median positive
 * and the 99th-percentile negative.
 */
export function propagationThreshold(positives: Float32Array, negatives: Float32Array): number {
  const f1 = bestF1Threshold(positives, negatives);
  if (negatives.length === 0) return f1;
  const medianPositive = quantile(positives, 0.5);
  const highNegative = quantile(negatives, 0.99);
  // Nor far below the bulk of the class: most of its cells must clear the cut with room to spare.
  const lowPositive = quantile(positives, 0.1) - 0.1;
  return Math.max(f1, (medianPositive + highNegative) / 2, Math.min(lowPositive, medianPositive - 0.05));
}

function quantile(values: Float32Array, q: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/**
 * Up to `k` centroids (L2-normalised) of the grid cells whose `weight` is 0 — the background of an
 * exemplar image — by cosine k-means with farthest-point seeding (deterministic). These are the
 * negative prototypes that keep unlabelled stuff from matching the class.
 */
export function backgroundCentroids(
  grid: DenseGrid,
  weight: Float32Array,
  k = 4,
  iterations = 8,
): Float32Array[] {
  const { dims, data } = grid;
  const inv = inverseCellNorms(grid);
  const cells: number[] = [];
  for (let c = 0; c < weight.length; c++) if (weight[c] === 0 && inv[c]! > 0) cells.push(c);
  if (cells.length === 0) return [];
  const cellVec = (c: number): Float32Array => {
    const v = new Float32Array(dims);
    for (let d = 0; d < dims; d++) v[d] = data[c * dims + d]! * inv[c]!;
    return v;
  };
  const dot = (a: Float32Array, c: number): number => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += a[d]! * data[c * dims + d]!;
    return s * inv[c]!;
  };
  const centroids = [cellVec(cells[0]!)];
  while (centroids.length < Math.min(k, cells.length)) {
    let far = -1;
    let farSim = Infinity;
    for (const c of cells) {
      const sim = Math.max(...centroids.map((m) => dot(m, c)));
      if (sim < farSim) {
        farSim = sim;
        far = c;
      }
    }
    if (far < 0 || farSim > 0.999) break;
    centroids.push(cellVec(far));
  }
  for (let it = 0; it < iterations; it++) {
    const sums = centroids.map(() => new Float32Array(dims));
    for (const c of cells) {
      let best = 0;
      let bestSim = -Infinity;
      centroids.forEach((m, j) => {
        const sim = dot(m, c);
        if (sim > bestSim) {
          bestSim = sim;
          best = j;
        }
      });
      const s = sums[best]!;
      for (let d = 0; d < dims; d++) s[d]! += data[c * dims + d]! * inv[c]!;
    }
    sums.forEach((s, j) => {
      if (s.some((x) => x !== 0)) centroids[j] = l2Normalize(s);
    });
  }
  return centroids;
}

/** Per cell: best positive cosine minus best negative cosine (just the positive one with no negatives). */
export function contrastScore(
  grid: DenseGrid,
  positives: readonly Float32Array[],
  negatives: readonly Float32Array[],
): Float32Array {
  const pos = maxOverMaps(cosineMaps(grid, positives));
  if (negatives.length === 0) return pos;
  const neg = maxOverMaps(cosineMaps(grid, negatives));
  for (let i = 0; i < pos.length; i++) pos[i] = pos[i]! - neg[i]!;
  return pos;
}
