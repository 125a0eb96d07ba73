import { type DenseGrid, type PixelPatchMapping } from '../embedding-types';
import { assertGrid } from './grid-ops';
import { type BoxPrompt, type ClickPoint, validatePrompts } from './prompts';

/** A tensor fed to the decoder (the inference engine's FeedTensor shape). */
export type DecoderFeed =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int64'; dims: number[]; data: BigInt64Array };
export type DecoderOutputs = Record<string, { dims: number[]; data: Float32Array }>;
/** Runs the bundle's mask decoder: `(feeds) => engine.runMaskDecoder(modelId, feeds)`, injected for tests. */
export type MaskDecoderRunner = (feeds: Record<string, DecoderFeed>) => Promise<DecoderOutputs>;

/** The manifest's `mask_decoder` block (names of the graph's inputs/outputs and its frame size). */
export interface MaskDecoderIo {
  readonly inputs: {
    readonly image_embeddings: string;
    readonly point_coords: string;
    readonly point_labels: string;
    readonly mask_input?: string;
    readonly has_mask_input?: string;
  };
  readonly outputs: { readonly masks: string; readonly scores?: string };
  /** Side of the square frame the point coordinates refer to (SAM: 1024). */
  readonly input_size: number;
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
  /** The other multi-mask outputs, best first. */
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
 * SAM's prompt convention (segment-anything's ONNX export): clicks are labels 1/0, a box is two corner
 * points labelled 2 (top-left) and 3 (bottom-right), and without a box a padding point (0,0) labelled −1
 * is appended. Coordinates go image → encoder input (stretch) → the decoder frame, whose long side is
 * input_size (ResizeLongestSide). Masks are logits over that square frame (or over the input frame when
 * they are not square); the valid part is cropped, resized to the image and thresholded at 0.
 */
export function buildDecoderFeeds(
  io: MaskDecoderIo,
  input: DecoderSegmentInput,
): Record<string, DecoderFeed> {
  const { samFeatures: grid, mapping, clicks, box } = input;
  assertGrid(grid, 'sam_features');
  validatePrompts(clicks, box, mapping.imageWidthPx, mapping.imageHeightPx);
  const s = frameScale(io, mapping);
  const toFrame = (x: number, y: number): [number, number] => [
    x * (mapping.inputWidthPx / mapping.imageWidthPx) * s,
    y * (mapping.inputHeightPx / mapping.imageHeightPx) * s,
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
  const { gridH, gridW, dims, data } = grid;
  const nchw = new Float32Array(data.length);
  const plane = gridH * gridW;
  for (let p = 0; p < plane; p++) for (let c = 0; c < dims; c++) nchw[c * plane + p] = data[p * dims + c]!;
  const feeds: Record<string, DecoderFeed> = {
    [io.inputs.image_embeddings]: { type: 'float32', dims: [1, dims, gridH, gridW], data: nchw },
    [io.inputs.point_coords]: { type: 'float32', dims: [1, n, 2], data: Float32Array.from(coords) },
    [io.inputs.point_labels]: { type: 'float32', dims: [1, n], data: Float32Array.from(labels) },
  };
  const lowSide = Math.round(io.input_size / 4);
  if (io.inputs.mask_input !== undefined) {
    const prev = input.previous;
    const prevData = prev
      ? resampleSquare(prev.data, prev.side, lowSide)
      : new Float32Array(lowSide * lowSide);
    feeds[io.inputs.mask_input] = { type: 'float32', dims: [1, 1, lowSide, lowSide], data: prevData };
  }
  if (io.inputs.has_mask_input !== undefined) {
    feeds[io.inputs.has_mask_input] = {
      type: 'float32',
      dims: [1],
      data: Float32Array.of(input.previous ? 1 : 0),
    };
  }
  return feeds;
}

export async function segmentWithDecoder(
  run: MaskDecoderRunner,
  io: MaskDecoderIo,
  input: DecoderSegmentInput,
): Promise<DecoderSegmentation> {
  const feeds = buildDecoderFeeds(io, input);
  const outputs = await run(feeds);
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
  const { mapping } = input;
  const w = mapping.imageWidthPx;
  const h = mapping.imageHeightPx;
  // The part of the mask grid that covers the encoder input (the rest is SAM's bottom/right padding).
  const s = frameScale(io, mapping);
  const square = mh === mw;
  const validW = square ? (mapping.inputWidthPx * s * mw) / io.input_size : mw;
  const validH = square ? (mapping.inputHeightPx * s * mh) / io.input_size : mh;
  const results = Array.from({ length: m }, (_, k) => {
    const logits = masks.data.subarray(k * mh * mw, (k + 1) * mh * mw);
    return { k, ...logitsToMask(logits, mw, mh, validW, validH, w, h), score: scores[k]! };
  });
  results.sort((a, b) => b.score - a.score);
  const best = results[0];
  if (!best) throw new Error('the mask decoder returned no masks');
  const bestLogits = masks.data.subarray(best.k * mh * mw, (best.k + 1) * mh * mw);
  const lowSide = Math.round(io.input_size / 4);
  const lowRes: LowResLogits = square
    ? { side: lowSide, data: resampleSquare(bestLogits, mh, lowSide) }
    : { side: lowSide, data: new Float32Array(lowSide * lowSide) };
  const strip = (r: (typeof results)[number]): DecoderMask => ({
    mask: r.mask,
    score: r.score,
    areaPx: r.areaPx,
    bbox: r.bbox,
  });
  return { widthPx: w, heightPx: h, ...strip(best), alternatives: results.slice(1).map(strip), lowRes };
}

function frameScale(io: MaskDecoderIo, mapping: PixelPatchMapping): number {
  return io.input_size / Math.max(mapping.inputWidthPx, mapping.inputHeightPx);
}

/** Bilinear (align-corners false) resize of the valid mw'×mh' logits window to the image, threshold 0. */
function logitsToMask(
  logits: Float32Array,
  mw: number,
  mh: number,
  validW: number,
  validH: number,
  w: number,
  h: number,
): Omit<DecoderMask, 'score'> {
  const mask = new Uint8Array(w * h);
  const fx = validW / w;
  const fy = validH / h;
  // Separable bilinear: per-column taps once, each logits row interpolated horizontally once.
  const c0s = new Int32Array(w);
  const c1s = new Int32Array(w);
  const txs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const gx = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), mw - 1);
    const c0 = Math.floor(gx);
    c0s[x] = c0;
    c1s[x] = Math.min(c0 + 1, mw - 1);
    txs[x] = gx - c0;
  }
  const hz = new Float32Array(mh * w);
  for (let r = 0; r < mh; r++) {
    const src = r * mw;
    const dst = r * w;
    for (let x = 0; x < w; x++) {
      const a = logits[src + c0s[x]!]!;
      hz[dst + x] = a + (logits[src + c1s[x]!]! - a) * txs[x]!;
    }
  }
  let area = 0;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const gy = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), mh - 1);
    const r0 = Math.floor(gy);
    const a0 = r0 * w;
    const a1 = Math.min(r0 + 1, mh - 1) * w;
    const ty = gy - r0;
    const out = y * w;
    for (let x = 0; x < w; x++) {
      const top = hz[a0 + x]!;
      if (top + (hz[a1 + x]! - top) * ty > 0) {
        mask[out + x] = 1;
        area++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return { mask, areaPx: area, bbox: area > 0 ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : [0, 0, 0, 0] };
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
