import { type ImageId } from '@contract';
import { type Project } from '../../src-main/core/project';
import { toStored } from '../../src-main/core/inference';
import { embeddingKey } from '../../src-main/core/intelligence';
import { seededRandom } from '../../src-main/core/random';

/** A unit vector with Gaussian-ish entries, the same for the same seed. */
export function seededUnit(dims: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const v = new Float32Array(dims);
  for (let d = 0; d < dims; d++) v[d] = rand() + rand() + rand() - 1.5;
  return normalised(v);
}

/** `v` plus noise of relative size `noise`, renormalised: a near-duplicate when noise is small. */
export function jittered(v: Float32Array, noise: number, seed: number): Float32Array {
  const n = seededUnit(v.length, seed);
  return normalised(v.map((x, d) => x + noise * n[d]!));
}

/** `a`·(1−t) + `b`·t, renormalised: images that share a scene are correlated, not identical. */
export function blended(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return normalised(a.map((x, d) => x * (1 - t) + b[d]! * t));
}

function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const k = 1 / Math.sqrt(s || 1);
  return v.map((x) => x * k);
}

/**
 * Stores a cached embedding for an image with this summary and a tiny feature grid: what duplicate
 * search reads, without running an encoder (the project must hold the image row).
 */
export function putSummary(project: Project, imageId: ImageId, modelId: string, summary: Float32Array): void {
  const grid = { data: new Float32Array(4 * 4 * 8).fill(0.1), gridW: 4, gridH: 4, dims: 8 };
  const stored = toStored({
    modelId,
    mapping: { imageWidthPx: 64, imageHeightPx: 64, inputWidthPx: 64, inputHeightPx: 64, patchPx: 16 },
    summary,
    features: grid,
  });
  project.embeddings.put(embeddingKey(imageId, { modelId }), stored);
}
