import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';

/**
 * Feature-grid primitives: cosine maps, feature sampling, and the image-pixel ↔ grid mapping. The
 * encoder input is the whole image stretched to inputW×inputH (no letterbox), and the grid tiles that
 * input with patchPx cells, so a pixel centre (x+.5) lands at grid coordinate (x+.5)·sx − .5.
 */

/** Grid cells per image pixel along each axis. */
export function gridScale(mapping: PixelPatchMapping): { sx: number; sy: number } {
  return {
    sx: mapping.inputWidthPx / mapping.imageWidthPx / mapping.patchPx,
    sy: mapping.inputHeightPx / mapping.imageHeightPx / mapping.patchPx,
  };
}

export function assertGrid(grid: DenseGrid, what: string): void {
  const { gridH, gridW, dims, data } = grid;
  if (!(gridH > 0 && gridW > 0 && dims > 0) || data.length !== gridH * gridW * dims) {
    throw new Error(`${what}: grid ${gridH}×${gridW}×${dims} does not match its ${data.length} values`);
  }
}

// Per-grid inverse norms, computed once per cached embedding (grids are immutable once produced).
const inverseNormCache = new WeakMap<Float32Array, Float32Array>();

/** 1/‖cell‖ for every cell (0 for an all-zero cell). */
export function inverseCellNorms(grid: DenseGrid): Float32Array {
  const cached = inverseNormCache.get(grid.data);
  if (cached && cached.length === grid.gridH * grid.gridW) return cached;
  const { data, dims } = grid;
  const cells = grid.gridH * grid.gridW;
  const out = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    const base = c * dims;
    let s0 = 0;
    let s1 = 0;
    let d = 0;
    for (; d + 1 < dims; d += 2) {
      const a = data[base + d]!;
      const b = data[base + d + 1]!;
      s0 += a * a;
      s1 += b * b;
    }
    if (d < dims) s0 += data[base + d]! ** 2;
    const n = Math.sqrt(s0 + s1);
    out[c] = n > 0 ? 1 / n : 0;
  }
  inverseNormCache.set(grid.data, out);
  return out;
}

export function l2Normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

/** Cosine similarity of every cell with each query (queries need not be normalised). */
export function cosineMaps(grid: DenseGrid, queries: readonly Float32Array[]): Float32Array[] {
  const { data, dims } = grid;
  const cells = grid.gridH * grid.gridW;
  const inv = inverseCellNorms(grid);
  return queries.map((q0, k) => {
    if (q0.length !== dims) throw new Error(`query ${k} has ${q0.length} dims, the grid has ${dims}`);
    const q = l2Normalize(q0);
    const out = new Float32Array(cells);
    // Two cells per pass share each query load, and two accumulators per cell break the add chain
    // (together ≈2.5× faster than one plain loop in V8).
    const even = dims - (dims % 2);
    let c = 0;
    for (; c + 1 < cells; c += 2) {
      const a = c * dims;
      const b = a + dims;
      let s0 = 0;
      let s1 = 0;
      let t0 = 0;
      let t1 = 0;
      for (let d = 0; d < even; d += 2) {
        const q0 = q[d]!;
        const q1 = q[d + 1]!;
        s0 += data[a + d]! * q0;
        s1 += data[a + d + 1]! * q1;
        t0 += data[b + d]! * q0;
        t1 += data[b + d + 1]! * q1;
      }
      if (even < dims) {
        s0 += data[a + even]! * q[even]!;
        t0 += data[b + even]! * q[even]!;
      }
      out[c] = (s0 + s1) * inv[c]!;
      out[c + 1] = (t0 + t1) * inv[c + 1]!;
    }
    if (c < cells) {
      let s0 = 0;
      for (let d = 0; d < dims; d++) s0 += data[c * dims + d]! * q[d]!;
      out[c] = s0 * inv[c]!;
    }
    return out;
  });
}

// Cosine maps of queries that recur on every call for an image (the background prompt), per grid.
const recurringCosineCache = new WeakMap<Float32Array, Map<string, Float32Array>>();

/** cosineMaps for one query, memoised per (grid, query content); for queries reused on every call. */
export function cachedCosineMap(grid: DenseGrid, query: Float32Array): Float32Array {
  let perGrid = recurringCosineCache.get(grid.data);
  if (!perGrid) {
    perGrid = new Map();
    recurringCosineCache.set(grid.data, perGrid);
  }
  const key = queryKey(query);
  const hit = perGrid.get(key);
  if (hit) return hit;
  const map = cosineMaps(grid, [query])[0]!;
  if (perGrid.size >= 8) perGrid.clear();
  perGrid.set(key, map);
  return map;
}

function queryKey(q: Float32Array): string {
  // FNV-1a over the bytes: collisions would need equal length and hash, and only cost a wrong cache hit
  // between two recurring queries of one grid.
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  let hsh = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hsh = Math.imul(hsh ^ bytes[i]!, 0x01000193);
  return `${q.length}:${(hsh >>> 0).toString(16)}`;
}

/** The grid feature at image pixel (xPx, yPx), bilinear between cell centres (align-corners false). */
export function sampleFeature(
  grid: DenseGrid,
  mapping: PixelPatchMapping,
  xPx: number,
  yPx: number,
): Float32Array {
  const { sx, sy } = gridScale(mapping);
  const gx = clamp(xPx * sx - 0.5, 0, grid.gridW - 1);
  const gy = clamp(yPx * sy - 0.5, 0, grid.gridH - 1);
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(x0 + 1, grid.gridW - 1);
  const y1 = Math.min(y0 + 1, grid.gridH - 1);
  const fx = gx - x0;
  const fy = gy - y0;
  const out = new Float32Array(grid.dims);
  const corners: [number, number, number][] = [
    [x0, y0, (1 - fx) * (1 - fy)],
    [x1, y0, fx * (1 - fy)],
    [x0, y1, (1 - fx) * fy],
    [x1, y1, fx * fy],
  ];
  for (const [cx, cy, wgt] of corners) {
    if (wgt === 0) continue;
    const base = (cy * grid.gridW + cx) * grid.dims;
    for (let d = 0; d < grid.dims; d++) out[d]! += wgt * grid.data[base + d]!;
  }
  return out;
}

/** Mean feature of the cells whose centres fall in an image-pixel rectangle (at least the nearest cell). */
export function meanFeatureInRect(
  grid: DenseGrid,
  mapping: PixelPatchMapping,
  rect: { x: number; y: number; widthPx: number; heightPx: number },
): Float32Array {
  const { sx, sy } = gridScale(mapping);
  let gx0 = Math.ceil(rect.x * sx - 0.5);
  let gx1 = Math.floor((rect.x + rect.widthPx) * sx - 0.5);
  let gy0 = Math.ceil(rect.y * sy - 0.5);
  let gy1 = Math.floor((rect.y + rect.heightPx) * sy - 0.5);
  if (gx1 < gx0) gx0 = gx1 = Math.round((rect.x + rect.widthPx / 2) * sx - 0.5);
  if (gy1 < gy0) gy0 = gy1 = Math.round((rect.y + rect.heightPx / 2) * sy - 0.5);
  gx0 = clamp(gx0, 0, grid.gridW - 1);
  gx1 = clamp(gx1, 0, grid.gridW - 1);
  gy0 = clamp(gy0, 0, grid.gridH - 1);
  gy1 = clamp(gy1, 0, grid.gridH - 1);
  const out = new Float32Array(grid.dims);
  const inv = inverseCellNorms(grid);
  let n = 0;
  for (let gy = gy0; gy <= gy1; gy++) {
    for (let gx = gx0; gx <= gx1; gx++) {
      const c = gy * grid.gridW + gx;
      const base = c * grid.dims;
      // Normalised cells so that one high-energy cell does not dominate the prototype.
      for (let d = 0; d < grid.dims; d++) out[d]! += grid.data[base + d]! * inv[c]!;
      n++;
    }
  }
  for (let d = 0; d < grid.dims; d++) out[d]! /= n;
  return out;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
