/**
 * Bicubic resize that gives the bytes Pillow's `Image.resize(size, Image.BICUBIC)` gives for 8-bit RGB.
 *
 * RADIO's reference preprocessing resizes with PIL (torchvision's Resize on PIL images), so features
 * match the model's training only on PIL's sampling grid. libvips/sharp's cubic kernel sits about half a
 * pixel off that grid (patch-feature cosine 0.993–0.997 against the reference). PIL's convolution:
 * - Keys cubic with a = -0.5, sample centres at (x + 0.5) · scale (half-pixel), support 2 input pixels,
 *   widened by the scale when shrinking (antialiasing); taps clipped to the image and renormalised;
 * - weights in fixed point with 22 fractional bits, rounded half away from zero;
 * - a horizontal pass into an 8-bit intermediate (rows the vertical pass needs only), then a vertical
 *   pass; each output is (Σ pixel·weight + 2^21) >> 22, clamped to 0..255.
 * Every step below follows that arithmetic so the results are equal, not just close.
 */

/** Interleaved 8-bit RGB, row-major, no padding. */
export interface RgbImage {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly data: Uint8Array;
}

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
const FIXED_ONE = 1 << PRECISION_BITS;
const CHANNELS = 3;
/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom), support 2. */
const BICUBIC_SUPPORT = 2;

function keysCubic(t: number): number {
  const a = -0.5;
  const x = t < 0 ? -t : t;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Taps {
  /** Taps per output sample (stride of `weights`). */
  readonly kernelSize: number;
  /** Per output sample: first input index, number of taps. */
  readonly bounds: Int32Array;
  /** Fixed-point weights, `kernelSize` per output sample. */
  readonly weights: Int32Array;
}

function computeTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = BICUBIC_SUPPORT * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * kernelSize);
  const w = new Float64Array(kernelSize);
  const invFilterScale = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(inSize, Math.trunc(center + support + 0.5));
    const count = last - first;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      const v = keysCubic((x + first - center + 0.5) * invFilterScale);
      w[x] = v;
      sum += v;
    }
    for (let x = 0; x < count; x++) {
      const v = sum !== 0 ? (w[x] ?? 0) / sum : (w[x] ?? 0);
      weights[xx * kernelSize + x] =
        v < 0 ? Math.trunc(-0.5 + v * FIXED_ONE) : Math.trunc(0.5 + v * FIXED_ONE);
    }
    bounds[xx * 2] = first;
    bounds[xx * 2 + 1] = count;
  }
  return { kernelSize, bounds, weights };
}

/** Source rows [from, to) of the horizontal pass (row `r` lands at output row `r - firstRow`). */
function horizontalRows(
  src: RgbImage,
  taps: Taps,
  out: Uint8ClampedArray,
  outWidth: number,
  firstRow: number,
  from: number,
  to: number,
): void {
  const { bounds, weights, kernelSize } = taps;
  const data = src.data;
  const srcStride = src.widthPx * CHANNELS;
  let o = (from - firstRow) * outWidth * CHANNELS;
  for (let row = from; row < to; row++) {
    const rowBase = row * srcStride;
    for (let xx = 0; xx < outWidth; xx++) {
      const first = bounds[xx * 2]!;
      const count = bounds[xx * 2 + 1]!;
      const k = xx * kernelSize;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let p = rowBase + first * CHANNELS;
      // `| 0` keeps V8 on int32 arithmetic (PIL's accumulator type; a product is below 2^30).
      for (let x = 0; x < count; x++) {
        const wt = weights[k + x]!;
        s0 = (s0 + data[p]! * wt) | 0;
        s1 = (s1 + data[p + 1]! * wt) | 0;
        s2 = (s2 + data[p + 2]! * wt) | 0;
        p += CHANNELS;
      }
      // >> is C's arithmetic shift on int32; the clamped array clamps to 0..255 as PIL's clip8 does.
      out[o++] = s0 >> PRECISION_BITS;
      out[o++] = s1 >> PRECISION_BITS;
      out[o++] = s2 >> PRECISION_BITS;
    }
  }
}

/** Output rows [from, to) of the vertical pass over `src` (whose row 0 is source row `rowOffset`). */
function verticalRows(
  src: Uint8Array,
  rowLen: number,
  taps: Taps,
  out: Uint8ClampedArray,
  acc: Int32Array,
  rowOffset: number,
  from: number,
  to: number,
): void {
  const { bounds, weights, kernelSize } = taps;
  for (let yy = from; yy < to; yy++) {
    const first = bounds[yy * 2]! - rowOffset;
    const count = bounds[yy * 2 + 1]!;
    acc.fill(HALF);
    for (let y = 0; y < count; y++) {
      const wt = weights[yy * kernelSize + y]!;
      if (wt === 0) continue;
      const base = (first + y) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] = (acc[i]! + src[base + i]! * wt) | 0;
    }
    const o = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = acc[i]! >> PRECISION_BITS;
  }
}

/** Roughly this many multiply-adds between yields of the stepwise resize (a few ms of work). */
const WORK_PER_STEP = 3_000_000;

/**
 * The resize as steps: yields between bands of rows so that a caller on a busy event loop can let
 * other work in (a 12-megapixel photo is a few hundred ms of arithmetic). Returns the resized image.
 */
function* resizeSteps(src: RgbImage, widthPx: number, heightPx: number): Generator<void, RgbImage> {
  if (!(Number.isInteger(widthPx) && Number.isInteger(heightPx) && widthPx > 0 && heightPx > 0)) {
    throw new Error(`resize target must be positive whole pixels, got ${widthPx}×${heightPx}`);
  }
  if (src.data.length !== src.widthPx * src.heightPx * CHANNELS) {
    throw new Error(
      `RGB buffer has ${src.data.length} bytes, expected ${src.widthPx * src.heightPx * CHANNELS} for ${src.widthPx}×${src.heightPx}`,
    );
  }
  const needHorizontal = widthPx !== src.widthPx;
  const needVertical = heightPx !== src.heightPx;
  if (!needHorizontal && !needVertical) return { widthPx, heightPx, data: src.data.slice() };
  const vTaps = computeTaps(src.heightPx, heightPx);
  let data = src.data;
  let rowOffset = 0;
  if (needHorizontal) {
    // Like PIL, only the source rows that the vertical pass reads go through the horizontal pass.
    const firstRow = vTaps.bounds[0]!;
    const lastRow = vTaps.bounds[(heightPx - 1) * 2]! + vTaps.bounds[(heightPx - 1) * 2 + 1]!;
    const hTaps = computeTaps(src.widthPx, widthPx);
    const out = new Uint8ClampedArray(widthPx * (lastRow - firstRow) * CHANNELS);
    const band = Math.max(1, Math.floor(WORK_PER_STEP / (widthPx * hTaps.kernelSize * CHANNELS)));
    for (let row = firstRow; row < lastRow; row += band) {
      horizontalRows(src, hTaps, out, widthPx, firstRow, row, Math.min(lastRow, row + band));
      yield;
    }
    data = new Uint8Array(out.buffer);
    rowOffset = firstRow;
  }
  if (!needVertical) return { widthPx, heightPx, data };
  const rowLen = widthPx * CHANNELS;
  const out = new Uint8ClampedArray(rowLen * heightPx);
  const acc = new Int32Array(rowLen);
  const band = Math.max(1, Math.floor(WORK_PER_STEP / (rowLen * vTaps.kernelSize)));
  for (let yy = 0; yy < heightPx; yy += band) {
    verticalRows(data, rowLen, vTaps, out, acc, rowOffset, yy, Math.min(heightPx, yy + band));
    yield;
  }
  return { widthPx, heightPx, data: new Uint8Array(out.buffer) };
}

/** PIL-exact bicubic resize of 8-bit RGB to `widthPx` × `heightPx`, in one go. */
export function resizeBicubicLikePil(src: RgbImage, widthPx: number, heightPx: number): RgbImage {
  const steps = resizeSteps(src, widthPx, heightPx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same resize, letting the event loop run between bands of rows (for the main process). */
export async function resizeBicubicLikePilAsync(
  src: RgbImage,
  widthPx: number,
  heightPx: number,
): Promise<RgbImage> {
  const steps = resizeSteps(src, widthPx, heightPx);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
