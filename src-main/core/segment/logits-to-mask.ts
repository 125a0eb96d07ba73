/**
 * Mask-decoder logits (a low-res grid) → a binary mask at image size, thresholded at 0. Resizing is
 * separable: each output column and row reads a few source cells with fixed weights (its "taps"), so a
 * chain of bilinear resizes costs the same as one.
 */

/** Along one axis, per output pixel: `count` source indices and their weights. */
export interface AxisTaps {
  readonly count: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

export interface ThresholdedMask {
  readonly mask: Uint8Array;
  readonly areaPx: number;
  /** [x, y, width, height] of the mask's pixels; zeros when empty. */
  readonly bbox: [number, number, number, number];
}

/**
 * torch.nn.functional.interpolate(mode="bilinear", align_corners=False) along one axis, in → out:
 * source = max(0, (o + ½)·in/out − ½), then the two cells around it (the upper one clamped).
 */
function torchLinear(inSize: number, outSize: number, o: number): [number, number, number, number] {
  const src = Math.max(0, (o + 0.5) * (inSize / outSize) - 0.5);
  const i0 = Math.floor(src);
  const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
  const l1 = src - i0;
  return [i0, i1, 1 - l1, l1];
}

/**
 * segment-anything's postprocess_masks along one axis: the `lowSize` logits are resized to the square
 * `frameSize` frame, cropped to its first `validSize` pixels (the unpadded input) and resized to
 * `outSize` image pixels. Two chained bilinear steps: four taps per output pixel.
 */
export function samPostprocessTaps(
  lowSize: number,
  frameSize: number,
  validSize: number,
  outSize: number,
): AxisTaps {
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const [f0, f1, w0, w1] = torchLinear(validSize, outSize, o);
    const [a0, a1, u0, u1] = torchLinear(lowSize, frameSize, f0);
    const [b0, b1, v0, v1] = torchLinear(lowSize, frameSize, f1);
    index.set([a0, a1, b0, b1], o * 4);
    weight.set([w0 * u0, w0 * u1, w1 * v0, w1 * v1], o * 4);
  }
  return { count: 4, index, weight };
}

/**
 * One bilinear resize (align-corners false) of the first `validSize` cells (may be fractional) of a
 * `gridSize` axis to `outSize` pixels, positions clamped to the grid: the path of decoders without
 * SAM's postprocess convention.
 */
export function windowBilinearTaps(gridSize: number, validSize: number, outSize: number): AxisTaps {
  const index = new Int32Array(outSize * 2);
  const weight = new Float64Array(outSize * 2);
  const f = validSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const g = Math.min(Math.max((o + 0.5) * f - 0.5, 0), gridSize - 1);
    const c0 = Math.floor(g);
    index[o * 2] = c0;
    index[o * 2 + 1] = Math.min(c0 + 1, gridSize - 1);
    weight[o * 2] = 1 - (g - c0);
    weight[o * 2 + 1] = g - c0;
  }
  return { count: 2, index, weight };
}

/** Resizes `logits` (gridW × gridH, row-major) with the given taps and keeps pixels whose value is > 0. */
export function thresholdLogits(
  logits: Float32Array,
  gridW: number,
  gridH: number,
  xTaps: AxisTaps,
  yTaps: AxisTaps,
): ThresholdedMask {
  const w = xTaps.index.length / xTaps.count;
  const h = yTaps.index.length / yTaps.count;
  if (logits.length < gridW * gridH) {
    throw new Error(`thresholdLogits: ${logits.length} logits for a ${gridW}×${gridH} grid`);
  }
  // Horizontal pass, only on the grid rows some output row reads.
  const rowUsed = new Uint8Array(gridH);
  for (const r of yTaps.index) rowUsed[r] = 1;
  const hz = new Float64Array(gridH * w);
  const kx = xTaps.count;
  for (let r = 0; r < gridH; r++) {
    if (!rowUsed[r]) continue;
    const src = r * gridW;
    const dst = r * w;
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let k = 0; k < kx; k++) v += xTaps.weight[x * kx + k]! * logits[src + xTaps.index[x * kx + k]!]!;
      hz[dst + x] = v;
    }
  }
  const mask = new Uint8Array(w * h);
  const ky = yTaps.count;
  let area = 0;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const out = y * w;
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let k = 0; k < ky; k++) v += yTaps.weight[y * ky + k]! * hz[yTaps.index[y * ky + k]! * w + x]!;
      if (v > 0) {
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
