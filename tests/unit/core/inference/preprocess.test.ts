import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseInputSize,
  patchToPixel,
  pixelToPatch,
  preprocessImageFile,
} from '../../../../src-main/core/inference/preprocess';
import { parseManifest } from '../../../../src-main/core/models/manifest';

const policy = { kind: 'short_side', short_side: 512, step: 16, max: 1024 } as const;
const starter = parseManifest(
  JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../../../models/starter/manifest.json'), 'utf8'),
  ),
  'starter',
);

describe('chooseInputSize', () => {
  it('scales the short side, keeps the aspect, rounds to the step', () => {
    expect(chooseInputSize(640, 480, policy)).toEqual({ widthPx: 688, heightPx: 512 }); // 682.7 → 688
    expect(chooseInputSize(1000, 1000, policy)).toEqual({ widthPx: 512, heightPx: 512 });
    expect(chooseInputSize(480, 640, policy, 256)).toEqual({ widthPx: 256, heightPx: 336 }); // 341.3 → 336
  });

  it('caps the long side at max, rounding down to the step', () => {
    // 4000×1000 → 2048×512 → capped: 1024×256
    expect(chooseInputSize(4000, 1000, policy)).toEqual({ widthPx: 1024, heightPx: 256 });
    const s = chooseInputSize(300, 500, policy, 768);
    expect(s.heightPx).toBe(1024);
    expect(s.widthPx % 16).toBe(0);
    expect(s.widthPx).toBe(608); // 768 × (1024/1280) = 614.4 → 608
  });

  it('keeps fixed sizes and never goes below one step', () => {
    expect(chooseInputSize(17, 3000, { kind: 'fixed', width: 512, height: 384 })).toEqual({
      widthPx: 512,
      heightPx: 384,
    });
    expect(chooseInputSize(10, 5000, policy).widthPx).toBe(16);
    expect(() => chooseInputSize(0, 10, policy)).toThrow('image size must be positive, got 0×10');
  });
});

describe('preprocessImageFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rl-pre-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies EXIF orientation, then lays out NCHW in [0,1]', async () => {
    // Stored 64×32 with the left half red; EXIF 6 = rotate 90° clockwise → shown 32×64 with the top half red.
    const raw = Buffer.alloc(64 * 32 * 3);
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 64; x++) raw.set(x < 32 ? [255, 0, 0] : [0, 0, 255], (y * 64 + x) * 3);
    const file = path.join(dir, 'exif.jpg');
    await sharp(raw, { raw: { width: 64, height: 32, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toFile(file);
    const pre = await preprocessImageFile(file, starter, 32);
    expect(pre.mapping).toEqual({
      imageWidthPx: 32,
      imageHeightPx: 64,
      inputWidthPx: 32,
      inputHeightPx: 64,
      patchPx: 16,
    });
    expect(pre.dims).toEqual([1, 3, 64, 32]);
    const at = (c: number, y: number, x: number): number => pre.pixels[c * 64 * 32 + y * 32 + x]!;
    expect(at(0, 5, 16)).toBeGreaterThan(0.9); // top: red
    expect(at(2, 5, 16)).toBeLessThan(0.1);
    expect(at(2, 58, 16)).toBeGreaterThan(0.9); // bottom: blue
  });

  it('normalises outside the graph when the manifest says so', async () => {
    const file = path.join(dir, 'grey.png');
    await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .png()
      .toFile(file);
    const m = {
      ...starter,
      encoder: {
        ...starter.encoder,
        input: {
          ...starter.encoder.input,
          normalized_in_graph: false,
          mean: [0.5, 0.5, 0.5] as [number, number, number],
          std: [0.25, 0.5, 1] as [number, number, number],
        },
      },
    };
    const pre = await preprocessImageFile(file, m, 16);
    expect([pre.pixels[0], pre.pixels[256], pre.pixels[512]]).toEqual([2, 1, 0.5]);
  });
});

describe('pixel ↔ patch mapping', () => {
  const m = { imageWidthPx: 640, imageHeightPx: 480, inputWidthPx: 688, inputHeightPx: 512, patchPx: 16 };
  it('maps pixels to cells and cell centres back', () => {
    expect(pixelToPatch(m, 0, 0)).toEqual({ col: 0, row: 0 });
    expect(pixelToPatch(m, 639.9, 479.9)).toEqual({ col: 42, row: 31 });
    expect(pixelToPatch(m, 5000, -3)).toEqual({ col: 42, row: 0 });
    const c = patchToPixel(m, 0, 0);
    expect(c.xPx).toBeCloseTo(640 / 43 / 2, 6);
    expect(c.yPx).toBeCloseTo(480 / 32 / 2, 6);
  });
});
