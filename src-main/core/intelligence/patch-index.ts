import { type DenseGrid } from '../embedding-types';
import { inverseCellNorms, l2Normalize } from '../segment/grid-ops';

/** Regions per side of the coarse descriptor grid, and the projected dimension. */
export const INDEX_REGIONS_PER_SIDE = 8;
export const INDEX_PROJECTED_DIMS = 64;
const REGIONS = INDEX_REGIONS_PER_SIDE * INDEX_REGIONS_PER_SIDE;
export const DESCRIPTOR_BYTES = REGIONS * INDEX_PROJECTED_DIMS;

interface SparseProjection {
  /** Per output dim, the input indices with a non-zero entry, and their signs (±1). */
  readonly indices: Int32Array[];
  readonly signs: Float32Array[];
}

const projections = new Map<number, SparseProjection>();

/** A small seeded uniform generator (xorshift32): the projection must be the same on every machine. */
function seededUniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * A fixed "very sparse" random projection dims → 64 (Li, Hastie & Church 2006): each entry is ±1 with
 * probability 1/√dims, else 0, so cosines survive approximately (Johnson–Lindenstrauss) at about 1/√dims
 * of a dense projection's cost. That is all the coarse first stage of object search needs. Seeded by
 * dims, so stored descriptors stay valid across runs.
 */
export function randomProjection(dims: number, outputs = INDEX_PROJECTED_DIMS): SparseProjection {
  const key = dims * 4096 + outputs;
  const cached = projections.get(key);
  if (cached) return cached;
  const rand = seededUniform(0x5eed ^ dims);
  const density = 1 / Math.sqrt(dims);
  const indices: Int32Array[] = [];
  const signs: Float32Array[] = [];
  for (let p = 0; p < outputs; p++) {
    const idx: number[] = [];
    const sg: number[] = [];
    for (let d = 0; d < dims; d++) {
      const u = rand();
      if (u < density) {
        idx.push(d);
        sg.push(u < density / 2 ? -1 : 1);
      }
    }
    indices.push(Int32Array.from(idx));
    signs.push(Float32Array.from(sg));
  }
  const proj = { indices, signs };
  projections.set(key, proj);
  return proj;
}

/** The vector projected to 64 dims and L2-normalised. */
export function projectVector(vector: Float32Array): Float32Array {
  const { indices, signs } = randomProjection(vector.length);
  const out = new Float32Array(INDEX_PROJECTED_DIMS);
  for (let p = 0; p < INDEX_PROJECTED_DIMS; p++) {
    const idx = indices[p]!;
    const sg = signs[p]!;
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += sg[k]! * vector[idx[k]!]!;
    out[p] = s;
  }
  return l2Normalize(out);
}

/**
 * An image's coarse descriptor: the grid split into 8×8 regions, each the mean of its L2-normalised
 * cells, projected to 64 dims, normalised and quantised to int8 — 4 KB however big the grid is.
 */
export function regionDescriptor(grid: DenseGrid): Int8Array {
  const { gridW, gridH, dims, data } = grid;
  const inv = inverseCellNorms(grid);
  const sums = new Float32Array(REGIONS * dims);
  for (let gy = 0; gy < gridH; gy++) {
    const ry = Math.min(INDEX_REGIONS_PER_SIDE - 1, Math.floor((gy * INDEX_REGIONS_PER_SIDE) / gridH));
    for (let gx = 0; gx < gridW; gx++) {
      const rx = Math.min(INDEX_REGIONS_PER_SIDE - 1, Math.floor((gx * INDEX_REGIONS_PER_SIDE) / gridW));
      const c = gy * gridW + gx;
      const k = inv[c]!;
      const base = c * dims;
      const at = (ry * INDEX_REGIONS_PER_SIDE + rx) * dims;
      for (let d = 0; d < dims; d++) sums[at + d]! += data[base + d]! * k;
    }
  }
  const out = new Int8Array(DESCRIPTOR_BYTES);
  for (let r = 0; r < REGIONS; r++) {
    const v = projectVector(sums.subarray(r * dims, (r + 1) * dims));
    for (let p = 0; p < INDEX_PROJECTED_DIMS; p++)
      out[r * INDEX_PROJECTED_DIMS + p] = Math.round(v[p]! * 127);
  }
  return out;
}

/**
 * The in-memory first stage of object search: every image's region descriptors in one flat int8 array,
 * scored against a projected query (best region per image), best images first.
 */
export class PatchIndex {
  readonly #ids: number[] = [];
  #data = new Int8Array(0);
  #count = 0;
  readonly #position = new Map<number, number>();

  get size(): number {
    return this.#count;
  }

  has(imageId: number): boolean {
    return this.#position.has(imageId);
  }

  add(imageId: number, descriptor: Int8Array): void {
    if (descriptor.length !== DESCRIPTOR_BYTES) {
      throw new Error(
        `descriptor of image ${imageId} has ${descriptor.length} values, expected ${DESCRIPTOR_BYTES}`,
      );
    }
    const existing = this.#position.get(imageId);
    if (existing !== undefined) {
      this.#data.set(descriptor, existing * DESCRIPTOR_BYTES);
      return;
    }
    if ((this.#count + 1) * DESCRIPTOR_BYTES > this.#data.length) {
      const grown = new Int8Array(Math.max(DESCRIPTOR_BYTES * 64, this.#data.length * 2));
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data.set(descriptor, this.#count * DESCRIPTOR_BYTES);
    this.#position.set(imageId, this.#count);
    this.#ids.push(imageId);
    this.#count++;
  }

  /** The `n` images whose best region is closest to the (unprojected) query, best first. */
  candidates(query: Float32Array, n: number, exclude?: number): { imageId: number; coarse: number }[] {
    const q = projectVector(query);
    const best = new Float32Array(this.#count);
    const data = this.#data;
    for (let i = 0; i < this.#count; i++) {
      let top = -Infinity;
      for (let r = 0; r < REGIONS; r++) {
        const base = i * DESCRIPTOR_BYTES + r * INDEX_PROJECTED_DIMS;
        let s0 = 0;
        let s1 = 0;
        for (let d = 0; d < INDEX_PROJECTED_DIMS; d += 2) {
          s0 += data[base + d]! * q[d]!;
          s1 += data[base + d + 1]! * q[d + 1]!;
        }
        if (s0 + s1 > top) top = s0 + s1;
      }
      best[i] = top / 127;
    }
    const order: number[] = [];
    for (let i = 0; i < this.#count; i++) if (this.#ids[i] !== exclude) order.push(i);
    order.sort((a, b) => best[b]! - best[a]!);
    return order.slice(0, n).map((i) => ({ imageId: this.#ids[i]!, coarse: best[i]! }));
  }
}
