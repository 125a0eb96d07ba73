import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeBicubicLikePil, type RgbImage } from '../../../../src-main/core/inference/pil-bicubic';
import { decodeRgb, preprocessImageFile } from '../../../../src-main/core/inference/preprocess';
import { parseManifest } from '../../../../src-main/core/models/manifest';

/** Fixtures made by Pillow 9.4 (tests/fixtures/resize-pil/README.md). */
const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/resize-pil');
const { cases } = JSON.parse(readFileSync(path.join(fixtures, 'cases.json'), 'utf8')) as {
  cases: Record<string, { input: string; width: number; height: number }>;
};

async function readPng(name: string): Promise<RgbImage> {
  const { data, info } = await sharp(path.join(fixtures, name)).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels, name).toBe(3);
  return { widthPx: info.width, heightPx: info.height, data };
}

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('PIL-exact bicubic resize', () => {
  it.each(Object.entries(cases))('%s matches Pillow within 1/255', async (name, c) => {
    const src = await readPng(c.input);
    const want = await readPng(`${name}.pil.png`);
    const got = resizeBicubicLikePil(src, c.width, c.height);
    expect([got.widthPx, got.heightPx]).toEqual([c.width, c.height]);
    expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1);
  });

  it('is byte-identical to Pillow on every fixture (same fixed-point arithmetic)', async () => {
    for (const [name, c] of Object.entries(cases)) {
      const got = resizeBicubicLikePil(await readPng(c.input), c.width, c.height);
      expect(maxAbsDiff(got.data, (await readPng(`${name}.pil.png`)).data), name).toBe(0);
    }
  });

  it("these fixtures catch libvips' cubic (the resize this module replaced)", async () => {
    // So that the tests above can fail: sharp's kernel sits off PIL's half-pixel grid.
    let worst = 0;
    for (const [name, c] of Object.entries(cases)) {
      const src = await readPng(c.input);
      const viaSharp = await sharp(src.data, {
        raw: { width: src.widthPx, height: src.heightPx, channels: 3 },
      })
        .resize(c.width, c.height, { kernel: 'cubic', fit: 'fill' })
        .raw()
        .toBuffer();
      worst = Math.max(worst, maxAbsDiff(new Uint8Array(viaSharp), (await readPng(`${name}.pil.png`)).data));
    }
    expect(worst).toBeGreaterThan(1);
  });

  it('returns a copy at the same size and refuses bad sizes', () => {
    const src: RgbImage = { widthPx: 2, heightPx: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    const same = resizeBicubicLikePil(src, 2, 1);
    expect(Array.from(same.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(same.data).not.toBe(src.data);
    expect(() => resizeBicubicLikePil(src, 0, 3)).toThrow(
      'resize target must be positive whole pixels, got 0×3',
    );
    expect(() => resizeBicubicLikePil({ ...src, widthPx: 3 }, 1, 1)).toThrow(
      'RGB buffer has 6 bytes, expected 9 for 3×1',
    );
  });
});

describe('preprocessImageFile uses the PIL grid and ignores ICC profiles by default', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rl-pil-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const manifestAt = (width: number, height: number) =>
    parseManifest(
      {
        ...(JSON.parse(
          readFileSync(path.resolve(import.meta.dirname, '../../../../models/starter/manifest.json'), 'utf8'),
        ) as object),
        id: 'fixed',
        encoder: {
          ...(
            JSON.parse(
              readFileSync(
                path.resolve(import.meta.dirname, '../../../../models/starter/manifest.json'),
                'utf8',
              ),
            ) as { encoder: object }
          ).encoder,
          resolution: { kind: 'fixed', width, height },
        },
      },
      'fixed',
    );

  it('the encoder input equals Pillow-resized pixels / 255 (non-square, aspect changed)', async () => {
    const c = cases['non-square']!;
    const pre = await preprocessImageFile(path.join(fixtures, c.input), manifestAt(c.width, c.height));
    const want = await readPng('non-square.pil.png');
    const plane = c.width * c.height;
    let worst = 0;
    for (let ch = 0; ch < 3; ch++)
      for (let i = 0; i < plane; i++)
        worst = Math.max(worst, Math.abs(pre.pixels[ch * plane + i]! - want.data[i * 3 + ch]! / 255));
    expect(worst).toBeLessThanOrEqual(1 / 255);
  });

  it('reads stored values under an embedded Display P3 profile unless applyIccProfile is on', async () => {
    // Saturated colours: converting sRGB → P3 changes the stored numbers a lot.
    const raw = new Uint8Array(16 * 8 * 3);
    for (let i = 0; i < 16 * 8; i++) raw.set(i % 2 ? [255, 0, 0] : [0, 200, 40], i * 3);
    const file = path.join(dir, 'p3.png');
    await sharp(raw, { raw: { width: 16, height: 8, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toFile(file);
    const stored = await decodeRgb(file);
    const converted = await decodeRgb(file, { applyIccProfile: true });
    // Applying the profile gets back close to the sRGB numbers we wrote; ignoring it does not.
    expect(maxAbsDiff(converted.data, raw)).toBeLessThanOrEqual(3);
    expect(maxAbsDiff(stored.data, raw)).toBeGreaterThan(20);
    const pre = await preprocessImageFile(file, manifestAt(16, 8));
    expect(pre.pixels[0]).toBeCloseTo(stored.data[0]! / 255, 6);
  });
});
