/**
 * Row-wise RLE encode/decode for word-aligned masks: the mask is read or written row by row, 4 pixels per
 * 32-bit word, instead of walking it column by column (the column-major order of COCO RLE).
 */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Rows can be read as whole 32-bit words (4 pixels at a time). */
export function wordAligned(mask: Uint8Array | undefined, widthPx: number): boolean {
  return LITTLE_ENDIAN && widthPx % 4 === 0 && (mask === undefined || mask.byteOffset % 4 === 0);
}

/**
 * Encoder that reads the mask row by row (sequential memory): XOR of consecutive rows, 4 pixels per
 * 32-bit word, gives each column's transitions; runs follow from them in column-major order.
 * Returns undefined when a byte is neither 0 nor 1 (the strided walk handles those).
 */
export function maskToCountsByRows(mask: Uint8Array, w: number, h: number): number[] | undefined {
  const wpr = w >> 2;
  const words = new Uint32Array(mask.buffer, mask.byteOffset, (w * h) >> 2);
  for (let k = 0; k < wpr; k++) if ((words[k]! & 0xfefefefe) !== 0) return undefined;
  let cap = 1024;
  let tx = new Int32Array(cap);
  let ty = new Int32Array(cap);
  let n = 0;
  const perCol = new Int32Array(w + 1);
  for (let y = 1; y < h; y++) {
    const base = y * wpr;
    for (let k = 0; k < wpr; k++) {
      const cur = words[base + k]!;
      if ((cur & 0xfefefefe) !== 0) return undefined;
      const d = cur ^ words[base - wpr + k]!;
      if (d === 0) continue;
      for (let b = 0; b < 4; b++) {
        if (((d >>> (8 * b)) & 0xff) === 0) continue;
        if (n === cap) {
          cap *= 2;
          const gx = new Int32Array(cap);
          gx.set(tx);
          tx = gx;
          const gy = new Int32Array(cap);
          gy.set(ty);
          ty = gy;
        }
        const x = (k << 2) + b;
        tx[n] = x;
        ty[n] = y;
        perCol[x + 1]!++;
        n++;
      }
    }
  }
  // Counting sort by column; rows stay increasing within a column.
  for (let x = 0; x < w; x++) perCol[x + 1]! += perCol[x]!;
  const ys = new Int32Array(n);
  const fill = perCol.slice(0, w);
  for (let i = 0; i < n; i++) ys[fill[tx[i]!]!++] = ty[i]!;
  const counts: number[] = [];
  let last = 0;
  let prev = 0;
  const lastRow = (h - 1) * w;
  for (let x = 0; x < w; x++) {
    const colStart = x * h;
    if (mask[x] !== prev) {
      counts.push(colStart - last);
      last = colStart;
    }
    for (let i = perCol[x]!, end = perCol[x + 1]!; i < end; i++) {
      const p = colStart + ys[i]!;
      counts.push(p - last);
      last = p;
    }
    prev = mask[lastRow + x]!;
  }
  counts.push(w * h - last);
  return counts;
}

/**
 * Decoder that marks where each column's value flips, then resolves the flips with a running XOR down
 * the rows, 4 pixels per 32-bit word: sequential memory instead of a strided walk.
 */
export function countsToMaskByRows(counts: readonly number[], h: number, w: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (i % 2 === 1 && c > 0) {
      const xs = Math.floor(pos / h);
      const ys = pos - xs * h;
      const last = pos + c - 1;
      const xe = Math.floor(last / h);
      const ye = last - xe * h;
      mask[ys * w + xs]! ^= 1;
      for (let x = xs + 1; x <= xe; x++) mask[x]! ^= 1;
      if (ye + 1 < h) mask[(ye + 1) * w + xe]! ^= 1;
    }
    pos += c;
  }
  const wpr = w >> 2;
  const words = new Uint32Array(mask.buffer, 0, (w * h) >> 2);
  for (let y = 1; y < h; y++) {
    const base = y * wpr;
    for (let k = 0; k < wpr; k++) words[base + k]! ^= words[base - wpr + k]!;
  }
  return mask;
}
