import { type DenseGrid } from '../embedding-types';
import { inverseCellNorms, l2Normalize } from '../segment/grid-ops';

/** Regions per side of the coarse descriptor grid, and the projected dimension. */
export const INDEX_REGIONS_PER_SIDE = 4;
export const INDEX_PROJECTED_DIMS = 64;
const REGIONS = INDEX_REGIONS_PER_SIDE * INDEX_REGIONS_PER_SIDE;

const projections = new Map<number, Float32Array>();

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
 * A fixed Gaussian random projection dims → 64 (Johnson–Lindenstrauss): cosines survive approximately,
 * which is all the first, coarse stage of object search needs. Seeded by dims, so stored descriptors
 * stay valid across runs.
 */
export function randomProjection(dims: number): Float32Array {
  const cached = projections.get(dims);
  if (cached) return cached;
  const rand = seededUniform(0x5eed ^ dims);
  const m = new Float32Array(INDEX_PROJECTED_DIMS * dims);
  for (let i = 0; i < m.length; i += 2) {
    // Box–Muller: two normals per two uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    m[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < m.length) m[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  projections.set(dims, m);
  return m;
}

export function project(vector: Float32Array): Float32Array {
  const dims = vector.length;
  const m = randomProjection(dims);
  const out = new Float32Array(INDEX_PROJECTED_DIMS);
  for (let p = 0; p < INDEX_PROJECTED_DIMS; p++) {
    let s = 0;
    const row = p * dims;
    for (let d = 0; d < dims; d++) s += m[row + d]! * vector[d]!;
    out[p] = s;
  }
  return l2Normalize(out);
}

/**
 * An image's coarse descriptor: the grid split into 4×4 regions, each the mean of its L2-normalised cells,
 * projected to 64 dims and normalised: 16 × 64 floats (4 KB) however big the feature grid is.
 */
export function regionDescriptor(grid: DenseGrid): Float32Array {
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
  const out = new Float32Array(REGIONS * INDEX_PROJECTED_DIMS);
  for (let r = 0; r < REGIONS; r++)
    out.set(project(sums.subarray(r * dims, (r + 1) * dims)), r * INDEX_PROJECTED_DIMS);
  return out;
}

/**
 * The in-memory first stage of object search: every image's region descriptors in one flat array, scored
 * against a projected query (best region per image) with a bounded top-n selection.
 */
export class PatchIndex {
  #ids: number[] = [];
  #data = new Float32Array(0);
  #count = 0;
  readonly #position = new Map<number, number>();

  get size(): number {
    return this.#count;
  }

  has(imageId: number): boolean {
    return this.#position.has(imageId);
  }

  add(imageId: number, descriptor: Float32Array): void {
    if (descriptor.length !== REGIONS * INDEX_PROJECTED_DIMS) {
      throw new Error(
        `descriptor of image ${imageId} has ${descriptor.length} values, expected ${REGIONS * INDEX_PROJECTED_DIMS}`,
      );
    }
    const existing = this.#position.get(imageId);
    const stride = descriptor.length;
    if (existing !== undefined) {
      this.#data.set(descriptor, existing * stride);
      return;
    }
    if ((this.#count + 1) * stride > this.#data.length) {
      const grown = new Float32Array(Math.max(stride * 64, this.#data.length * 2));
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data.set(descriptor, this.#count * stride);
    this.#position.set(imageId, this.#count);
    this.#ids.push(imageId);
    this.#count++;
  }

  /** The `n` images whose best region is closest to the (unprojected) query, best first. */
  candidates(query: Float32Array, n: number, exclude?: number): { imageId: number; coarse: number }[] {
    const q = project(query);
    const stride = REGIONS * INDEX_PROJECTED_DIMS;
    const best = new Float32Array(this.#count);
    const data = this.#data;
    for (let i = 0; i < this.#count; i++) {
      let top = -Infinity;
      for (let r = 0; r < REGIONS; r++) {
        const base = i * stride + r * INDEX_PROJECTED_DIMS;
        let s = 0;
        for (let d = 0; d < INDEX_PROJECTED_DIMS; d++) s += data[base + d]! * q[d]!;
        if (s > top) top = s;
      }
      best[i] = top;
    }
    const order = Array.from({ length: this.#count }, (_, i) => i).filter((i) => this.#ids[i] !== exclude);
    order.sort((a, b) => best[b]! - best[a]!);
    return order.slice(0, n).map((i) => ({ imageId: this.#ids[i]!, coarse: best[i]! }));
  }
}
