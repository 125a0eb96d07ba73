import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';
import { assertGrid, cachedCosineMap, cosineMaps } from './grid-ops';
import { maskToInstances, type SegmentInstance } from './instances';
import { otsuThreshold } from './threshold';
import { upsampleProbability, type RgbImage } from './upsample';

export interface TextPrompt {
  /** Shown as the instances' label (the prompt text). */
  readonly label: string;
  /** The prompt's text embedding (it is L2-normalised here anyway). */
  readonly embedding: Float32Array;
}

export interface TextSegmentInput {
  /** The `text_dense` grid: patch features projected into the text space. */
  readonly textDense: DenseGrid;
  readonly mapping: PixelPatchMapping;
  readonly prompts: readonly TextPrompt[];
  /** Embedding of a background prompt; competes in the softmax so that unprompted areas score low. */
  readonly background?: Float32Array;
  /** The image, for edge refinement. */
  readonly image?: RgbImage;
}

export interface TextSegmentOptions {
  /** Probability threshold in (0,1); default Otsu per prompt, never below 0.5 when prompts compete. */
  readonly thresholdProb?: number;
  /** Smallest instance kept, in image pixels; default one patch's footprint. */
  readonly minAreaPx?: number;
  /** Image-guided edge refinement (needs `image`); default on. */
  readonly refine?: boolean;
  /** Softmax temperature on cosines (CLIP's logit scale). */
  readonly logitScale?: number;
}

/** A compact heat map for the live overlay: probability × 255 on the patch grid. */
export interface Heatmap {
  readonly label: string;
  readonly gridW: number;
  readonly gridH: number;
  readonly data: Uint8Array;
}

export interface TextSegmentation {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly heatmaps: Heatmap[];
  /** The threshold used per prompt (same order as the prompts). */
  readonly thresholds: number[];
  readonly refined: boolean;
  readonly instances: SegmentInstance[];
}

/**
 * Probability per prompt on the grid. With competing prompts (several, or one plus a background) it is
 * softmax(logitScale·cos) across them; a lone prompt with no background gets its cosine rescaled to
 * [0,1] over the image instead.
 */
export function textProbabilities(
  grid: DenseGrid,
  prompts: readonly Float32Array[],
  background: Float32Array | undefined,
  logitScale = 100,
): Float32Array[] {
  assertGrid(grid, 'text_dense');
  if (prompts.length === 0) throw new Error('at least one text prompt is needed');
  const queries = background ? [...prompts, background] : [...prompts];
  // The background map is the same for every prompt on this image: computed once per grid.
  const cos = background
    ? [...cosineMaps(grid, prompts), cachedCosineMap(grid, background)]
    : cosineMaps(grid, prompts);
  const cells = grid.gridW * grid.gridH;
  const probs = prompts.map(() => new Float32Array(cells));
  if (queries.length === 1) {
    const c = cos[0]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < cells; i++) {
      lo = Math.min(lo, c[i]!);
      hi = Math.max(hi, c[i]!);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < cells; i++) probs[0]![i] = (c[i]! - lo) / span;
    return probs;
  }
  const k = queries.length;
  const logits = new Float64Array(k);
  for (let i = 0; i < cells; i++) {
    let max = -Infinity;
    for (let q = 0; q < k; q++) {
      logits[q] = logitScale * cos[q]![i]!;
      if (logits[q]! > max) max = logits[q]!;
    }
    let sum = 0;
    for (let q = 0; q < k; q++) {
      logits[q] = Math.exp(logits[q]! - max);
      sum += logits[q]!;
    }
    for (let p = 0; p < prompts.length; p++) probs[p]![i] = logits[p]! / sum;
  }
  return probs;
}

export function segmentText(input: TextSegmentInput, opts: TextSegmentOptions = {}): TextSegmentation {
  const { textDense: grid, mapping } = input;
  const widthPx = mapping.imageWidthPx;
  const heightPx = mapping.imageHeightPx;
  const t = opts.thresholdProb;
  if (t !== undefined && !(t > 0 && t < 1)) throw new Error(`threshold must be between 0 and 1, got ${t}`);
  const competing = input.prompts.length > 1 || input.background !== undefined;
  const probs = textProbabilities(
    grid,
    input.prompts.map((p) => p.embedding),
    input.background,
    opts.logitScale,
  );
  const refine = (opts.refine ?? true) && input.image !== undefined;
  const minAreaPx = opts.minAreaPx ?? defaultMinAreaPx(mapping);
  const heatmaps: Heatmap[] = [];
  const thresholds: number[] = [];
  const instances: SegmentInstance[] = [];
  input.prompts.forEach((prompt, k) => {
    const p = probs[k]!;
    heatmaps.push({ label: prompt.label, gridW: grid.gridW, gridH: grid.gridH, data: toUint8(p) });
    const thr = t ?? (competing ? Math.max(0.5, otsuThreshold(p)) : otsuThreshold(p));
    thresholds.push(thr);
    const up = upsampleProbability(p, grid.gridW, grid.gridH, mapping, {
      thresholdProb: thr,
      ...(refine && input.image ? { guide: input.image } : {}),
    });
    instances.push(...maskToInstances(up.mask, up.prob, widthPx, heightPx, prompt.label, minAreaPx));
  });
  instances.sort((a, b) => b.score - a.score);
  return { widthPx, heightPx, heatmaps, thresholds, refined: refine, instances };
}

/** Heat maps alone (no upsampling, no instances): the cheap path for a live overlay while typing. */
export function textHeatmaps(
  grid: DenseGrid,
  prompts: readonly TextPrompt[],
  background?: Float32Array,
  logitScale = 100,
): Heatmap[] {
  const probs = textProbabilities(
    grid,
    prompts.map((p) => p.embedding),
    background,
    logitScale,
  );
  return prompts.map((p, k) => ({
    label: p.label,
    gridW: grid.gridW,
    gridH: grid.gridH,
    data: toUint8(probs[k]!),
  }));
}

/** One patch's footprint in image pixels: anything smaller is below what the grid can resolve. */
export function defaultMinAreaPx(mapping: PixelPatchMapping): number {
  const pxPerCellX = (mapping.imageWidthPx / mapping.inputWidthPx) * mapping.patchPx;
  const pxPerCellY = (mapping.imageHeightPx / mapping.inputHeightPx) * mapping.patchPx;
  return Math.max(1, Math.round(pxPerCellX * pxPerCellY));
}

function toUint8(p: Float32Array): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, p[i]!)) * 255);
  return out;
}
