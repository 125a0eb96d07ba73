import { wasmDenseCounts } from './wasm/kernels';
import { normalizeWord } from './words';

/**
 * Pixel counts over row-major masks (nonzero = foreground), 4 pixels per 32-bit word: each byte lane
 * of a running sum counts its own pixels (SIMD within a register), flushed before a lane can overflow.
 */

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Words per flush: lanes count at most 124 < 256, and 124 × 0x01010101 < 2^31 keeps the sums int32. */
const BLOCK = 124;

function laneSum(v: number): number {
  return (v & 0xff) + ((v >>> 8) & 0xff) + ((v >>> 16) & 0xff) + (v >>> 24);
}

function wordsOf(a: Uint8Array): Int32Array | undefined {
  if (!LITTLE_ENDIAN || (a.byteOffset & 3) !== 0) return undefined;
  return new Int32Array(a.buffer, a.byteOffset, a.length >> 2);
}

export function denseArea(mask: Uint8Array): number {
  const W = wordsOf(mask);
  let n = 0;
  let i = 0;
  if (W !== undefined) {
    const n4 = W.length & ~3;
    let k = 0;
    while (k < n4) {
      const end = k + BLOCK < n4 ? k + BLOCK : n4;
      let acc = 0;
      for (; k < end; k += 4) {
        let x0 = W[k]!;
        let x1 = W[k + 1]!;
        let x2 = W[k + 2]!;
        let x3 = W[k + 3]!;
        const any = x0 | x1 | x2 | x3;
        if (any === 0) continue;
        if ((any & 0xfefefefe) !== 0) {
          x0 = normalizeWord(x0);
          x1 = normalizeWord(x1);
          x2 = normalizeWord(x2);
          x3 = normalizeWord(x3);
        }
        acc += x0 + x1 + x2 + x3;
      }
      n += laneSum(acc);
    }
    i = n4 << 2;
  }
  for (; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/**
 * Intersection and union pixel counts of two same-size masks: 4 words of each per step, all-background
 * steps skipped with one test (most of a typical mask is background).
 */
export function denseIntersectUnion(a: Uint8Array, b: Uint8Array): { inter: number; union: number } {
  if (a.length !== b.length) throw new Error(`iou: masks differ in size (${a.length} vs ${b.length} pixels)`);
  return wasmDenseCounts(a, b) ?? denseCountsTs(a, b);
}

/** denseIntersectUnion in TypeScript (the Wasm kernel's twin), for same-size masks. */
function denseCountsTs(a: Uint8Array, b: Uint8Array): { inter: number; union: number } {
  const A = wordsOf(a);
  const B = wordsOf(b);
  let inter = 0;
  let union = 0;
  let i = 0;
  if (A !== undefined && B !== undefined) {
    const n4 = A.length & ~3;
    let k = 0;
    while (k < n4) {
      const end = k + BLOCK < n4 ? k + BLOCK : n4;
      let si = 0;
      let su = 0;
      for (; k < end; k += 4) {
        let x0 = A[k]!;
        let y0 = B[k]!;
        let x1 = A[k + 1]!;
        let y1 = B[k + 1]!;
        let x2 = A[k + 2]!;
        let y2 = B[k + 2]!;
        let x3 = A[k + 3]!;
        let y3 = B[k + 3]!;
        const any = x0 | y0 | x1 | y1 | x2 | y2 | x3 | y3;
        if (any === 0) continue;
        if ((any & 0xfefefefe) !== 0) {
          x0 = normalizeWord(x0);
          y0 = normalizeWord(y0);
          x1 = normalizeWord(x1);
          y1 = normalizeWord(y1);
          x2 = normalizeWord(x2);
          y2 = normalizeWord(y2);
          x3 = normalizeWord(x3);
          y3 = normalizeWord(y3);
        }
        si += (x0 & y0) + (x1 & y1) + (x2 & y2) + (x3 & y3);
        su += (x0 | y0) + (x1 | y1) + (x2 | y2) + (x3 | y3);
      }
      inter += laneSum(si);
      union += laneSum(su);
    }
    i = n4 << 2;
  }
  for (; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x || y) union++;
    if (x && y) inter++;
  }
  return { inter, union };
}

/** IoU of two same-size masks; two empty masks count as identical (1). */
export function denseIou(a: Uint8Array, b: Uint8Array): number {
  const { inter, union } = denseIntersectUnion(a, b);
  return union === 0 ? 1 : inter / union;
}
