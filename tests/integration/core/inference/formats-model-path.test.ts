import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { radiolabel } from '../../../fixtures/cli/radiolabel';
import { bmpFromRgb } from '../../../fixtures/images/make-images';
import { shapeOnTexture } from './synthetic-images';

interface Segmented {
  width: number;
  height: number;
  instances: { label: string; area: number; bbox: number[]; rle: { counts: string } }[];
}

let tmp: string;
const run = async (image: string): Promise<Segmented> => {
  const r = await radiolabel(path.join(tmp, 'data'), [
    'segment',
    image,
    '--model',
    'starter',
    '--text',
    'red',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return r.json as Segmented;
};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'rl-formats-model-'));
  const png = path.join(tmp, 'scene.png');
  await shapeOnTexture(png, { widthPx: 96, heightPx: 64, rgb: [225, 25, 30], rect: [16, 8, 64, 40] });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  writeFileSync(path.join(tmp, 'scene.bmp'), bmpFromRgb(data, info.width, info.height));
  await sharp(png).tiff({ compression: 'lzw' }).toFile(path.join(tmp, 'scene.tiff'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the model path opens every format import accepts', () => {
  it('segments scene.bmp and scene.tiff from "red" exactly as the same pixels in PNG', async () => {
    const png = await run(path.join(tmp, 'scene.png'));
    expect(png.instances.length).toBe(1);
    const [x, y, w, h] = png.instances[0]!.bbox;
    // The red rectangle is 16..64 × 8..40.
    expect(Math.abs(x! - 16)).toBeLessThanOrEqual(2);
    expect(Math.abs(y! - 8)).toBeLessThanOrEqual(2);
    expect(Math.abs(w! - 48)).toBeLessThanOrEqual(3);
    expect(Math.abs(h! - 32)).toBeLessThanOrEqual(3);
    expect(await run(path.join(tmp, 'scene.bmp'))).toEqual(png);
    expect(await run(path.join(tmp, 'scene.tiff'))).toEqual(png);
  });
});
