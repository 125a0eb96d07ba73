/**
 * The COCO compressed-counts string (pycocotools `rleToString` / `rleFrString`): 5 data bits per char
 * from '0' (48), LEB128-like groups, each value from index 3 on stored as the delta to the value two back.
 * Counts live in a Uint32Array, as the C code keeps them in uint; decoding sums in int32 (which wraps
 * modulo 2^32 as uint does), so no floating-point modulo is needed, and a value of up to 6 chars (±2^29)
 * never leaves int32.
 */

function badChar(s: string, p: number): Error {
  if (p >= s.length) return new Error(`invalid RLE counts string: truncated value at position ${p}`);
  return new Error(`invalid RLE counts string: character ${JSON.stringify(s[p])} at position ${p}`);
}

/** A value of 7 or more chars, from its 7th char at p; x holds its low 30 bits. Exact in doubles. */
function wideValue(s: string, p: number, x: number): number {
  let value = x;
  let scale = 2 ** 30;
  let c = 0;
  do {
    c = p < s.length ? s.charCodeAt(p) - 48 : -1;
    if (c >>> 0 > 63) throw badChar(s, p);
    p++;
    value += (c & 0x1f) * scale;
    scale *= 32;
  } while ((c & 0x20) !== 0);
  widePos = p;
  return (c & 0x10) !== 0 ? value - scale : value;
}

/** Where wideValue stopped (module state: it is rare, and a tuple would allocate). */
let widePos = 0;

/**
 * Parses `s` into `out` from index 0 and returns how many counts it wrote; `out` needs s.length slots.
 * One and two chars (|value| < 512: nearly every count) take a straight path. The sums are int32 (an
 * Int32Array over the same memory), wrapping modulo 2^32 exactly as the uint store of the C code does.
 */
export function parseCountsInto(s: string, out: Uint32Array): number {
  const o = new Int32Array(out.buffer, out.byteOffset, out.length);
  const n = s.length;
  let m = 0;
  let p = 0;
  // The two latest values, kept in registers for the delta (no reload of what was just stored).
  let back1 = 0;
  let back2 = 0;
  while (p < n) {
    const c0 = s.charCodeAt(p) - 48;
    if (c0 >>> 0 > 63) throw badChar(s, p);
    p++;
    let x: number;
    if ((c0 & 0x20) === 0) {
      x = (c0 << 27) >> 27; // 5 bits, sign bit 0x10
    } else {
      const c1 = p < n ? s.charCodeAt(p) - 48 : -1;
      if (c1 >>> 0 > 63) throw badChar(s, p);
      p++;
      x = (c0 & 0x1f) | ((c1 & 0x1f) << 5);
      if ((c1 & 0x20) === 0) {
        x = (x << 22) >> 22;
      } else {
        let k = 10;
        let c = c1;
        do {
          if (k === 30) {
            x = wideValue(s, p, x); // bits from 30 on do not fit int32
            p = widePos;
            k = 0;
            break;
          }
          c = p < n ? s.charCodeAt(p) - 48 : -1;
          if (c >>> 0 > 63) throw badChar(s, p);
          p++;
          x |= (c & 0x1f) << k;
          k += 5;
        } while ((c & 0x20) !== 0);
        if (k > 0 && (c & 0x10) !== 0) x |= -1 << k;
      }
    }
    const v = m > 2 ? (x + back2) | 0 : x | 0;
    o[m++] = v;
    back2 = back1;
    back1 = v;
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

/** Char codes of the string being built; a plain array, which String.fromCharCode.apply takes fastest. */
let charCodes: number[] = [];
const CHUNK = 8192;

/** pycocotools `rleToString`. Counts up to 2^32-1; deltas are exact doubles, emitted from int32 when they fit. */
export function countsToString(counts: ArrayLike<number>): string {
  const m = counts.length;
  if (charCodes.length < m * 7) charCodes = new Array<number>(m * 7).fill(0);
  const out = charCodes;
  let n = 0;
  for (let i = 0; i < m; i++) {
    const d = i > 2 ? counts[i]! - counts[i - 2]! : counts[i]!;
    if (d >= -16 && d < 16) {
      out[n++] = (d & 0x1f) + 0x30;
    } else if (d >= -512 && d < 512) {
      out[n++] = (d & 0x1f) + 0x50;
      out[n++] = ((d >> 5) & 0x1f) + 0x30;
    } else if (d >= -0x40000000 && d < 0x40000000) {
      // int32: >> is the arithmetic shift the C code uses.
      let x = d | 0;
      for (;;) {
        const c = x & 0x1f;
        x >>= 5;
        if ((c & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = c + 0x50;
        else {
          out[n++] = c + 0x30;
          break;
        }
      }
    } else {
      let x = d;
      for (;;) {
        const c = x - Math.floor(x / 32) * 32; // exact: |x| < 2^33
        x = (x - c) / 32;
        if ((c & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = c + 0x50;
        else {
          out[n++] = c + 0x30;
          break;
        }
      }
    }
  }
  if (n <= CHUNK) return String.fromCharCode.apply(null, out.slice(0, n));
  // join makes one flat string (concatenation would leave a rope that every later read walks through).
  const parts: string[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    parts.push(String.fromCharCode.apply(null, out.slice(i, i + CHUNK < n ? i + CHUNK : n)));
  }
  return parts.join('');
}
