import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceFixture, type ServiceFixture } from './service-fixture';

const SIDE_PX = 6000;

describe('annotations.convert: bounded by the image, off the main thread', () => {
  let fx: ServiceFixture;
  let imageId = 0;
  beforeAll(async () => {
    fx = serviceFixture('convert');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-convert-images-'));
    const file = path.join(dir, 'big.png');
    await sharp({ create: { width: SIDE_PX, height: SIDE_PX, channels: 3, background: '#808080' } })
      .png()
      .toFile(file);
    await fx.call('projects', 'create', { dir: path.join(dir, 'proj') });
    expect(await fx.call('images', 'import', { paths: [file] })).toMatchObject({ added: 1 });
    imageId = (await fx.call<{ items: { id: number }[] }>('images', 'list', {})).items[0]!.id;
  });
  afterAll(() => fx?.dispose());

  const bigConvert = { kind: 'box' as const, x: 10, y: 10, widthPx: SIDE_PX - 20, heightPx: SIDE_PX - 20 };

  it("refuses a canvas larger than the image's real size, with a clear error", async () => {
    const r = await fx.raw('annotations', 'convert', {
      imageId,
      geometry: bigConvert,
      target: 'mask',
      widthPx: 65_536,
      heightPx: 65_536,
    });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: `widthPx/heightPx: the canvas 65536×65536 is larger than image ${imageId} (${SIDE_PX}×${SIDE_PX}); convert at the image's size`,
        details: { field: 'widthPx/heightPx' },
      },
    });
  });

  it('answers another request while a big conversion runs', async () => {
    const settled: string[] = [];
    const convert = fx
      .call<{ kind: string; rle: { size: number[] } }>('annotations', 'convert', {
        imageId,
        geometry: bigConvert,
        target: 'mask',
        widthPx: SIDE_PX,
        heightPx: SIDE_PX,
      })
      .then((g) => {
        settled.push('convert');
        return g;
      });
    const list = fx.call<{ total: number }>('images', 'list', {}).then((l) => {
      settled.push('list');
      return l;
    });
    expect((await list).total).toBe(1);
    const mask = await convert;
    expect(settled).toEqual(['list', 'convert']);
    expect(mask.kind).toBe('mask');
    expect(mask.rle.size).toEqual([SIDE_PX, SIDE_PX]);
  });

  it('converts a polygon back from the mask in the worker', async () => {
    const mask = await fx.call('annotations', 'convert', {
      imageId,
      geometry: { kind: 'box', x: 2, y: 3, widthPx: 10, heightPx: 5 },
      target: 'mask',
      widthPx: 40,
      heightPx: 20,
    });
    const polygon = await fx.call<{ kind: string; rings: number[][] }>('annotations', 'convert', {
      imageId,
      geometry: mask,
      target: 'polygon',
      tolerancePx: 0,
      widthPx: 40,
      heightPx: 20,
    });
    expect(polygon.kind).toBe('polygon');
    expect(polygon.rings.length).toBe(1);
    const xs = polygon.rings[0]!.filter((_, i) => i % 2 === 0);
    const ys = polygon.rings[0]!.filter((_, i) => i % 2 === 1);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([2, 12, 3, 8]);
  });
});
