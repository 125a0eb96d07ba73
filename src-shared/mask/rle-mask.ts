import { wasmEncodeMask } from './wasm/kernels';
import { assertSize, normalizeWord, tailWord } from './words';

let transitionCols = new Int32Array(4096);

/**
 * Column-major run lengths of a row-major mask, as pycocotools `rleEncode` (starts with a 0-run).
 * Row y is XORed with row y−1 a little-endian word at a time, read in place whatever the width or the
 * view's offset (runs of four equal words skipped with one test).
 */
export function maskToCounts(mask: Uint8Array, widthPx: number, heightPx: number): Uint32Array {
  checkMaskSize(mask, widthPx, heightPx);
  return wasmEncodeMask(mask, widthPx, heightPx, false)?.counts ?? maskToCountsTs(mask, widthPx, heightPx);
}

export function checkMaskSize(mask: Uint8Array, widthPx: number, heightPx: number): void {
  assertSize(widthPx, heightPx);
  if (mask.length !== widthPx * heightPx) {
    throw new Error(`mask has ${mask.length} pixels, expected ${widthPx}×${heightPx}=${widthPx * heightPx}`);
  }
}

/** maskToCounts in TypeScript (the Wasm kernel's twin), for a mask of the right size. */
export function maskToCountsTs(mask: Uint8Array, widthPx: number, heightPx: number): Uint32Array {
  const w = widthPx;
  const h = heightPx;
  const view = new DataView(mask.buffer, mask.byteOffset, mask.byteLength);
  const full = w >> 2;
  const tail = w & 3;
  const words = tail > 0 ? full + 1 : full;
  const rowFirst = new Int32Array(h + 1);
  const perCol = new Int32Array(w + 1);
  let tx = transitionCols;
  let n = 0;
  for (let y = 1; y < h; y++) {
    rowFirst[y] = n;
    const cur = y * w;
    const prev = cur - w;
    // Transitions in this row: at most one per column.
    if (tx.length < n + w) {
      const grown = new Int32Array(Math.max(n + w, 2 * tx.length));
      grown.set(tx.subarray(0, n));
      tx = grown;
    }
    let k = 0;
    while (k < words) {
      while (
        k + 3 < full &&
        ((view.getInt32(cur + 4 * k, true) ^ view.getInt32(prev + 4 * k, true)) |
          (view.getInt32(cur + 4 * k + 4, true) ^ view.getInt32(prev + 4 * k + 4, true)) |
          (view.getInt32(cur + 4 * k + 8, true) ^ view.getInt32(prev + 4 * k + 8, true)) |
          (view.getInt32(cur + 4 * k + 12, true) ^ view.getInt32(prev + 4 * k + 12, true))) ===
          0
      ) {
        k += 4;
      }
      if (k >= words) break;
      const c = k < full ? view.getInt32(cur + 4 * k, true) : tailWord(mask, cur + 4 * k, tail);
      const q = k < full ? view.getInt32(prev + 4 * k, true) : tailWord(mask, prev + 4 * k, tail);
      let d = ((c | q) & 0xfefefefe) === 0 ? c ^ q : normalizeWord(c) ^ normalizeWord(q);
      while (d !== 0) {
        const low = d & -d;
        const x = (k << 2) | ((31 - Math.clz32(low)) >> 3);
        tx[n++] = x;
        perCol[x + 1]!++;
        d &= ~(0xff << ((x & 3) << 3));
      }
      k++;
    }
  }
  rowFirst[h] = n;
  transitionCols = tx;
  // Counting sort by column; rows stay increasing within a column.
  for (let x = 0; x < w; x++) perCol[x + 1]! += perCol[x]!;
  const ys = new Int32Array(n);
  const fill = perCol.slice(0, w);
  for (let y = 1; y < h; y++) {
    for (let i = rowFirst[y]!, end = rowFirst[y + 1]!; i < end; i++) ys[fill[tx[i]!]!++] = y;
  }
  const counts = new Uint32Array(n + w + 1);
  let m = 0;
  let last = 0;
  let value = false;
  const lastRow = (h - 1) * w;
  for (let x = 0; x < w; x++) {
    const colStart = x * h;
    if ((mask[x] !== 0) !== value) {
      counts[m++] = colStart - last;
      last = colStart;
    }
    for (let i = perCol[x]!, end = perCol[x + 1]!; i < end; i++) {
      const p = colStart + ys[i]!;
      counts[m++] = p - last;
      last = p;
    }
    value = mask[lastRow + x] !== 0;
  }
  counts[m++] = w * h - last;
  return counts.slice(0, m);
}

/**
 * Visits every foreground run as vertical segments: column x, rows y0 ≤ y < y1, in column-major order.
 * Throws when the runs go past heightPx × widthPx pixels.
 */
export function forEachColumnSegment(
  counts: ArrayLike<number>,
  heightPx: number,
  widthPx: number,
  visit: (x: number, y0: number, y1: number) => void,
): void {
  const h = heightPx;
  const total = h * widthPx;
  let pos = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (pos + c > total) throw new Error(`invalid RLE: runs sum past ${heightPx}×${widthPx}=${total} pixels`);
    pos += c;
    if ((i & 1) === 1) {
      let left = c;
      while (left > 0) {
        const span = left < h - y ? left : h - y;
        visit(x, y, y + span);
        left -= span;
        y += span;
        if (y === h) {
          y = 0;
          x++;
        }
      }
    } else {
      y += c;
      if (y >= h) {
        const q = Math.floor(y / h);
        x += q;
        y -= q * h;
      }
    }
  }
}

/** Row-major 0/1 mask from counts; throws (like pycocotools ≥2.0.8) if the runs overflow h*w. */
export function countsToMask(counts: ArrayLike<number>, heightPx: number, widthPx: number): Uint8Array {
  assertSize(widthPx, heightPx);
  const w = widthPx;
  const h = heightPx;
  const total = w * h;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i]!;
  if (sum > total) throw new Error(`invalid RLE: runs sum past ${h}×${w}=${total} pixels`);
  // Flips where each column's value changes, on a padded stride so rows are whole words.
  const stride = (w + 3) & ~3;
  const out = new Uint8Array(total);
  const buf = stride === w ? out : new Uint8Array(stride * h);
  let x = 0;
  let y = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if ((i & 1) === 1 && c > 0) {
      let ye = y + c - 1;
      let xe = x;
      if (ye >= h) {
        const q = Math.floor(ye / h);
        xe += q;
        ye -= q * h;
      }
      buf[y * stride + x]! ^= 1;
      for (let col = x + 1; col <= xe; col++) buf[col]! ^= 1;
      if (ye + 1 < h) buf[(ye + 1) * stride + xe]! ^= 1;
    }
    y += c;
    if (y >= h) {
      const q = Math.floor(y / h);
      x += q;
      y -= q * h;
    }
  }
  const wpr = stride >> 2;
  const words = new Uint32Array(buf.buffer, buf.byteOffset, (stride * h) >> 2);
  for (let r = 1; r < h; r++) {
    const base = r * wpr;
    for (let k = 0; k < wpr; k++) words[base + k]! ^= words[base - wpr + k]!;
  }
  if (buf !== out) for (let r = 0; r < h; r++) out.set(buf.subarray(r * stride, r * stride + w), r * w);
  return out;
}

/** A window of a mask: position in the image and size, in pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** The part of an RLE mask inside `rect`, row-major rect.widthPx × rect.heightPx, values 0/1. */
export function countsToCropMask(
  counts: ArrayLike<number>,
  heightPx: number,
  widthPx: number,
  rect: PixelRect,
): Uint8Array {
  const cw = rect.widthPx;
  const out = new Uint8Array(cw * rect.heightPx);
  const rx1 = rect.x + cw;
  const ry1 = rect.y + rect.heightPx;
  forEachColumnSegment(counts, heightPx, widthPx, (x, y0, y1) => {
    if (x < rect.x || x >= rx1) return;
    const a = y0 > rect.y ? y0 : rect.y;
    const b = y1 < ry1 ? y1 : ry1;
    for (let y = a, idx = (a - rect.y) * cw + (x - rect.x); y < b; y++, idx += cw) out[idx] = 1;
  });
  return out;
}

/**
 * Counts of a whole image that is background except for a row-major crop placed at (rect.x, rect.y);
 * crop pixels outside the image are dropped.
 */
export function cropMaskToCounts(
  crop: Uint8Array,
  rect: PixelRect,
  imageHeightPx: number,
  imageWidthPx: number,
): Uint32Array {
  const H = imageHeightPx;
  const total = H * imageWidthPx;
  if (rect.widthPx <= 0 || rect.heightPx <= 0) return Uint32Array.of(total);
  const local = maskToCounts(crop, rect.widthPx, rect.heightPx);
  // A crop's run that wraps from one column to the next becomes one run per image column: room for the
  // crop's runs plus one split per column (typed arrays drop writes past their end without a word).
  const out = new Uint32Array(local.length + 2 * rect.widthPx + 2);
  let m = 0;
  let last = 0; // image position where the last emitted run ended
  let fgStart = -1;
  let fgEnd = -1;
  forEachColumnSegment(local, rect.heightPx, rect.widthPx, (cx, cy0, cy1) => {
    const X = rect.x + cx;
    if (X < 0 || X >= imageWidthPx) return;
    const y0 = rect.y + cy0 < 0 ? 0 : rect.y + cy0;
    const y1 = rect.y + cy1 > H ? H : rect.y + cy1;
    if (y1 <= y0) return;
    const p0 = X * H + y0;
    const p1 = X * H + y1;
    if (p0 === fgEnd) {
      fgEnd = p1; // continues the previous run across a column boundary
      return;
    }
    if (fgStart >= 0) {
      out[m++] = fgStart - last;
      out[m++] = fgEnd - fgStart;
      last = fgEnd;
    }
    fgStart = p0;
    fgEnd = p1;
  });
  if (fgStart >= 0) {
    out[m++] = fgStart - last;
    out[m++] = fgEnd - fgStart;
    last = fgEnd;
  }
  if (last < total || m === 0) out[m++] = total - last;
  return out.slice(0, m);
}
