import type {
  DenseGrid,
  HalfTensor,
  ImageEmbedding,
  PixelPatchMapping,
  StoredEmbedding,
} from '../embedding-types';
import type { GridOutputSpec } from '../models/manifest';
import { fromHalf, toHalf } from './half';
import type { OutputTensor } from './protocol';

/** ImageEmbedding plus the summary in the text space, when the bundle has one (zero-shot tags use it). */
export interface EngineImageEmbedding extends ImageEmbedding {
  readonly textSummary?: Float32Array;
}

/** Rows, columns and channels of a grid output, checked against the input's patch grid. */
export function gridShape(
  outDims: readonly number[],
  layout: GridOutputSpec['layout'],
  mapping: PixelPatchMapping,
  what: string,
): { gridH: number; gridW: number; dims: number } {
  const baseH = mapping.inputHeightPx / mapping.patchPx;
  const baseW = mapping.inputWidthPx / mapping.patchPx;
  switch (layout) {
    case 'NLC': {
      const [batch, tokens, dims] = outDims;
      if (outDims.length !== 3 || batch !== 1 || tokens === undefined || dims === undefined) {
        throw new Error(`${what}: expected [1, N, C], got [${outDims.join(', ')}]`);
      }
      // FeatSharp-style heads emit an u×-denser grid: N = (h·u)(w·u).
      const u = Math.round(Math.sqrt(tokens / (baseH * baseW)));
      if (u < 1 || baseH * u * baseW * u !== tokens) {
        throw new Error(`${what}: ${tokens} tokens do not fit the ${baseW}×${baseH} patch grid of the input`);
      }
      return { gridH: baseH * u, gridW: baseW * u, dims };
    }
    case 'NCHW': {
      const [batch, c, h, w] = outDims;
      if (outDims.length !== 4 || batch !== 1 || c === undefined || h === undefined || w === undefined) {
        throw new Error(`${what}: expected [1, C, H, W], got [${outDims.join(', ')}]`);
      }
      return { gridH: h, gridW: w, dims: c };
    }
  }
}

/** Turns an encoder output into a row-major H×W×C grid, checking its size against the input size. */
export function outputToGrid(
  out: OutputTensor,
  spec: GridOutputSpec,
  mapping: PixelPatchMapping,
  what: string,
): DenseGrid {
  const { gridH: h, gridW: w, dims: c } = gridShape(out.dims, spec.layout, mapping, what);
  switch (spec.layout) {
    case 'NLC':
      return { data: out.data, gridH: h, gridW: w, dims: c };
    case 'NCHW': {
      const data = new Float32Array(c * h * w);
      const plane = h * w;
      for (let ch = 0; ch < c; ch++) {
        const src = ch * plane;
        for (let i = 0; i < plane; i++) data[i * c + ch] = out.data[src + i] ?? 0;
      }
      return { data, gridH: h, gridW: w, dims: c };
    }
  }
}

const gridToHalf = (g: DenseGrid): HalfTensor => ({ dims: [g.gridH, g.gridW, g.dims], data: toHalf(g.data) });

function halfToGrid(t: HalfTensor | undefined, name: string): DenseGrid | undefined {
  if (!t) return undefined;
  const [gridH, gridW, dims] = t.dims;
  if (t.dims.length !== 3 || gridH === undefined || gridW === undefined || dims === undefined) {
    throw new Error(`cached ${name} has dims [${t.dims.join(', ')}], expected [H, W, C]`);
  }
  return { data: fromHalf(t.data), gridH, gridW, dims };
}

/** fp16 form for the embedding cache; grid tensors are stored as [H, W, C]. */
export function toStored(e: EngineImageEmbedding): StoredEmbedding {
  const tensors: Record<string, HalfTensor> = {
    summary: { dims: [e.summary.length], data: toHalf(e.summary) },
    features: gridToHalf(e.features),
  };
  if (e.textDense) tensors.text_dense = gridToHalf(e.textDense);
  if (e.samFeatures) tensors.sam_features = gridToHalf(e.samFeatures);
  if (e.textSummary) tensors.text_summary = { dims: [e.textSummary.length], data: toHalf(e.textSummary) };
  return { mapping: e.mapping, tensors };
}

export function fromStored(modelId: string, s: StoredEmbedding): EngineImageEmbedding {
  const summary = s.tensors.summary;
  const features = halfToGrid(s.tensors.features, 'features');
  if (!summary || !features)
    throw new Error(`cached embedding for model "${modelId}" lacks summary or features`);
  const textSummary = s.tensors.text_summary;
  return {
    modelId,
    mapping: s.mapping,
    summary: fromHalf(summary.data),
    features,
    textDense: halfToGrid(s.tensors.text_dense, 'text_dense'),
    samFeatures: halfToGrid(s.tensors.sam_features, 'sam_features'),
    textSummary: textSummary ? fromHalf(textSummary.data) : undefined,
  };
}
