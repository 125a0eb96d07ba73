/**
 * The COCO compressed-counts string (pycocotools `rleToString` / `rleFrString`): 5 data bits per char
 * from '0' (48), LEB128-like groups, each value from index 3 on stored as the delta to the value two back.
 * Counts live in a Uint32Array, as the C code keeps them in uint: a typed store wraps modulo 2^32 exactly
 * (ToUint32), so no floating-point modulo is needed, and a value of up to 6 chars (±2^29) stays int32.
 */

/** Where wideValue stopped reading (module state instead of an allocated tuple per value). */
let widePos = 0;

/** A value of 7 or more chars: x holds its low 30 bits, s[p] is its 7th char. Exact in doubles. */
function wideValue(s: string, p: number, x: number): number {
  let value = x;
  let scale = 2 ** 30;
  let c = 0;
  do {
    if (p >= s.length) throw new Error(`invalid RLE counts string: truncated value at position ${p}`);
    c = s.charCodeAt(p) - 48;
    if (c >>> 0 > 63) throw badChar(s, p);
    p++;
    value += (c & 0x1f) * scale;
    scale *= 32;
  } while ((c & 0x20) !== 0);
  widePos = p;
  return (c & 0x10) !== 0 ? value - scale : value;
}

function badChar(s: string, p: number): Error {
  return new Error(`invalid RLE counts string: character ${JSON.stringify(s[p])} at position ${p}`);
}

/** Parses `s` into `out` from index 0 and returns how many counts it wrote; `out` needs s.length slots. */
export function parseCountsInto(s: string, out: Uint32Array): number {
  const n = s.length;
  let m = 0;
  let p = 0;
  while (p < n) {
    let x = 0;
    let k = 0;
    let c = 0;
    do {
      if (p >= n) throw new Error(`invalid RLE counts string: truncated value at position ${p}`);
      if (k === 30) {
        x = wideValue(s, p, x);
        p = widePos;
        k = -1;
        break;
      }
      c = s.charCodeAt(p) - 48;
      if (c >>> 0 > 63) throw badChar(s, p);
      p++;
      x |= (c & 0x1f) << k;
      k += 5;
    } while ((c & 0x20) !== 0);
    if (k > 0 && (c & 0x10) !== 0) x |= -1 << k;
    out[m] = m > 2 ? x + out[m - 2]! : x;
    m++;
  }
  return m;
}

let scratch = new Uint32Array(1024);

/**
 * Counts of `s` in a module-owned buffer that the next call overwrites: for kernels that read the counts
 * once (area, bbox, IoU, merge) and must not allocate per call.
 */
export function parseCountsScratch(s: string, slot: 0 | 1 = 0): Uint32Array {
  const buf = slot === 0 ? scratchFor(s.length) : scratch2For(s.length);
  return buf.subarray(0, parseCountsInto(s, buf));
}

function scratchFor(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}

let scratch2 = new Uint32Array(1024);
function scratch2For(n: number): Uint32Array {
  if (scratch2.length < n) scratch2 = new Uint32Array(Math.max(n, scratch2.length * 2));
  return scratch2;
}

/** pycocotools `rleFrString`: a fresh Uint32Array of the counts. Throws on bad chars or a cut value. */
export function parseCounts(s: string): Uint32Array {
  return parseCountsScratch(s).slice();
}

/** The counts as a plain array (the editor and older callers). */
export function countsFromString(s: string): number[] {
  return Array.from(parseCountsScratch(s));
}

let charBuf = new Uint8Array(4096);
const CHUNK = 8192;

/** pycocotools `rleToString`. Counts up to 2^32-1; deltas are computed in doubles, emitted from int32. */
export function countsToString(counts: ArrayLike<number>): string {
  const m = counts.length;
  if (charBuf.length < m * 7) charBuf = new Uint8Array(Math.max(m * 7, charBuf.length * 2));
  const out = charBuf;
  let n = 0;
  for (let i = 0; i < m; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    if (x >= -0x40000000 && x < 0x40000000) {
      // int32 fast path: >> is the arithmetic shift the C code uses.
      for (;;) {
        const c = x & 0x1f;
        x >>= 5;
        if ((c & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = c + 0x20 + 48;
        else {
          out[n++] = c + 48;
          break;
        }
      }
    } else {
      for (;;) {
        const low = x - Math.floor(x / 32) * 32; // exact: x is an integer below 2^33 in magnitude
        x = (x - low) / 32;
        if ((low & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = low + 0x20 + 48;
        else {
          out[n++] = low + 48;
          break;
        }
      }
    }
  }
  return bytesToString(out, n);
}

function bytesToString(bytes: Uint8Array, n: number): string {
  if (n <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(0, n) as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[]);
  }
  return s;
}
