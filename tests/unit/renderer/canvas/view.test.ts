import { describe, expect, it } from 'vitest';
import { heatMapToRgba, maskToRgba, parseHexColor } from '../../../../src-renderer/canvas/raster';
import {
  fitView,
  imageToScreen,
  oneToOneView,
  panBy,
  screenToImage,
  visibleImageRect,
  wheelZoomFactor,
  zoomAt,
} from '../../../../src-renderer/canvas/view';
import { rleToBitmap } from '../../../../src-renderer/model/mask-bitmap';

const image = { widthPx: 3840, heightPx: 2160 };
const viewport = { widthPx: 1232, heightPx: 725 };

describe('view transforms', () => {
  it('fits the image centred with a margin', () => {
    const v = fitView(image, viewport, 16);
    expect(v.scale).toBeCloseTo(1200 / 3840, 10);
    expect(imageToScreen(v, { x: 1920, y: 1080 })).toEqual({ x: 616, y: 362.5 });
  });

  it('zooms around the cursor: the image point under it stays put', () => {
    const v = fitView(image, viewport);
    const cursor = { x: 300, y: 200 };
    const before = screenToImage(v, cursor);
    const z = zoomAt(v, 3, cursor);
    expect(z.scale).toBeCloseTo(v.scale * 3, 10);
    const after = screenToImage(z, cursor);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    expect(zoomAt(v, 1e9, cursor).scale).toBe(64);
  });

  it('1:1 keeps the centre, pans move the offset, and the visible rect follows', () => {
    const v = fitView(image, viewport);
    const centre = screenToImage(v, { x: 616, y: 362.5 });
    const one = oneToOneView(v, viewport);
    expect(one.scale).toBe(1);
    expect(screenToImage(one, { x: 616, y: 362.5 }).x).toBeCloseTo(centre.x, 9);
    const p = panBy(one, 10, -5);
    expect([p.offsetX - one.offsetX, p.offsetY - one.offsetY]).toEqual([10, -5]);
    const r = visibleImageRect(one, viewport);
    expect(r.widthPx).toBe(1232);
    expect(r.x).toBeCloseTo(1920 - 616, 9);
  });

  it('turns wheel deltas into symmetric zoom factors', () => {
    expect(wheelZoomFactor(-100, 0) * wheelZoomFactor(100, 0)).toBeCloseTo(1, 12);
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1.15);
    expect(wheelZoomFactor(-3, 1)).toBeCloseTo(wheelZoomFactor(-99, 0), 12);
  });
});

describe('rasters', () => {
  it('parses colours and falls back to magenta', () => {
    expect(parseHexColor('#f80')).toEqual([255, 136, 0]);
    expect(parseHexColor('#1e90ff')).toEqual([30, 144, 255]);
    expect(parseHexColor('red')).toEqual([255, 0, 255]);
  });

  it('colours mask pixels and leaves holes transparent', () => {
    const bm = rleToBitmap({ size: [4, 4], counts: '52203' });
    const rgba = maskToRgba(bm, '#ff0000', 0.5);
    expect([...rgba.slice(0, 4)]).toEqual([255, 0, 0, 128]);
    expect(rgba.length).toBe(16);
  });

  it('ramps heat maps from transparent to opaque yellow and checks the size', () => {
    const rgba = heatMapToRgba(new Uint8Array([0, 255]), 2, 1);
    expect([...rgba]).toEqual([0, 0, 128, 0, 255, 255, 0, 200]);
    expect(() => heatMapToRgba(new Uint8Array(3), 2, 2)).toThrow(
      'heat map has 3 cells but its size 2x2 needs 4',
    );
  });
});
