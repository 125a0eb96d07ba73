/**
 * Pixel counts over row-major masks (nonzero = foreground), 4 pixels per 32-bit word: each byte lane
 * of a running sum counts its own pixels (SIMD within a register), flushed before a lane can overflow.
 */

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Words per flush: 127 × 0x01010101 stays below 2^31, so the sums stay small integers. */
const BLOCK = 127;

function normalizeWord(v: number): number {
  let t = v | (v >>> 4);
  t |= t >>> 2;
  t |= t >>> 1;
  return t & 0x01010101;
}

function laneSum(v: number): number {
  return (v & 0xff) + ((v >>> 8) & 0xff) + ((v >>> 16) & 0xff) + (v >>> 24);
}

function wordsOf(a: Uint8Array): Uint32Array | undefined {
  if (!LITTLE_ENDIAN || (a.byteOffset & 3) !== 0) return undefined;
  return new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
}

export function denseArea(mask: Uint8Array): number {
  const W = wordsOf(mask);
  let n = 0;
  let i = 0;
  if (W !== undefined) {
    const n4 = W.length;
    let k = 0;
    while (k < n4) {
      const end = k + BLOCK < n4 ? k + BLOCK : n4;
      let acc = 0;
      for (; k < end; k++) {
        let x = W[k]!;
        if ((x & 0xfefefefe) !== 0) x = normalizeWord(x);
        acc += x;
      }
      n += laneSum(acc);
    }
    i = n4 << 2;
  }
  for (; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** Intersection and union pixel counts of two same-size masks. */
export function denseIntersectUnion(a: Uint8Array, b: Uint8Array): { inter: number; union: number } {
  if (a.length !== b.length) throw new Error(`iou: masks differ in size (${a.length} vs ${b.length} pixels)`);
  const A = wordsOf(a);
  const B = wordsOf(b);
  let inter = 0;
  let union = 0;
  let i = 0;
  if (A !== undefined && B !== undefined) {
    const n4 = A.length;
    let k = 0;
    while (k < n4) {
      const end = k + BLOCK < n4 ? k + BLOCK : n4;
      let ai = 0;
      let au = 0;
      for (; k < end; k++) {
        let x = A[k]!;
        let y = B[k]!;
        if (((x | y) & 0xfefefefe) !== 0) {
          x = normalizeWord(x);
          y = normalizeWord(y);
        }
        ai += x & y;
        au += x | y;
      }
      inter += laneSum(ai);
      union += laneSum(au);
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
