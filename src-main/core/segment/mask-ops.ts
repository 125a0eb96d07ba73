import { connectedComponents } from './components';

/** Boolean and morphological operations on row-major 0/1 masks. Inputs are never modified. */

function assertSame(a: Uint8Array, b: Uint8Array, op: string): void {
  if (a.length !== b.length)
    throw new Error(`${op}: masks differ in size (${a.length} vs ${b.length} pixels)`);
}

export function unionMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  assertSame(a, b, 'union');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! !== 0 || b[i]! !== 0 ? 1 : 0;
  return out;
}

export function intersectMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  assertSame(a, b, 'intersect');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! !== 0 && b[i]! !== 0 ? 1 : 0;
  return out;
}

/** a minus b. */
export function subtractMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  assertSame(a, b, 'subtract');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! !== 0 && b[i]! === 0 ? 1 : 0;
  return out;
}

/** Foreground pixel count and IoU (two empty masks: 1), word-wise in @shared/mask. */
export { denseArea as maskArea, denseIou as maskIou } from '@shared/mask';

/**
 * Fills enclosed background regions (4-connected background not reaching the image border), optionally
 * only those smaller than `maxHoleAreaPx`.
 */
export function fillHoles(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  maxHoleAreaPx = Number.POSITIVE_INFINITY,
): Uint8Array {
  const inverted = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) inverted[i] = mask[i] === 0 ? 1 : 0;
  const bg = connectedComponents(inverted, widthPx, heightPx, 4);
  const fill = new Uint8Array(bg.count + 1);
  for (let l = 1; l <= bg.count; l++) {
    const touchesBorder =
      bg.minX[l] === 0 || bg.minY[l] === 0 || bg.maxX[l] === widthPx - 1 || bg.maxY[l] === heightPx - 1;
    fill[l] = !touchesBorder && bg.areas[l]! < maxHoleAreaPx ? 1 : 0;
  }
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] !== 0 || fill[bg.labels[i]!] === 1 ? 1 : 0;
  return out;
}

/** Drops 8-connected foreground components with fewer than `minAreaPx` pixels. */
export function removeSmallIslands(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  minAreaPx: number,
): Uint8Array {
  const cc = connectedComponents(mask, widthPx, heightPx, 8);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    const l = cc.labels[i]!;
    if (l !== 0 && cc.areas[l]! >= minAreaPx) out[i] = 1;
  }
  return out;
}

/** Dilation by a (2r+1)² square; the window is clipped at the image border. */
export function dilateMask(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
  radiusPx: number,
): Uint8Array {
  return squareFilter(mask, widthPx, heightPx, radiusPx, false);
}

/** Erosion by a (2r+1)² square; pixels outside the image do not erode (as OpenCV's default border). */
export function erodeMask(mask: Uint8Array, widthPx: number, heightPx: number, radiusPx: number): Uint8Array {
  return squareFilter(mask, widthPx, heightPx, radiusPx, true);
}

/** Separable running-count filter: O(pixels) whatever the radius. */
function squareFilter(mask: Uint8Array, w: number, h: number, r: number, erode: boolean): Uint8Array {
  if (mask.length !== w * h) throw new Error(`mask has ${mask.length} pixels, expected ${w}×${h}`);
  if (!Number.isInteger(r) || r < 0) throw new Error(`radiusPx must be a non-negative integer, got ${r}`);
  if (r === 0) return mask.slice();
  const tmp = new Uint8Array(w * h);
  const line = new Int32Array(Math.max(w, h) + 1);
  const pass = (
    src: Uint8Array,
    dst: Uint8Array,
    len: number,
    lines: number,
    step: number,
    stride: number,
  ) => {
    for (let l = 0; l < lines; l++) {
      const base = l * stride;
      line[0] = 0;
      for (let k = 0; k < len; k++) line[k + 1] = line[k]! + (src[base + k * step] !== 0 ? 1 : 0);
      for (let k = 0; k < len; k++) {
        const lo = k - r < 0 ? 0 : k - r;
        const hi = k + r + 1 > len ? len : k + r + 1;
        const sum = line[hi]! - line[lo]!;
        dst[base + k * step] = erode ? (sum === hi - lo ? 1 : 0) : sum > 0 ? 1 : 0;
      }
    }
  };
  const out = new Uint8Array(w * h);
  pass(mask, tmp, w, h, 1, w);
  pass(tmp, out, h, w, w, 1);
  return out;
}
