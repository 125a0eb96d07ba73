import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CachedPaint, RasterCache } from '../../../../src-renderer/canvas/raster-cache';

/** Just enough of a 2D context to record what the cache does. */
function fakeContext() {
  return {
    imageSmoothingEnabled: true,
    drawn: [] as Array<{ x: number; y: number; w: number; h: number; smooth: boolean }>,
    setTransform: () => undefined,
    clearRect: () => undefined,
    drawImage(
      this: { drawn: unknown[]; imageSmoothingEnabled: boolean },
      _c: unknown,
      x: number,
      y: number,
      w: number,
      h: number,
    ) {
      this.drawn.push({ x, y, w, h, smooth: this.imageSmoothingEnabled });
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  vi.stubGlobal('document', {
    createElement: () => ({ width: 0, height: 0, getContext: () => fakeContext() }),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('RasterCache', () => {
  function setup() {
    const cache = new RasterCache(150, 0.5);
    const paints: Array<{ x: number; y: number; w: number; h: number }> = [];
    const redraws = { n: 0 };
    const ctx = fakeContext();
    const draw = (over: Partial<CachedPaint>) =>
      cache.draw(ctx as unknown as CanvasRenderingContext2D, {
        visible: { x: 0, y: 0, widthPx: 100, heightPx: 50 },
        scale: 1,
        pixelRatio: 1,
        contentKey: 'doc-1',
        paint: (_c, area) => paints.push({ x: area.x, y: area.y, w: area.widthPx, h: area.heightPx }),
        requestRedraw: () => redraws.n++,
        ...over,
      });
    return { draw, paints, redraws, ctx };
  }

  it('paints once with a margin and pans by blitting until the view leaves the margin', () => {
    const { draw, paints, ctx } = setup();
    draw({});
    expect(paints).toEqual([{ x: -50, y: -25, w: 200, h: 100 }]);
    draw({ visible: { x: 40, y: 20, widthPx: 100, heightPx: 50 } });
    expect(paints).toHaveLength(1);
    expect(ctx.drawn.at(-1)).toEqual({ x: -50, y: -25, w: 200, h: 100, smooth: false });
    draw({ visible: { x: 60, y: 0, widthPx: 100, heightPx: 50 } });
    expect(paints).toHaveLength(2);
    expect(paints[1]).toEqual({ x: 10, y: -25, w: 200, h: 100 });
  });

  it('repaints at once when the content changes', () => {
    const { draw, paints } = setup();
    draw({});
    draw({ contentKey: 'doc-2' });
    expect(paints).toHaveLength(2);
  });

  it('stretches the old raster while zooming and repaints sharp after the zoom settles', () => {
    const { draw, paints, redraws, ctx } = setup();
    draw({});
    vi.advanceTimersByTime(1000);
    draw({ scale: 1.2, visible: { x: 10, y: 5, widthPx: 83, heightPx: 42 } });
    expect(paints).toHaveLength(1);
    expect(ctx.drawn.at(-1)?.smooth).toBe(true);
    vi.advanceTimersByTime(150);
    expect(redraws.n).toBe(1);
    draw({ scale: 1.2, visible: { x: 10, y: 5, widthPx: 83, heightPx: 42 } });
    expect(paints).toHaveLength(2);
    expect(ctx.drawn.at(-1)?.smooth).toBe(false);
  });

  it('repaints mid-zoom when the stretched raster would be too blurry', () => {
    const { draw, paints } = setup();
    draw({});
    draw({ scale: 2.5, visible: { x: 30, y: 15, widthPx: 40, heightPx: 20 } });
    expect(paints).toHaveLength(2);
  });
});
