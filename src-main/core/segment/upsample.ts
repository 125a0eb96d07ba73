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

  // Per-column and per-row interpolation taps, computed once.
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
  const guide = opts.guide;
  const band = guide ? straddlingCells(gridProb, gridW, gridH, t) : undefined;
  const jbu = guide && band ? makeJointBilateral(gridProb, gridW, gridH, mapping, guide, opts) : undefined;
  let refinedPx = 0;
  for (let y = ry0; y < ry1; y++) {
    const gy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), gridH - 1);
    const yi0 = Math.floor(gy);
    const yi1 = Math.min(yi0 + 1, gridH - 1);
    const fy = gy - yi0;
    const row0 = yi0 * gridW;
    const row1 = yi1 * gridW;
    const nearestRow = (fy < 0.5 ? yi0 : yi1) * gridW;
    const out = y * w;
    for (let x = rx0; x < rx1; x++) {
      const a = xi0[x]!;
      const b = xi1[x]!;
      const fx = xf[x]!;
      let p: number;
      if (band !== undefined && jbu !== undefined && band[nearestRow + (fx < 0.5 ? a : b)] === 1) {
        p = jbu(x, y);
        refinedPx++;
      } else {
        const top = gridProb[row0 + a]! + (gridProb[row0 + b]! - gridProb[row0 + a]!) * fx;
        const bot = gridProb[row1 + a]! + (gridProb[row1 + b]! - gridProb[row1 + a]!) * fx;
        p = top + (bot - top) * fy;
      }
      prob[out + x] = p;
      if (p >= t) mask[out + x] = 1;
    }
  }
  return { prob, mask, refinedPx };
}

/** Cells whose 3×3 neighbourhood has values on both sides of the threshold. */
function straddlingCells(p: Float32Array, gw: number, gh: number, t: number): Uint8Array {
  const out = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      let lo = false;
      let hi = false;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= gh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= gw) continue;
          if (p[yy * gw + xx]! >= t) hi = true;
          else lo = true;
        }
      }
      if (lo && hi) out[y * gw + x] = 1;
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

function makeJointBilateral(
  gridProb: Float32Array,
  gridW: number,
  gridH: number,
  mapping: PixelPatchMapping,
  guide: RgbImage,
  opts: UpsampleOptions,
): (x: number, y: number) => number {
  const colours = cellMeanColours(guide, gridW, gridH, mapping);
  const { sx, sy } = gridScale(mapping);
  const sigmaR = opts.colourSigma ?? 24;
  const sigmaS = opts.spatialSigmaCells ?? 1;
  // exp() through lookup tables: squared colour distance in steps of 16, squared distance in 1/64 cells.
  const rangeLut = new Float32Array((3 * 255 * 255) / 16 + 2);
  for (let i = 0; i < rangeLut.length; i++) rangeLut[i] = Math.exp(-(i * 16) / (2 * sigmaR * sigmaR));
  const spaceLut = new Float32Array(8 * 8 * 64 + 1);
  for (let i = 0; i < spaceLut.length; i++) spaceLut[i] = Math.exp(-(i / 64) / (2 * sigmaS * sigmaS));
  const img = guide.data;
  const w = guide.widthPx;
  return (x: number, y: number): number => {
    const gx = (x + 0.5) * sx - 0.5;
    const gy = (y + 0.5) * sy - 0.5;
    const cx = Math.floor(gx);
    const cy = Math.floor(gy);
    const i = (y * w + x) * 3;
    const r = img[i]!;
    const g = img[i + 1]!;
    const b = img[i + 2]!;
    let num = 0;
    let den = 0;
    for (let yy = cy - 1; yy <= cy + 2; yy++) {
      if (yy < 0 || yy >= gridH) continue;
      const dy = yy - gy;
      for (let xx = cx - 1; xx <= cx + 2; xx++) {
        if (xx < 0 || xx >= gridW) continue;
        const dx = xx - gx;
        const c = yy * gridW + xx;
        const dr = r - colours[c * 3]!;
        const dg = g - colours[c * 3 + 1]!;
        const db = b - colours[c * 3 + 2]!;
        const wgt =
          spaceLut[Math.round((dx * dx + dy * dy) * 64)]! *
          rangeLut[((dr * dr + dg * dg + db * db) / 16) | 0]!;
        num += wgt * gridProb[c]!;
        den += wgt;
      }
    }
    return den > 1e-12
      ? num / den
      : gridProb[
          Math.min(gridH - 1, Math.max(0, Math.round(gy))) * gridW +
            Math.min(gridW - 1, Math.max(0, Math.round(gx)))
        ]!;
  };
}
