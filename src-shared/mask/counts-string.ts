import { asciiBytes, asciiString, byteScratch } from './ascii';

/**
 * The COCO compressed-counts string (pycocotools `rleToString` / `rleFrString`): 5 data bits per char
 * from '0' (48), LEB128-like groups, each value from index 3 on stored as the delta to the value two back.
 * Counts live in a Uint32Array, as the C code keeps them in uint; decoding sums in int32 (which wraps
 * modulo 2^32 as uint does), so no floating-point modulo is needed, and a value of up to 6 chars (±2^29)
 * never leaves int32. Strings are read and written as ASCII bytes (see ./ascii): a typed-array loop
 * over bytes runs about twice as fast as charCodeAt, and one native decode beats building by char code.
 */

function badChar(s: string, p: number): Error {
  if (p >= s.length) return new Error(`invalid RLE counts string: truncated value at position ${p}`);
  return new Error(`invalid RLE counts string: character ${JSON.stringify(s[p])} at position ${p}`);
}

/**
 * The error for a string the byte loops rejected: its first char outside '0'..'o', else its last value
 * is cut off (what a char-by-char parse meets first).
 */
function stringError(s: string): Error {
  for (let p = 0; p < s.length; p++) {
    if ((s.charCodeAt(p) - 48) >>> 0 > 63) return badChar(s, p);
  }
  return badChar(s, s.length);
}

/**
 * The chars of `s` as bytes with a sentinel 0 after them (so a cut value fails the char test like a
 * bad char: the loops need no bounds test); throws when `s` is not ASCII (it then holds a bad char).
 */
function bytesOf(s: string): Uint8Array {
  const b = asciiBytes(s);
  if (b === undefined) throw stringError(s);
  return b;
}

/** Where multiCharValue / wideValue stopped (module state: a tuple would allocate). */
let valueEnd = 0;

/** A value of 7 or more chars, from its 7th char at p; x holds its low 30 bits. Exact in doubles. */
function wideValue(s: string, b: Uint8Array, p: number, x: number): number {
  let value = x;
  let scale = 2 ** 30;
  let c = 0;
  do {
    c = b[p]! - 48;
    if (c >>> 0 > 63) throw stringError(s);
    p++;
    value += (c & 0x1f) * scale;
    scale *= 32;
  } while ((c & 0x20) !== 0);
  valueEnd = p;
  return (c & 0x10) !== 0 ? value - scale : value;
}

/**
 * A value of two or more chars whose first char c0 (a valid char with the continuation bit) ended at
 * p; sets valueEnd. Two chars (|value| < 512) take a straight path.
 */
function multiCharValue(s: string, b: Uint8Array, p: number, c0: number): number {
  const c1 = b[p]! - 48;
  if (c1 >>> 0 > 63) throw stringError(s);
  p++;
  let x = (c0 & 0x1f) | ((c1 & 0x1f) << 5);
  if ((c1 & 0x20) === 0) {
    valueEnd = p;
    return (x << 22) >> 22;
  }
  let k = 10;
  let c = c1;
  do {
    if (k === 30) return wideValue(s, b, p, x); // bits from 30 on do not fit int32
    c = b[p]! - 48;
    if (c >>> 0 > 63) throw stringError(s);
    p++;
    x |= (c & 0x1f) << k;
    k += 5;
  } while ((c & 0x20) !== 0);
  valueEnd = p;
  return (c & 0x10) !== 0 ? x | (-1 << k) : x;
}

/**
 * Parses `s` into `out` from index 0 and returns how many counts it wrote; `out` needs s.length slots.
 * One-char values (|value| < 16: most counts) take a straight path. The sums are int32 (an Int32Array
 * over the same memory), wrapping modulo 2^32 exactly as the uint store of the C code does.
 */
export function parseCountsInto(s: string, out: Uint32Array): number {
  const b = bytesOf(s);
  const o = new Int32Array(out.buffer, out.byteOffset, out.length);
  const n = s.length;
  let m = 0;
  let p = 0;
  // The two latest values, kept in registers for the delta (no reload of what was just stored).
  let back1 = 0;
  let back2 = 0;
  let total = 0;
  let lastZero = 0;
  while (p < n) {
    const c0 = b[p]! - 48;
    let x: number;
    if (c0 >>> 0 < 32) {
      x = (c0 << 27) >> 27; // 5 bits, sign bit 0x10
      p++;
    } else {
      const c1 = b[p + 1]! - 48; // at most the sentinel
      if (c0 >>> 0 < 64 && c1 >>> 0 < 32) {
        x = (((c0 & 0x1f) | (c1 << 5)) << 22) >> 22;
        p += 2;
      } else {
        if (c0 >>> 0 > 63) throw stringError(s);
        // Only the value modulo 2^32 matters (it is summed in int32), and an int32 x keeps the loop
        // in integer registers.
        x = multiCharValue(s, b, p + 1, c0) | 0;
        p = valueEnd;
      }
    }
    const v = m > 2 ? (x + back2) | 0 : x | 0;
    o[m++] = v;
    total += v >>> 0;
    if (v === 0) lastZero = m;
    back2 = back1;
    back1 = v;
  }
  parsed.total = total;
  parsed.canonical = lastZero <= 1;
  return m;
}

/**
 * What the last parseCountsInto (or parseCountsScratch) saw besides the counts: their sum, and whether
 * no run but the first has length 0 (as encode and frPoly make them).
 */
export const parsed = { total: 0, canonical: true };

/**
 * pycocotools `rleArea` read straight off the string, no count stored: the odd counts form a chain of
 * their own (count 1 is value 1, count i is count i−2 plus value i), so one int32 running count (uint32
 * wrap as in parseCountsInto) gives each foreground run; even values are only stepped over, their chars
 * still checked.
 */
export function countsStringArea(s: string): number {
  const b = bytesOf(s);
  const n = s.length;
  let p = 0;
  let fg = 0;
  let area = 0;
  while (p < n) {
    let c = b[p]! - 48;
    p++;
    while (c >>> 0 >= 32) {
      if (c >>> 0 > 63) throw stringError(s);
      c = b[p]! - 48;
      p++;
    }
    if (p >= n) break;
    const c0 = b[p]! - 48;
    p++;
    let x: number;
    if (c0 >>> 0 < 32) {
      x = (c0 << 27) >> 27;
    } else {
      if (c0 >>> 0 > 63) throw stringError(s);
      x = multiCharValue(s, b, p, c0);
      p = valueEnd;
    }
    fg = (fg + x) | 0;
    area += fg >>> 0;
  }
  return area;
}

const slots = [new Uint32Array(1024), new Uint32Array(1024)];

/**
 * Counts of `s` in a module-owned buffer (slot 0 or 1) that the next call for the slot overwrites: for
 * kernels that read the counts once (area, bbox, IoU, merge) and must not allocate per call. The buffer
 * behind the view has at least one slot past the counts, for kernels that want a sentinel there.
 */
export function parseCountsScratch(s: string, slot: 0 | 1 = 0): Uint32Array {
  let buf = slots[slot]!;
  if (buf.length <= s.length) buf = slots[slot] = new Uint32Array(Math.max(s.length + 1, 2 * buf.length));
  return buf.subarray(0, parseCountsInto(s, buf));
}

/** pycocotools `rleFrString`: a fresh Uint32Array of the counts. Throws on bad chars or a cut value. */
export function parseCounts(s: string): Uint32Array {
  return parseCountsScratch(s).slice();
}

/** The counts as a plain array (the editor and older callers). */
export function countsFromString(s: string): number[] {
  return Array.from(parseCountsScratch(s));
}

/**
 * Appends the chars of one delta `d` (an integer, |d| < 2^33) at `n` in `out`; returns the new end. The
 * one- and two-char cases are for callers to inline; this is the general one.
 */
export function putDelta(out: Uint8Array, n: number, d: number): number {
  if (d >= -0x40000000 && d < 0x40000000) {
    // int32: >> is the arithmetic shift the C code uses.
    let x = d | 0;
    for (;;) {
      const c = x & 0x1f;
      x >>= 5;
      if ((c & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = c + 0x50;
      else {
        out[n++] = c + 0x30;
        return n;
      }
    }
  }
  let x = d;
  for (;;) {
    const c = x - Math.floor(x / 32) * 32; // exact: |x| < 2^33
    x = (x - c) / 32;
    if ((c & 0x10) !== 0 ? x !== -1 : x !== 0) out[n++] = c + 0x50;
    else {
      out[n++] = c + 0x30;
      return n;
    }
  }
}

/** The most chars one count takes (a delta of up to ±2^32 in 5-bit groups). */
export const MAX_CHARS_PER_COUNT = 7;

/**
 * Chars of a delta d by the leading zeros of d ^ (d >> 31): 5-bit groups for its bits and sign. A table
 * instead of the C code's test after each group, whose outcome a branch predictor cannot learn.
 */
const CHARS_BY_CLZ = Uint8Array.from({ length: 33 }, (_, z) => Math.ceil((33 - z) / 5));

/** pycocotools `rleToString`. Counts up to 2^32-1; deltas are exact doubles, emitted from int32 when they fit. */
export function countsToString(counts: ArrayLike<number>): string {
  const m = counts.length;
  const out = byteScratch(m * MAX_CHARS_PER_COUNT + 1);
  if (!(counts instanceof Uint32Array)) {
    let n = 0;
    for (let i = 0; i < m; i++) n = putDelta(out, n, i > 2 ? counts[i]! - counts[i - 2]! : counts[i]!);
    return asciiString(out, n);
  }
  // The same bits as int32: counts below 2^31 (all but those of images of 2^31 pixels and more) have an
  // exact int32 delta.
  const c = new Int32Array(counts.buffer, counts.byteOffset, m);
  let n = 0;
  let back1 = 0;
  let back2 = 0;
  for (let i = 0; i < m; i++) {
    const v = c[i]!;
    const ref = i > 2 ? back2 : 0;
    back2 = back1;
    back1 = v;
    if ((v | ref) < 0) {
      n = putDelta(out, n, (v >>> 0) - (ref >>> 0));
      continue;
    }
    const d = v - ref;
    const chars = CHARS_BY_CLZ[Math.clz32(d ^ (d >> 31))]!;
    if (chars > 2) {
      n = putDelta(out, n, d);
      continue;
    }
    // One or two chars, written as two (the second is overwritten next when not needed).
    out[n] = (d & 0x1f) + 0x30 + ((chars - 1) << 5);
    out[n + 1] = ((d >> 5) & 0x1f) + 0x30;
    n += chars;
  }
  return asciiString(out, n);
}
