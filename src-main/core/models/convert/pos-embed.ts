/**
 * RADIO's CPE position embeddings for one input grid, computed at conversion time
 * (radio/vit_patch_generator.py `_get_pos_embeddings`, eval branch): the G×G table is resized bilinearly
 * (align_corners=False) to (max(h, w), max(h, w)) and cropped to its top-left h×w. Outside CPE mode the
 * table is cropped first and resized only if it is then smaller than the grid. Doing this here, for the
 * bundle's one fixed size, replaces the data-dependent branches that break traced exports.
 */
export function positionEmbeddingFor(
  table: Float32Array,
  grid: number,
  dims: number,
  rows: number,
  cols: number,
  cpeMode: boolean,
): Float32Array {
  if (rows === grid && cols === grid) return table.slice();
  if (cpeMode) {
    const side = Math.max(rows, cols);
    return crop(resizeBilinear(table, grid, grid, dims, side, side), side, dims, rows, cols);
  }
  const r = Math.min(rows, grid);
  const c = Math.min(cols, grid);
  const cropped = crop(table, grid, dims, r, c);
  return r === rows && c === cols ? cropped : resizeBilinear(cropped, r, c, dims, rows, cols);
}

/** Top-left rows×cols of an [H, W, D] table whose rows are `width` wide. */
function crop(src: Float32Array, width: number, dims: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols * dims);
  for (let y = 0; y < rows; y++)
    out.set(src.subarray(y * width * dims, (y * width + cols) * dims), y * cols * dims);
  return out;
}

/** Source taps of torch's bilinear interpolation (align_corners=False, no antialias) along one axis. */
function taps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const t = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    t[o] = src - lo;
  }
  return { i0, i1, t };
}

function resizeBilinear(
  src: Float32Array,
  inH: number,
  inW: number,
  dims: number,
  outH: number,
  outW: number,
): Float32Array {
  const ty = taps(inH, outH);
  const tx = taps(inW, outW);
  const out = new Float32Array(outH * outW * dims);
  for (let y = 0; y < outH; y++) {
    const r0 = ty.i0[y]! * inW;
    const r1 = ty.i1[y]! * inW;
    const wy = ty.t[y]!;
    for (let x = 0; x < outW; x++) {
      const c0 = tx.i0[x]!;
      const c1 = tx.i1[x]!;
      const wx = tx.t[x]!;
      const a = (r0 + c0) * dims;
      const b = (r0 + c1) * dims;
      const c = (r1 + c0) * dims;
      const d = (r1 + c1) * dims;
      const o = (y * outW + x) * dims;
      for (let k = 0; k < dims; k++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * wx;
        const bottom = src[c + k]! + (src[d + k]! - src[c + k]!) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}
