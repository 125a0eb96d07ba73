import { decodeRgb as decodeImageRgb } from '../images/open-image';
import type { PixelPatchMapping } from '../embedding-types';
import type { BundleManifest, ResolutionPolicy } from '../models/manifest';
import { resizeBicubicLikePilAsync, type RgbImage } from './pil-bicubic';

export interface InputSize {
  readonly widthPx: number;
  readonly heightPx: number;
}

function roundToStep(v: number, step: number): number {
  return Math.max(step, Math.round(v / step) * step);
}

/**
 * The encoder input size for an image. `short_side`: scale so the short side is `short_side`, keep the
 * aspect, round each side to a multiple of `step`, then shrink (rounding down) until the long side is
 * ≤ max. `overrideShortSidePx` (e.g. `--resolution 768`) replaces the policy's short side.
 */
export function chooseInputSize(
  imageWidthPx: number,
  imageHeightPx: number,
  policy: ResolutionPolicy,
  overrideShortSidePx?: number,
): InputSize {
  if (!(imageWidthPx > 0 && imageHeightPx > 0)) {
    throw new Error(`image size must be positive, got ${imageWidthPx}×${imageHeightPx}`);
  }
  switch (policy.kind) {
    case 'fixed':
      return { widthPx: policy.width, heightPx: policy.height };
    case 'short_side': {
      const { step, max } = policy;
      const shortSide = overrideShortSidePx ?? policy.short_side;
      if (!(shortSide > 0)) throw new Error(`resolution must be positive, got ${shortSide}`);
      const scale = shortSide / Math.min(imageWidthPx, imageHeightPx);
      let w = roundToStep(imageWidthPx * scale, step);
      let h = roundToStep(imageHeightPx * scale, step);
      const cap = Math.max(step, Math.floor(max / step) * step);
      if (Math.max(w, h) > cap) {
        const shrink = cap / Math.max(w, h);
        w = Math.min(cap, Math.max(step, Math.floor((w * shrink) / step) * step));
        h = Math.min(cap, Math.max(step, Math.floor((h * shrink) / step) * step));
      }
      return { widthPx: w, heightPx: h };
    }
  }
}

export interface PreprocessedImage {
  /** float32 NCHW [1,3,H,W] in [0,1] (or normalised, when the graph does not normalise). */
  readonly pixels: Float32Array;
  readonly dims: readonly [1, 3, number, number];
  readonly mapping: PixelPatchMapping;
}

export interface DecodeOptions {
  /**
   * Convert through the image's embedded ICC profile to sRGB. Off by default: RADIO's reference
   * pipeline (PIL `convert("RGB")`) ignores embedded profiles, and the model was trained on the stored
   * values. Settings: `applyIccProfile`.
   */
  readonly applyIccProfile?: boolean;
}

/**
 * Decodes an image file to 8-bit RGB at full size through the one image opener (core/images): format from
 * the content (BMP and TIFF included), EXIF-oriented, alpha dropped, ICC profile ignored unless asked.
 */
export async function decodeRgb(imagePath: string, options: DecodeOptions = {}): Promise<RgbImage> {
  return decodeImageRgb(imagePath, { applyIccProfile: options.applyIccProfile === true });
}

/** RGB bytes → float32 NCHW in [0, 1], normalised here only when the graph does not normalise. */
export function toInputTensor(rgb: RgbImage, input: BundleManifest['encoder']['input']): Float32Array {
  const plane = rgb.widthPx * rgb.heightPx;
  const mean = input.normalized_in_graph ? [0, 0, 0] : (input.mean ?? [0, 0, 0]);
  const std = input.normalized_in_graph ? [1, 1, 1] : (input.std ?? [1, 1, 1]);
  const pixels = new Float32Array(plane * 3);
  const data = rgb.data;
  for (let c = 0; c < 3; c++) {
    const m = mean[c] ?? 0;
    const s = std[c] ?? 1;
    const base = c * plane;
    for (let i = 0; i < plane; i++) pixels[base + i] = (data[i * 3 + c]! / 255 - m) / s;
  }
  return pixels;
}

/**
 * Decodes (see decodeRgb), resizes with PIL's bicubic (RADIO's reference preprocessing, byte for byte)
 * to the manifest's input size, and lays out as NCHW float32.
 */
export async function preprocessImageFile(
  imagePath: string,
  manifest: BundleManifest,
  overrideShortSidePx?: number,
  options: DecodeOptions = {},
): Promise<PreprocessedImage> {
  const image = await decodeRgb(imagePath, options);
  const size = chooseInputSize(
    image.widthPx,
    image.heightPx,
    manifest.encoder.resolution,
    overrideShortSidePx,
  );
  const resized = await resizeBicubicLikePilAsync(image, size.widthPx, size.heightPx);
  return {
    pixels: toInputTensor(resized, manifest.encoder.input),
    dims: [1, 3, size.heightPx, size.widthPx],
    mapping: {
      imageWidthPx: image.widthPx,
      imageHeightPx: image.heightPx,
      inputWidthPx: size.widthPx,
      inputHeightPx: size.heightPx,
      patchPx: manifest.encoder.patch_size,
    },
  };
}

/** Image pixel (x, y) → patch cell (col, row) of the encoder grid. */
export function pixelToPatch(m: PixelPatchMapping, xPx: number, yPx: number): { col: number; row: number } {
  const cols = m.inputWidthPx / m.patchPx;
  const rows = m.inputHeightPx / m.patchPx;
  const col = Math.min(cols - 1, Math.max(0, Math.floor((xPx / m.imageWidthPx) * cols)));
  const row = Math.min(rows - 1, Math.max(0, Math.floor((yPx / m.imageHeightPx) * rows)));
  return { col, row };
}

/** Patch cell (col, row) → its centre in image pixels. */
export function patchToPixel(m: PixelPatchMapping, col: number, row: number): { xPx: number; yPx: number } {
  const cols = m.inputWidthPx / m.patchPx;
  const rows = m.inputHeightPx / m.patchPx;
  return { xPx: ((col + 0.5) / cols) * m.imageWidthPx, yPx: ((row + 0.5) / rows) * m.imageHeightPx };
}
