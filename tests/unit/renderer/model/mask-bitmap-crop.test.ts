import { describe, expect, it } from 'vitest';
import { bitmapToRle, rleToBitmap, type MaskBitmap } from '../../../../src-renderer/model/mask-bitmap';
import { decodeRleCounts } from '../../../../src-renderer/model/rle';

/** A crop whose foreground runs wrap across columns: encoded, it must still cover the whole image. */
describe('cropped bitmap → full-image RLE', () => {
  it('encodes a solid block away from the image edges exactly (a regression: runs were cut short)', () => {
    for (const [w, h] of [
      [4, 3],
      [200, 150],
    ] as const) {
      const mask: MaskBitmap = {
        x: 400,
        y: 120,
        widthPx: w,
        heightPx: h,
        imageWidthPx: 640,
        imageHeightPx: 480,
        data: new Uint8Array(w * h).fill(1),
      };
      const rle = bitmapToRle(mask);
      expect(decodeRleCounts(rle).reduce((a, b) => a + b, 0)).toBe(640 * 480);
      const back = rleToBitmap(rle);
      expect([back.x, back.y, back.widthPx, back.heightPx]).toEqual([400, 120, w, h]);
      expect(back.data.every((v) => v === 1)).toBe(true);
    }
  });
});
