import { type PixelPatchMapping } from '../embedding-types';
import { gridScale } from './grid-ops';

/** An RGB image, 8 bits per channel, interleaved row-major (as sharp's raw output). */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** A pixel rectangle [x0, x1) × [y0, y1) outside which the probability is forced to 0. */
export interface PixelRegion {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface UpsampleOptions {
  /** Threshold on the probability: pixels ≥ it are in the mask. */
  readonly thresholdProb: number;
  /** When given, pixels near the threshold crossing are re-estimated with a joint bilateral filter. */
  readonly guide?: RgbImage;
  readonly region?: PixelRegion;
  /** Range sigma of the colour kernel, in 0..255 units. */
  readonly colourSigma?: number;
  /** Spatial sigma, in grid cells. */
  readonly spatialSigmaCells?: number;
}

export interface UpsampledProbability {
  /** Per image pixel, row-major. */
  readonly prob: Float32Array;
  readonly mask: Uint8Array;
  /** How many pixels the edge refinement re-estimated (0 when off). */
  readonly refinedPx: number;
}

/**
 * Bilinear upsampling (align-corners false) of a grid probability to image size, thresholded in the same
 * pass. With a guide image, pixels whose cell neighbourhood straddles the threshold (the only place
 * where the patch blocks show) get joint bilateral upsampling (Kopf et al. 2007): neighbouring cells
 * vote with weights from distance and from how close the pixel's colour is to the cell's mean colour,
 * so the mask follows image edges. Confident interior/exterior pixels keep the cheap bilinear value.
 */
export function upsampleProbability(
  gridProb: Float32Array,
  gridW: number,
  gridH: number,
  mapping: PixelPatchMapping,
  opts: UpsampleOptions,
): UpsampledProbability {
  const w = mapping.imageWidthPx;
  const h = mapping.imageHeightPx;
  if (gridProb.length !== gridW * gridH)
    throw new Error(`grid has ${gridProb.length} values, expected ${gridW}×${gridH}`);
  const { sx, sy } = gridScale(mapping);
  const t = opts.thresholdProb;
  const region = opts.region ?? { x0: 0, y0: 0, x1: w, y1: h };
  const rx0 = Math.max(0, Math.floor(region.x0));
  const ry0 = Math.max(0, Math.floor(region.y0));
  const rx1 = Math.min(w, Math.ceil(region.x1));
  const ry1 = Math.min(h, Math.ceil(region.y1));
  const prob = new Float32Array(w * h);
  const mask = new Uint8Array(w * h);
  if (rx1 <= rx0 || ry1 <= ry0) return { prob, mask, refinedPx: 0 };

  // Separable bilinear: interpolate each grid row horizontally once, then each output row is one lerp.
  const xi0 = new Int32Array(w);
  const xi1 = new Int32Array(w);
  const xf = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const g = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), gridW - 1);
    const i0 = Math.floor(g);
    xi0[x] = i0;
    xi1[x] = Math.min(i0 + 1, gridW - 1);
    xf[x] = g - i0;
  }
  const hz = new Float32Array(gridH * w);
  for (let gy = 0; gy < gridH; gy++) {
    const row = gy * gridW;
    const out = gy * w;
    for (let x = rx0; x < rx1; x++) {
      const a = gridProb[row + xi0[x]!]!;
      hz[out + x] = a + (gridProb[row + xi1[x]!]! - a) * xf[x]!;
    }
  }
  for (let y = ry0; y < ry1; y++) {
    const gy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), gridH - 1);
    const yi0 = Math.floor(gy);
    const r0 = yi0 * w;
    const r1 = Math.min(yi0 + 1, gridH - 1) * w;
    const fy = gy - yi0;
    const out = y * w;
    for (let x = rx0; x < rx1; x++) {
      const a = hz[r0 + x]!;
      const p = a + (hz[r1 + x]! - a) * fy;
      prob[out + x] = p;
      mask[out + x] = p >= t ? 1 : 0;
    }
  }
  if (!opts.guide || gridW < 3 || gridH < 3) return { prob, mask, refinedPx: 0 };

  // Edge refinement, only where the patch blocks show: pixels whose four bilinear source cells lie on
  // both sides of the threshold. Along a monotone profile that interval always holds the true edge.
  const band = straddlingQuads(gridProb, gridW, gridH, t);
  const jbu = makeJointBilateral(gridProb, gridW, gridH, mapping, opts.guide, opts);
  // Column segments sharing one left source cell, computed once instead of per row.
  const segStart: number[] = [];
  const segQuad: number[] = [];
  for (let x = rx0; x < rx1; x++) {
    if (x === rx0 || xi0[x] !== xi0[x - 1]) {
      segStart.push(x);
      segQuad.push(xi0[x]!);
    }
  }
  segStart.push(rx1);
  let refinedPx = 0;
  for (let y = ry0; y < ry1; y++) {
    const gy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), gridH - 1);
    const bandRow = Math.floor(gy) * gridW;
    const out = y * w;
    for (let k = 0; k < segQuad.length; k++) {
      if (band[bandRow + segQuad[k]!] !== 1) continue;
      const x0 = segStart[k]!;
      const x1 = segStart[k + 1]!;
      jbu(y, x0, x1, prob, mask, out, t);
      refinedPx += x1 - x0;
    }
  }
  return { prob, mask, refinedPx };
}

/** Per cell (i, j): whether cells i..i+1 × j..j+1 (clamped) have values on both sides of the threshold. */
function straddlingQuads(p: Float32Array, gw: number, gh: number, t: number): Uint8Array {
  const out = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const y1 = Math.min(y + 1, gh - 1);
    for (let x = 0; x < gw; x++) {
      const x1 = Math.min(x + 1, gw - 1);
      const a = p[y * gw + x]! >= t;
      if (a !== p[y * gw + x1]! >= t || a !== p[y1 * gw + x]! >= t || a !== p[y1 * gw + x1]! >= t) {
        out[y * gw + x] = 1;
      }
    }
  }
  return out;
}

// Mean colour of each cell's pixel footprint; cached per image and grid size (the guide is immutable).
const cellColourCache = new WeakMap<Uint8Array, { key: string; colours: Float32Array }>();

export function cellMeanColours(
  guide: RgbImage,
  gridW: number,
  gridH: number,
  mapping: PixelPatchMapping,
): Float32Array {
  const key = `${gridW}x${gridH}:${mapping.inputWidthPx}x${mapping.inputHeightPx}:${mapping.patchPx}`;
  const hit = cellColourCache.get(guide.data);
  if (hit && hit.key === key) return hit.colours;
  const { widthPx: w, heightPx: h, data } = guide;
  if (w !== mapping.imageWidthPx || h !== mapping.imageHeightPx || data.length !== w * h * 3) {
    throw new Error(
      `guide image ${w}×${h} does not match the embedding's image ${mapping.imageWidthPx}×${mapping.imageHeightPx}`,
    );
  }
  const { sx, sy } = gridScale(mapping);
  const sums = new Float64Array(gridW * gridH * 4);
  const colOf = new Int32Array(w);
  for (let x = 0; x < w; x++) colOf[x] = Math.min(gridW - 1, Math.floor((x + 0.5) * sx));
  for (let y = 0; y < h; y++) {
    const rowCell = Math.min(gridH - 1, Math.floor((y + 0.5) * sy)) * gridW;
    let i = y * w * 3;
    for (let x = 0; x < w; x++, i += 3) {
      const c = (rowCell + colOf[x]!) * 4;
      sums[c]! += data[i]!;
      sums[c + 1]! += data[i + 1]!;
      sums[c + 2]! += data[i + 2]!;
      sums[c + 3]!++;
    }
  }
  const colours = new Float32Array(gridW * gridH * 3);
  for (let c = 0; c < gridW * gridH; c++) {
    const n = sums[c * 4 + 3]! || 1;
    colours[c * 3] = sums[c * 4]! / n;
    colours[c * 3 + 1] = sums[c * 4 + 1]! / n;
    colours[c * 3 + 2] = sums[c * 4 + 2]! / n;
  }
  cellColourCache.set(guide.data, { key, colours });
  return colours;
}

/** Writes refined values for pixels [x0, x1) of row y into prob/mask (at offset rowOut). */
type RowRefiner = (
  y: number,
  x0: number,
  x1: number,
  prob: Float32Array,
  mask: Uint8Array,
  rowOut: number,
  t: number,
) => void;

function makeJointBilateral(
  gridProb: Float32Array,
  gridW: number,
  gridH: number,
  mapping: PixelPatchMapping,
  guide: RgbImage,
  opts: UpsampleOptions,
): RowRefiner {
  const colours = cellMeanColours(guide, gridW, gridH, mapping);
  const { sx, sy } = gridScale(mapping);
  const sigmaR = opts.colourSigma ?? 24;
  const sigmaS = opts.spatialSigmaCells ?? 1;
  // The colour kernel through a lookup table on the squared distance in steps of 16.
  const rangeLut = new Float32Array(((3 * 255 * 255) >> 4) + 2);
  for (let i = 0; i < rangeLut.length; i++) rangeLut[i] = Math.exp(-(i * 16) / (2 * sigmaR * sigmaR));
  // The spatial Gaussian is separable: per column and per row, the weights of the 3 cells around the
  // nearest one (farther cells weigh < e^-2 at sigma 1 cell and are skipped).
  const taps = (n: number, scale: number, cells: number) => {
    const start = new Int32Array(n);
    const wts = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const g = (i + 0.5) * scale - 0.5;
      const c0 = Math.min(cells - 3, Math.max(0, Math.round(g) - 1));
      start[i] = c0;
      for (let k = 0; k < 3; k++) {
        const c = c0 + k;
        wts[i * 3 + k] = c >= cells ? 0 : Math.exp(-((c - g) ** 2) / (2 * sigmaS * sigmaS));
      }
    }
    return { start, wts };
  };
  const cols = taps(guide.widthPx, sx, gridW);
  const rows = taps(guide.heightPx, sy, gridH);
  const colStart = cols.start;
  const colW = cols.wts;
  const rowStart = rows.start;
  const rowW = rows.wts;
  const img = guide.data;
  const w = guide.widthPx;
  return (y, x0, x1, prob, mask, rowOut, t) => {
    const cy0 = rowStart[y]!;
    const wy0 = rowW[y * 3]!;
    const wy1 = rowW[y * 3 + 1]!;
    const wy2 = rowW[y * 3 + 2]!;
    for (let x = x0; x < x1; x++) {
      const i = (y * w + x) * 3;
      const r = img[i]!;
      const g = img[i + 1]!;
      const b = img[i + 2]!;
      const cx0 = colStart[x]!;
      let num = 0;
      let den = 0;
      for (let j = 0; j < 3; j++) {
        const wy = j === 0 ? wy0 : j === 1 ? wy1 : wy2;
        let c = (cy0 + j) * gridW + cx0;
        for (let k = 0; k < 3; k++, c++) {
          const ci = c * 3;
          const dr = r - colours[ci]!;
          const dg = g - colours[ci + 1]!;
          const db = b - colours[ci + 2]!;
          const wgt = colW[x * 3 + k]! * wy * rangeLut[(dr * dr + dg * dg + db * db) >> 4]!;
          num += wgt * gridProb[c]!;
          den += wgt;
        }
      }
      if (den > 1e-12) {
        const p = num / den;
        prob[rowOut + x] = p;
        mask[rowOut + x] = p >= t ? 1 : 0;
      }
    }
  };
}
