import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';
import { labelRuns, type LabelledRuns } from './components';
import { assertGrid, cosineMaps, gridScale, meanFeatureInRect, sampleFeature } from './grid-ops';
import { type BoxPrompt, type ClickPoint, validatePrompts } from './prompts';
import { otsuThreshold } from './threshold';
import { upsampleProbability, type PixelRegion, type RgbImage } from './upsample';

export interface ClickSimilarityInput {
  /** The dense feature grid (`features`). */
  readonly features: DenseGrid;
  readonly mapping: PixelPatchMapping;
  /** Every click so far: the result is recomputed from all of them, so each added click refines it. */
  readonly clicks: readonly ClickPoint[];
  readonly box?: BoxPrompt;
  readonly image?: RgbImage;
}

export interface ClickSimilarityOptions {
  /** Threshold on the 0..1 score (0.5 = the Otsu split of the positive similarity); default 0.5. */
  readonly thresholdProb?: number;
  readonly refine?: boolean;
}

export interface ClickMask {
  readonly widthPx: number;
  readonly heightPx: number;
  /** Row-major 0/1, image size. */
  readonly mask: Uint8Array;
  readonly areaPx: number;
  /** Mean score over the mask's pixels (0 for an empty mask). */
  readonly score: number;
  readonly bbox: [number, number, number, number];
  readonly refined: boolean;
}

/**
 * Click/box → mask without a decoder. Per cell: s+ = best cosine to a positive prototype, T = Otsu
 * threshold of s+ over the region. With negative clicks, every click claims the cells most similar to it
 * (ties broken by distance), and a cell claimed by a negative click falls out. The score is 0.5 at the
 * tighter of the two margins and rises linearly to 1 at the best match. The score is upsampled with edge refinement, thresholded, and only the
 * components under the positive clicks are kept (the largest one for a box alone).
 */
export function segmentByClicks(input: ClickSimilarityInput, opts: ClickSimilarityOptions = {}): ClickMask {
  const { features: grid, mapping, clicks, box } = input;
  assertGrid(grid, 'features');
  const w = mapping.imageWidthPx;
  const h = mapping.imageHeightPx;
  validatePrompts(clicks, box, w, h);
  const threshold = opts.thresholdProb ?? 0.5;
  if (!(threshold > 0 && threshold < 1))
    throw new Error(`threshold must be between 0 and 1, got ${threshold}`);

  const region: PixelRegion = box
    ? {
        x0: Math.max(0, box.x),
        y0: Math.max(0, box.y),
        x1: Math.min(w, box.x + box.widthPx),
        y1: Math.min(h, box.y + box.heightPx),
      }
    : { x0: 0, y0: 0, x1: w, y1: h };
  const { sx, sy } = gridScale(mapping);
  const at = (c: ClickPoint): Prototype => ({
    feature: sampleFeature(grid, mapping, c.xPx, c.yPx),
    gx: c.xPx * sx - 0.5,
    gy: c.yPx * sy - 0.5,
  });
  const positives = clicks.filter((c) => c.positive).map(at);
  const negatives = clicks.filter((c) => !c.positive).map(at);
  if (box && positives.length === 0) {
    // A box alone: its central half is the object prototype, a thin band inside its border the background.
    const bw = region.x1 - region.x0;
    const bh = region.y1 - region.y0;
    positives.push({
      feature: meanFeatureInRect(grid, mapping, {
        x: region.x0 + bw / 4,
        y: region.y0 + bh / 4,
        widthPx: bw / 2,
        heightPx: bh / 2,
      }),
    });
    for (const r of borderRects(region)) negatives.push({ feature: meanFeatureInRect(grid, mapping, r) });
  }

  const sims = cosineMaps(
    grid,
    [...positives, ...negatives].map((p) => p.feature),
  );
  const cells = grid.gridW * grid.gridH;
  const sPos = maxOver(sims.slice(0, positives.length), cells);
  const inRegion = regionCells(grid, mapping, region);
  const t = otsuThreshold(
    sPos.filter((_, c) => inRegion[c] === 1),
    -1,
    1,
  );
  let best = t;
  for (let c = 0; c < cells; c++) if (inRegion[c] === 1 && sPos[c]! > best) best = sPos[c]!;
  const range = Math.max(best - t, 1e-6);
  // Margin over the negatives: each click claims the cells most similar to it, and a small distance
  // penalty breaks ties, so a negative click on a region that looks like a positive one still claims it.
  const diag = Math.hypot(grid.gridW, grid.gridH);
  const claim = (protos: readonly Prototype[], maps: readonly Float32Array[]): Float32Array => {
    const out = new Float32Array(cells).fill(-Infinity);
    protos.forEach((p, k) => {
      const m = maps[k]!;
      for (let c = 0; c < cells; c++) {
        const gx = c % grid.gridW;
        const gy = (c - gx) / grid.gridW;
        const d = p.gx === undefined || p.gy === undefined ? 0 : Math.hypot(gx - p.gx, gy - p.gy) / diag;
        const v = m[c]! - SPATIAL_TIE_BREAK * d;
        if (v > out[c]!) out[c] = v;
      }
    });
    return out;
  };
  const posClaim = negatives.length > 0 ? claim(positives, sims.slice(0, positives.length)) : undefined;
  const negClaim = negatives.length > 0 ? claim(negatives, sims.slice(positives.length)) : undefined;
  const score = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    let margin = sPos[c]! - t;
    if (posClaim && negClaim) margin = Math.min(margin, posClaim[c]! - negClaim[c]!);
    score[c] = Math.min(1, Math.max(0, 0.5 + margin / (2 * range)));
  }

  const refine = (opts.refine ?? true) && input.image !== undefined;
  const up = upsampleProbability(score, grid.gridW, grid.gridH, mapping, {
    thresholdProb: threshold,
    region,
    ...(refine && input.image ? { guide: input.image } : {}),
  });
  // Keep the components under the positive clicks (runs only: no per-pixel label image).
  const runs = labelRuns(up.mask, w, h, 8);
  const keep = new Uint8Array(runs.count + 1);
  const posClicks = clicks.filter((c) => c.positive);
  if (posClicks.length > 0) {
    const searchPx = Math.max(1, Math.round(0.5 / sx));
    for (const c of posClicks) {
      const l = nearestLabel(runs, w, h, Math.floor(c.xPx), Math.floor(c.yPx), searchPx);
      if (l > 0) keep[l] = 1;
    }
  } else {
    const areas = new Float64Array(runs.count + 1);
    for (let i = 0; i < runs.runLabel.length; i++)
      areas[runs.runLabel[i]!]! += runs.ends[i]! - runs.starts[i]!;
    let bestL = 0;
    for (let l = 1; l <= runs.count; l++) if (bestL === 0 || areas[l]! > areas[bestL]!) bestL = l;
    if (bestL > 0) keep[bestL] = 1;
  }
  const mask = new Uint8Array(w * h);
  let area = 0;
  let sum = 0;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const off = y * w;
    for (let i = runs.rowFirst[y]!, end = runs.rowFirst[y + 1]!; i < end; i++) {
      if (keep[runs.runLabel[i]!] !== 1) continue;
      const s0 = runs.starts[i]!;
      const e0 = runs.ends[i]!;
      mask.fill(1, off + s0, off + e0);
      for (let k = off + s0; k < off + e0; k++) sum += up.prob[k]!;
      area += e0 - s0;
      if (s0 < x0) x0 = s0;
      if (e0 - 1 > x1) x1 = e0 - 1;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return {
    widthPx: w,
    heightPx: h,
    mask,
    areaPx: area,
    score: area > 0 ? sum / area : 0,
    bbox: area > 0 ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : [0, 0, 0, 0],
    refined: refine,
  };
}

/** Weight of the click distance (as a fraction of the grid diagonal) against cosine similarity. */
const SPATIAL_TIE_BREAK = 0.05;

interface Prototype {
  readonly feature: Float32Array;
  /** Grid position of the click it came from (none for box-derived prototypes). */
  readonly gx?: number;
  readonly gy?: number;
}

function maxOver(maps: readonly Float32Array[], cells: number): Float32Array {
  const out = new Float32Array(cells).fill(-Infinity);
  for (const m of maps) for (let c = 0; c < cells; c++) if (m[c]! > out[c]!) out[c] = m[c]!;
  return out;
}

/** Cells whose centre lies inside the pixel region (all cells without a box). */
function regionCells(grid: DenseGrid, mapping: PixelPatchMapping, r: PixelRegion): Uint8Array {
  const { sx, sy } = gridScale(mapping);
  const out = new Uint8Array(grid.gridW * grid.gridH);
  for (let gy = 0; gy < grid.gridH; gy++) {
    const cy = (gy + 0.5) / sy;
    for (let gx = 0; gx < grid.gridW; gx++) {
      const cx = (gx + 0.5) / sx;
      if (cx >= r.x0 && cx < r.x1 && cy >= r.y0 && cy < r.y1) out[gy * grid.gridW + gx] = 1;
    }
  }
  return out;
}

function borderRects(r: PixelRegion): { x: number; y: number; widthPx: number; heightPx: number }[] {
  const bw = r.x1 - r.x0;
  const bh = r.y1 - r.y0;
  const t = Math.max(1, Math.min(bw, bh) * 0.08);
  return [
    { x: r.x0, y: r.y0, widthPx: bw, heightPx: t },
    { x: r.x0, y: r.y1 - t, widthPx: bw, heightPx: t },
    { x: r.x0, y: r.y0, widthPx: t, heightPx: bh },
    { x: r.x1 - t, y: r.y0, widthPx: t, heightPx: bh },
  ];
}

/** The component label at (x, y), or the nearest labelled pixel within `radius` (Chebyshev rings). */
function nearestLabel(
  runs: LabelledRuns,
  w: number,
  h: number,
  x: number,
  y: number,
  radius: number,
): number {
  const labelAt = (xx: number, yy: number): number => {
    for (let i = runs.rowFirst[yy]!, end = runs.rowFirst[yy + 1]!; i < end; i++) {
      if (runs.starts[i]! > xx) return 0;
      if (runs.ends[i]! > xx) return runs.runLabel[i]!;
    }
    return 0;
  };
  for (let r = 0; r <= radius; r++) {
    for (let dy = -r; dy <= r; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -r; dx <= r; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
        const xx = x + dx;
        if (xx < 0 || xx >= w) continue;
        const l = labelAt(xx, yy);
        if (l > 0) return l;
      }
    }
  }
  return 0;
}
