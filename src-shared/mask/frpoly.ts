import { Int32Scratch } from './scratch';
import { assertSize } from './words';

/**
 * pycocotools `rleFrPoly`, bit for bit: the polygon is upsampled ×5 and rounded, each edge is traced on
 * that grid (endpoints included, in the original edge order), and every step across a pixel-column
 * centre becomes a run boundary. The trace is fused with the crossing test, so no per-point arrays are
 * built; the crossing and row arithmetic is integer (the ×5 grid makes "x = column + ½" an x ≡ 2 mod 5
 * test). Only the edge interpolation stays in doubles, exactly as the C code computes it.
 */

let boundaries = new Uint32Array(1024);
let sortedBoundaries = new Uint32Array(1024);
const boundaryCols = new Int32Scratch(1024);
const perColumn = new Int32Scratch(1024);

/** Sorts out[from .. end) in place; for the few points of one column or of a small polygon. */
function insertionSort(out: Uint32Array, from: number, end: number): void {
  for (let i = from + 1; i < end; i++) {
    const v = out[i]!;
    let j = i - 1;
    while (j >= from && out[j]! > v) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
}

/**
 * The first n boundary points of `a` (position col·h + row, row ≤ h; columns in cols, between minCol
 * and maxCol) sorted: a counting sort on the columns, then an insertion sort within each column. A
 * polygon crosses each column a few times, so this is linear, where a comparison sort of all points
 * took half of frPoly on large masks. Columns partition the positions in order (a row of h ties with
 * the next column's row 0: equal values).
 */
function sortBoundaries(
  a: Uint32Array,
  cols: Int32Array,
  n: number,
  minCol: number,
  maxCol: number,
): Uint32Array {
  if (sortedBoundaries.length < n + 1) sortedBoundaries = new Uint32Array(Math.max(n + 1, 2 * n));
  const out = sortedBoundaries;
  if (n <= 64) {
    out.set(a.subarray(0, n));
    insertionSort(out, 0, n);
    return out;
  }
  const span = maxCol - minCol + 1;
  const start = perColumn.take(span + 1).fill(0, 0, span + 1);
  for (let i = 0; i < n; i++) start[cols[i]! - minCol + 1]!++;
  for (let x = 0; x < span; x++) start[x + 1]! += start[x]!;
  for (let i = 0; i < n; i++) out[start[cols[i]! - minCol]!++] = a[i]!;
  // start[x] is now where column minCol + x ends.
  let from = 0;
  for (let x = 0; x < span; x++) {
    const end = start[x]!;
    if (end - from > 32) out.subarray(from, end).sort();
    else insertionSort(out, from, end);
    from = end;
  }
  return out;
}

/** Counts (column-major runs) of one polygon given as a flat x,y list. */
export function polygonToCounts(xy: ArrayLike<number>, heightPx: number, widthPx: number): Uint32Array {
  assertSize(widthPx, heightPx);
  if (xy.length % 2 !== 0) throw new Error(`polygon has an odd number of coordinates (${xy.length})`);
  for (let i = 0; i < xy.length; i++) {
    if (!Number.isFinite(xy[i])) throw new Error(`polygon coordinate ${i} is not a finite number`);
  }
  const k = xy.length / 2;
  const h = heightPx;
  const total = h * widthPx;
  if (k === 0) return Uint32Array.of(total);
  // Boundary points: at most one per traced grid step, plus the closing h*w.
  let steps = 0;
  let px = Math.trunc(5 * xy[0]! + 0.5);
  let py = Math.trunc(5 * xy[1]! + 0.5);
  const x0 = px;
  const y0 = py;
  for (let j = 1; j <= k; j++) {
    const nx = j < k ? Math.trunc(5 * xy[2 * j]! + 0.5) : x0;
    const ny = j < k ? Math.trunc(5 * xy[2 * j + 1]! + 0.5) : y0;
    steps += Math.max(Math.abs(nx - px), Math.abs(ny - py)) + 1;
    px = nx;
    py = ny;
  }
  if (boundaries.length < steps + 1) boundaries = new Uint32Array(Math.max(steps + 1, 2 * boundaries.length));
  const a = boundaries;
  const cols = boundaryCols.take(steps + 1);
  let lowCol = widthPx;
  let highCol = 0;
  let na = 0;
  // Previous traced grid point (u, v); "none" before the first one.
  let first = true;
  let pu = 0;
  let pv = 0;
  const maxCol = widthPx - 1;
  px = x0;
  py = y0;
  for (let j = 1; j <= k; j++) {
    const nx = j < k ? Math.trunc(5 * xy[2 * j]! + 0.5) : x0;
    const ny = j < k ? Math.trunc(5 * xy[2 * j + 1]! + 0.5) : y0;
    let xs = px;
    let xe = nx;
    let ys = py;
    let ye = ny;
    px = nx;
    py = ny;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      let t = xs;
      xs = xe;
      xe = t;
      t = ys;
      ys = ye;
      ye = t;
    }
    const stepX = dx >= dy;
    const dmax = stepX ? dx : dy;
    // dx = dy = 0 is 0/0 in C too; a lone point never makes a crossing, so its v is irrelevant.
    const s = stepX ? (dx === 0 ? 0 : (ye - ys) / dx) : (xe - xs) / dy;
    for (let d = 0; d <= dmax; d++) {
      const t = flip ? dmax - d : d;
      let u: number;
      let v: number;
      if (stepX) {
        u = t + xs;
        v = Math.trunc(ys + s * t + 0.5);
      } else {
        v = t + ys;
        u = Math.trunc(xs + s * t + 0.5);
      }
      if (!first && u !== pu) {
        // The step crosses x = (xd + ½)/5 − ½ on the pixel grid; keep it when that is a column centre.
        const xr = u < pu ? u : u - 1;
        const off = xr - 2;
        if (off >= 0 && off % 5 === 0) {
          const col = off / 5;
          if (col <= maxCol) {
            // Row: ceil(clamp((min(v, pv) − 2) / 5, 0, h)).
            const yr = (v < pv ? v : pv) - 2;
            let row = yr <= 0 ? 0 : ((yr + 4) / 5) | 0;
            if (row > h) row = h;
            cols[na] = col;
            a[na++] = col * h + row;
            if (col < lowCol) lowCol = col;
            if (col > highCol) highCol = col;
          }
        }
      }
      first = false;
      pu = u;
      pv = v;
    }
  }
  const sorted = sortBoundaries(a, cols, na, lowCol, highCol);
  sorted[na++] = total;
  // Successive differences; equal boundary points cancel: a zero difference is dropped and the next
  // difference joins the previous run.
  const counts = new Uint32Array(na);
  let prev = 0;
  let m = 0;
  let j = 0;
  while (j < na) {
    const diff = sorted[j]! - prev;
    prev = sorted[j]!;
    j++;
    if (diff > 0 || m === 0) {
      counts[m++] = diff;
    } else if (j < na) {
      counts[m - 1]! += sorted[j]! - prev;
      prev = sorted[j]!;
      j++;
    }
  }
  return counts.slice(0, m);
}

/** pycocotools `frBbox`: the polygon of the box's four corners. */
export function bboxToCounts(
  bbox: readonly [number, number, number, number],
  heightPx: number,
  widthPx: number,
): Uint32Array {
  const [x, y, w, h] = bbox;
  return polygonToCounts([x, y, x, y + h, x + w, y + h, x + w, y], heightPx, widthPx);
}

/**
 * Even-odd fill of rings, each rasterised exactly as pycocotools frPoly: the XOR of the rings' masks.
 * Every run boundary flips the rest of its column-major order; that becomes one flip where it lands in
 * its column plus a parity carried to the top of each later column, resolved by an XOR down the rows.
 */
export function ringsToMask(
  rings: readonly ArrayLike<number>[],
  widthPx: number,
  heightPx: number,
): Uint8Array {
  const w = widthPx;
  const h = heightPx;
  const total = w * h;
  const stride = (w + 3) & ~3;
  const out = new Uint8Array(total);
  const buf = stride === w ? out : new Uint8Array(stride * h);
  const colParity = new Uint8Array(w + 1);
  for (const ring of rings) {
    const counts = polygonToCounts(ring, h, w);
    let pos = 0;
    for (let i = 0; i < counts.length - 1; i++) {
      pos += counts[i]!;
      if (pos >= total) continue;
      const x = Math.floor(pos / h);
      const y = pos - x * h;
      buf[y * stride + x]! ^= 1;
      colParity[x + 1]! ^= 1;
    }
  }
  // Column x starts with the parity of every flip in the columns before it.
  let carry = 0;
  for (let x = 0; x < w; x++) {
    carry ^= colParity[x]!;
    buf[x]! ^= carry;
  }
  const wpr = stride >> 2;
  const words = new Uint32Array(buf.buffer, buf.byteOffset, wpr * h);
  for (let r = 1; r < h; r++) {
    const base = r * wpr;
    for (let k = 0; k < wpr; k++) words[base + k]! ^= words[base - wpr + k]!;
  }
  if (buf !== out) for (let r = 0; r < h; r++) out.set(buf.subarray(r * stride, r * stride + w), r * w);
  return out;
}
