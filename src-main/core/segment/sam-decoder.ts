import { type DenseGrid, type MaskDecoderStage, type PixelPatchMapping } from '../embedding-types';
import { assertGrid } from './grid-ops';
import {
  samPostprocessTaps,
  thresholdLogits,
  windowBilinearTaps,
  type ThresholdedMask,
} from './logits-to-mask';
import { type BoxPrompt, type ClickPoint, validatePrompts } from './prompts';

/** A tensor fed to the decoder (the inference engine's FeedTensor shape). */
export type DecoderFeed =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int64'; dims: number[]; data: BigInt64Array };
export type DecoderOutputs = Record<string, { dims: number[]; data: Float32Array }>;
/**
 * Runs one of the bundle's mask-decoder graphs: `(feeds, stage) => engine.runMaskDecoder(modelId, feeds,
 * stage)`, injected for tests. Stage "neck" (SAM's image-encoder neck) runs once per image.
 */
export type MaskDecoderRunner = (
  feeds: Record<string, DecoderFeed>,
  stage?: MaskDecoderStage,
) => Promise<DecoderOutputs>;

/** The manifest's `mask_decoder` block (see models/manifest.ts for what each field means). */
export interface MaskDecoderIo {
  readonly inputs: {
    readonly image_embeddings: string;
    readonly point_coords: string;
    readonly point_labels: string;
    readonly mask_input?: string;
    readonly has_mask_input?: string;
    readonly orig_im_size?: string;
  };
  readonly outputs: { readonly masks: string; readonly scores?: string };
  /** Side of the square frame the point coordinates refer to (SAM: 1024). */
  readonly input_size: number;
  readonly neck?: { readonly input: string; readonly output: string; readonly sha256?: string };
  readonly embedding_grid?: number;
  readonly multimask?: { readonly single_mask_index: number };
  readonly postprocess?: 'bilinear' | 'sam';
}

/** Logits of the chosen mask at the decoder's low resolution, fed back as `mask_input` on the next click. */
export interface LowResLogits {
  readonly side: number;
  readonly data: Float32Array;
}

export interface DecoderMask {
  readonly mask: Uint8Array;
  readonly score: number;
  readonly areaPx: number;
  readonly bbox: [number, number, number, number];
}

export interface DecoderSegmentation extends DecoderMask {
  readonly widthPx: number;
  readonly heightPx: number;
  /** The other mask outputs, best predicted IoU first. */
  readonly alternatives: DecoderMask[];
  readonly lowRes: LowResLogits;
}

export interface DecoderSegmentInput {
  readonly samFeatures: DenseGrid;
  readonly mapping: PixelPatchMapping;
  readonly clicks: readonly ClickPoint[];
  readonly box?: BoxPrompt;
  /** The previous result's low-res logits, so that an added click refines it. */
  readonly previous?: LowResLogits;
}

/**
 * Where the encoder input sits in the decoder's square frame. With `embedding_grid` (SAM through RADIO,
 * RADSeg's recipe) each encoder patch is one embedding cell of input_size / embedding_grid frame pixels
 * and the grid is zero-padded at the bottom/right; otherwise the input's long side spans the frame.
 */
interface FrameGeometry {
  /** Frame pixels per encoder-input pixel. */
  readonly scale: number;
  /** The unpadded part of the frame, in frame pixels. */
  readonly validW: number;
  readonly validH: number;
  /** Side of mask_input (4 × the embedding grid). */
  readonly lowSide: number;
}

function frameGeometry(io: MaskDecoderIo, grid: DenseGrid, mapping: PixelPatchMapping): FrameGeometry {
  const e = io.embedding_grid;
  if (e === undefined) {
    const scale = io.input_size / Math.max(mapping.inputWidthPx, mapping.inputHeightPx);
    return {
      scale,
      validW: mapping.inputWidthPx * scale,
      validH: mapping.inputHeightPx * scale,
      lowSide: Math.round(io.input_size / 4),
    };
  }
  if (grid.gridW > e || grid.gridH > e) {
    throw new Error(
      `the encoder's SAM grid is ${grid.gridW}×${grid.gridH} patches, more than the decoder's ${e}×${e} embedding grid: use an encoder resolution of at most ${e} patches a side (RADSeg: long side 1024 px at patch 16)`,
    );
  }
  const cellPx = io.input_size / e;
  return {
    scale: cellPx / mapping.patchPx,
    validW: grid.gridW * cellPx,
    validH: grid.gridH * cellPx,
    lowSide: 4 * e,
  };
}

/**
 * SAM's prompt convention (segment-anything's ONNX export): clicks are labels 1/0, a box is two corner
 * points labelled 2 (top-left) and 3 (bottom-right), and without a box a padding point (0,0) labelled −1
 * is appended. Coordinates go image → encoder input (stretch) → the decoder frame; the graph adds SAM's
 * half-pixel shift. Without a neck, image_embeddings is the grid itself (NCHW); with one, the caller
 * passes the neck's output.
 */
export function buildDecoderFeeds(
  io: MaskDecoderIo,
  input: DecoderSegmentInput,
  imageEmbeddings?: DecoderFeed,
): Record<string, DecoderFeed> {
  const { samFeatures: grid, mapping, clicks, box } = input;
  assertGrid(grid, 'sam_features');
  validatePrompts(clicks, box, mapping.imageWidthPx, mapping.imageHeightPx);
  const geo = frameGeometry(io, grid, mapping);
  const toFrame = (x: number, y: number): [number, number] => [
    x * (mapping.inputWidthPx / mapping.imageWidthPx) * geo.scale,
    y * (mapping.inputHeightPx / mapping.imageHeightPx) * geo.scale,
  ];
  const coords: number[] = [];
  const labels: number[] = [];
  for (const c of clicks) {
    coords.push(...toFrame(c.xPx, c.yPx));
    labels.push(c.positive ? 1 : 0);
  }
  if (box) {
    coords.push(...toFrame(box.x, box.y), ...toFrame(box.x + box.widthPx, box.y + box.heightPx));
    labels.push(2, 3);
  } else {
    coords.push(0, 0);
    labels.push(-1);
  }
  const n = labels.length;
  const feeds: Record<string, DecoderFeed> = {
    [io.inputs.image_embeddings]: imageEmbeddings ?? gridToNchw(grid),
    [io.inputs.point_coords]: { type: 'float32', dims: [1, n, 2], data: Float32Array.from(coords) },
    [io.inputs.point_labels]: { type: 'float32', dims: [1, n], data: Float32Array.from(labels) },
  };
  const low = geo.lowSide;
  if (io.inputs.mask_input !== undefined) {
    const prev = input.previous;
    const prevData = prev ? resampleSquare(prev.data, prev.side, low) : new Float32Array(low * low);
    feeds[io.inputs.mask_input] = { type: 'float32', dims: [1, 1, low, low], data: prevData };
  }
  if (io.inputs.has_mask_input !== undefined) {
    feeds[io.inputs.has_mask_input] = {
      type: 'float32',
      dims: [1],
      data: Float32Array.of(input.previous ? 1 : 0),
    };
  }
  if (io.inputs.orig_im_size !== undefined) {
    feeds[io.inputs.orig_im_size] = {
      type: 'float32',
      dims: [2],
      data: Float32Array.of(mapping.imageHeightPx, mapping.imageWidthPx),
    };
  }
  return feeds;
}

function gridToNchw(grid: DenseGrid): DecoderFeed {
  const { gridH, gridW, dims, data } = grid;
  const nchw = new Float32Array(data.length);
  const plane = gridH * gridW;
  for (let p = 0; p < plane; p++) for (let c = 0; c < dims; c++) nchw[c * plane + p] = data[p * dims + c]!;
  return { type: 'float32', dims: [1, dims, gridH, gridW], data: nchw };
}

/** The neck's output per SAM grid (one image embedding, reused by every click on that image). */
const neckOutputs = new WeakMap<DenseGrid, Map<string, Promise<DecoderFeed>>>();

function imageEmbedding(
  run: MaskDecoderRunner,
  io: MaskDecoderIo,
  grid: DenseGrid,
): Promise<DecoderFeed> | undefined {
  const neck = io.neck;
  if (!neck) return undefined;
  const key = `${neck.sha256 ?? ''}|${neck.input}|${neck.output}`;
  let perGrid = neckOutputs.get(grid);
  if (!perGrid) {
    perGrid = new Map<string, Promise<DecoderFeed>>();
    neckOutputs.set(grid, perGrid);
  }
  const hit = perGrid.get(key);
  if (hit) return hit;
  const pending = (async (): Promise<DecoderFeed> => {
    const feed: DecoderFeed = {
      type: 'float32',
      dims: [1, grid.gridH, grid.gridW, grid.dims],
      data: grid.data,
    };
    const out = (await run({ [neck.input]: feed }, 'neck'))[neck.output];
    if (!out) throw new Error(`the mask decoder's neck gave no "${neck.output}" output`);
    return { type: 'float32', dims: out.dims, data: out.data };
  })();
  perGrid.set(key, pending);
  pending.catch(() => perGrid.delete(key));
  return pending;
}

export async function segmentWithDecoder(
  run: MaskDecoderRunner,
  io: MaskDecoderIo,
  input: DecoderSegmentInput,
): Promise<DecoderSegmentation> {
  assertGrid(input.samFeatures, 'sam_features');
  const geo = frameGeometry(io, input.samFeatures, input.mapping);
  validatePrompts(input.clicks, input.box, input.mapping.imageWidthPx, input.mapping.imageHeightPx);
  const feeds = buildDecoderFeeds(io, input, await imageEmbedding(run, io, input.samFeatures));
  const numPoints = feeds[io.inputs.point_labels]!.data.length;
  const outputs = await run(feeds, 'decoder');
  const masks = outputs[io.outputs.masks];
  if (!masks) throw new Error(`the mask decoder gave no "${io.outputs.masks}" output`);
  if (masks.dims.length !== 4 || masks.dims[0] !== 1) {
    throw new Error(
      `mask decoder output "${io.outputs.masks}" has dims [${masks.dims.join(',')}], expected [1,M,H,W]`,
    );
  }
  const [, m, mh, mw] = masks.dims as [number, number, number, number];
  const scoresOut = io.outputs.scores !== undefined ? outputs[io.outputs.scores] : undefined;
  if (io.outputs.scores !== undefined && !scoresOut)
    throw new Error(`the mask decoder gave no "${io.outputs.scores}" output`);
  const scores = Array.from({ length: m }, (_, k) => scoresOut?.data[k] ?? (k === 0 ? 1 : 0));
  const chosen = chooseMask(io, scores, numPoints);
  const { imageWidthPx: w, imageHeightPx: h } = input.mapping;
  const [xTaps, yTaps] = maskTaps(io, geo, mw, mh, w, h);
  const plane = mh * mw;
  const logitsOf = (k: number): Float32Array => masks.data.subarray(k * plane, (k + 1) * plane);
  const best = thresholdLogits(logitsOf(chosen), mw, mh, xTaps, yTaps);
  // The other outputs are resized only if someone looks at them: each costs as much as the chosen one.
  const alternatives = scores
    .map((score, k) => ({ score, k }))
    .filter((r) => r.k !== chosen)
    .sort((a, b) => b.score - a.score)
    .map((r) => lazyMask(r.score, () => thresholdLogits(logitsOf(r.k), mw, mh, xTaps, yTaps)));
  const lowRes: LowResLogits =
    mh === mw
      ? { side: geo.lowSide, data: resampleSquare(logitsOf(chosen), mh, geo.lowSide) }
      : { side: geo.lowSide, data: new Float32Array(geo.lowSide * geo.lowSide) };
  return {
    widthPx: w,
    heightPx: h,
    mask: best.mask,
    score: scores[chosen]!,
    areaPx: best.areaPx,
    bbox: best.bbox,
    alternatives,
    lowRes,
  };
}

/** A DecoderMask whose pixels are computed on first access. */
function lazyMask(score: number, compute: () => ThresholdedMask): DecoderMask {
  let done: ThresholdedMask | undefined;
  const get = (): ThresholdedMask => (done ??= compute());
  return {
    score,
    get mask() {
      return get().mask;
    },
    get areaPx() {
      return get().areaPx;
    },
    get bbox() {
      return get().bbox;
    },
  };
}

/**
 * SAM's choice (utils/onnx.py select_masks): score + (points − 2.5)·1000 on the single-mask output, then
 * the best — so one click or a lone box (2 points with the padding point or corners) takes the best
 * multimask output, and 3 or more points the single-mask one. Without the convention: the best score.
 */
export function chooseMask(
  io: Pick<MaskDecoderIo, 'multimask'>,
  scores: readonly number[],
  numPoints: number,
): number {
  const single = io.multimask?.single_mask_index;
  if (single !== undefined && (single >= scores.length || single < 0)) {
    throw new Error(
      `mask_decoder.multimask.single_mask_index ${single} is not one of the ${scores.length} outputs`,
    );
  }
  let best = 0;
  let bestScore = -Infinity;
  scores.forEach((s, k) => {
    const v = k === single ? s + (numPoints - 2.5) * 1000 : s;
    if (v > bestScore) {
      bestScore = v;
      best = k;
    }
  });
  return best;
}

function maskTaps(
  io: MaskDecoderIo,
  geo: FrameGeometry,
  mw: number,
  mh: number,
  w: number,
  h: number,
): [ReturnType<typeof samPostprocessTaps>, ReturnType<typeof samPostprocessTaps>] {
  if (mw === w && mh === h && io.inputs.orig_im_size !== undefined) {
    // The graph already resized to the image (segment-anything's export with orig_im_size).
    return [windowBilinearTaps(mw, mw, w), windowBilinearTaps(mh, mh, h)];
  }
  if (io.postprocess === 'sam') {
    if (mw !== mh) throw new Error(`SAM postprocessing needs square low-res masks, got ${mw}×${mh}`);
    return [
      samPostprocessTaps(mw, io.input_size, geo.validW, w),
      samPostprocessTaps(mh, io.input_size, geo.validH, h),
    ];
  }
  // Logits over the square frame keep only the encoder input's part; non-square ones are that part.
  const square = mh === mw;
  const validW = square ? (geo.validW * mw) / io.input_size : mw;
  const validH = square ? (geo.validH * mh) / io.input_size : mh;
  return [windowBilinearTaps(mw, validW, w), windowBilinearTaps(mh, validH, h)];
}

function resampleSquare(src: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return src.slice();
  const out = new Float32Array(to * to);
  const f = from / to;
  for (let y = 0; y < to; y++) {
    const sy = Math.min(from - 1, Math.floor((y + 0.5) * f));
    for (let x = 0; x < to; x++)
      out[y * to + x] = src[sy * from + Math.min(from - 1, Math.floor((x + 0.5) * f))]!;
  }
  return out;
}
