import { describe, expect, it } from 'vitest';
import { maskToRgba, MASK_RIM_DARK, MASK_RIM_LIGHT } from '../../../../src-renderer/canvas/raster';
import { fitRect } from '../../../../src-renderer/canvas/view';
import { type MaskBitmap } from '../../../../src-renderer/model/mask-bitmap';

/** A 6×5 crop with a 4×3 block (and one hole pixel in its middle). */
function block(): MaskBitmap {
  const w = 6;
  const h = 5;
  const data = new Uint8Array(w * h);
  for (let y = 1; y <= 3; y++) for (let x = 1; x <= 4; x++) data[y * w + x] = 1;
  return { x: 0, y: 0, widthPx: w, heightPx: h, imageWidthPx: w, imageHeightPx: h, data };
}

describe('mask outline', () => {
  it('rims a mask light on its edge and dark just inside, so it shows on a same-coloured object', () => {
    const rgba = maskToRgba(block(), '#ff0000', 0.5, true);
    const px = new Uint32Array(rgba.buffer);
    const at = (x: number, y: number) => px[y * 6 + x]!;
    const fill = (128 << 24) | 0x0000ff;
    // Every foreground pixel of a 4×3 block touches the outside except the middle row's inner two.
    expect(at(1, 1)).toBe(MASK_RIM_LIGHT);
    expect(at(4, 3)).toBe(MASK_RIM_LIGHT);
    expect(at(2, 2)).toBe(MASK_RIM_DARK);
    expect(at(3, 2)).toBe(MASK_RIM_DARK);
    expect(at(0, 0)).toBe(0);
    // Without the outline, every pixel is the translucent fill.
    const plain = new Uint32Array(maskToRgba(block(), '#ff0000', 0.5).buffer);
    expect(plain[1 * 6 + 1]).toBe(fill >>> 0);
    expect(plain[2 * 6 + 2]).toBe(fill >>> 0);
  });
});

describe('fitRect', () => {
  it('centres a region with a margin, never zooming past the cap', () => {
    const v = fitRect({ x: 100, y: 50, widthPx: 40, heightPx: 20 }, { widthPx: 800, heightPx: 600 });
    expect(v.scale).toBe(4);
    expect(v.offsetX + 120 * v.scale).toBeCloseTo(400);
    expect(v.offsetY + 60 * v.scale).toBeCloseTo(300);
    const big = fitRect({ x: 0, y: 0, widthPx: 1600, heightPx: 600 }, { widthPx: 800, heightPx: 600 });
    expect(big.scale).toBeCloseTo(800 / (1600 * 1.5));
  });
});
