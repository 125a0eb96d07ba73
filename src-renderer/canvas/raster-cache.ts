import { type Rect } from '../model/geometry-ops';

export interface CachedPaint {
  /** The image-space area on screen. */
  readonly visible: Rect;
  /** View scale (CSS pixels per image pixel). */
  readonly scale: number;
  /** Device pixels per CSS pixel. */
  readonly pixelRatio: number;
  /** Anything whose change must repaint at once (the document revision, colours, visibility…). */
  readonly contentKey: unknown;
  /** Paints `area` onto a context already transformed to image coordinates. */
  readonly paint: (ctx: CanvasRenderingContext2D, area: Rect, scale: number) => void;
  /** Asks for another draw (used once a zoom has settled). */
  readonly requestRedraw: () => void;
}

const ZOOM_MARGIN = 0.1;

function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.widthPx <= outer.x + outer.widthPx &&
    inner.y + inner.heightPx <= outer.y + outer.heightPx
  );
}

function overlapFraction(cache: Rect, visible: Rect): number {
  const w = Math.max(
    0,
    Math.min(cache.x + cache.widthPx, visible.x + visible.widthPx) - Math.max(cache.x, visible.x),
  );
  const h = Math.max(
    0,
    Math.min(cache.y + cache.heightPx, visible.y + visible.heightPx) - Math.max(cache.y, visible.y),
  );
  const area = visible.widthPx * visible.heightPx;
  return area > 0 ? (w * h) / area : 0;
}

/**
 * A raster of a layer's content over the visible area plus a margin. Panning only moves the raster (one
 * blit instead of redrawing 1,000+ shapes or resampling a 4k image); during a zoom the old raster is
 * stretched, and the content is repainted sharp once the zoom pauses for `settleMs`.
 */
export class RasterCache {
  private canvas: HTMLCanvasElement | null = null;
  private rect: Rect = { x: 0, y: 0, widthPx: 0, heightPx: 0 };
  private cacheScale = 0;
  private key: unknown = undefined;
  private lastScale = 0;
  private lastScaleChangeMs = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly settleMs = 150,
    private readonly margin = 0.5,
  ) {}

  draw(ctx: CanvasRenderingContext2D, p: CachedPaint): void {
    const now = performance.now();
    const deviceScale = p.scale * p.pixelRatio;
    if (p.scale !== this.lastScale) {
      const firstDraw = this.lastScale === 0;
      this.lastScale = p.scale;
      if (firstDraw) return this.drawFresh(ctx, p, deviceScale);
      this.lastScaleChangeMs = now;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        p.requestRedraw();
      }, this.settleMs);
    }
    const fresh = this.canvas !== null && this.key === p.contentKey;
    const sameScale = fresh && Math.abs(this.cacheScale / deviceScale - 1) < 1e-9;
    const zooming = now - this.lastScaleChangeMs < this.settleMs;
    // While zooming, a stretched raster is fine unless it covers too little or has become too blurry.
    const usable = sameScale
      ? contains(this.rect, p.visible)
      : fresh && zooming && overlapFraction(this.rect, p.visible) > 0.6 && this.cacheScale > deviceScale / 2;
    // Mid-zoom the raster is outgrown within a few frames anyway: a thin margin keeps those repaints cheap.
    if (!usable) this.render(p, deviceScale, zooming ? ZOOM_MARGIN : this.margin);
    this.blit(ctx, !usable || sameScale);
  }

  private drawFresh(ctx: CanvasRenderingContext2D, p: CachedPaint, deviceScale: number): void {
    this.render(p, deviceScale, this.margin);
    this.blit(ctx, true);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.canvas = null;
  }

  private render(p: CachedPaint, deviceScale: number, margin: number): void {
    const mx = p.visible.widthPx * margin;
    const my = p.visible.heightPx * margin;
    // Snap the origin to the device-pixel grid so that same-scale blits land on whole pixels.
    const x = Math.floor((p.visible.x - mx) * deviceScale) / deviceScale;
    const y = Math.floor((p.visible.y - my) * deviceScale) / deviceScale;
    const widthDev = Math.ceil((p.visible.widthPx + 2 * mx) * deviceScale);
    const heightDev = Math.ceil((p.visible.heightPx + 2 * my) * deviceScale);
    const canvas = this.canvas ?? document.createElement('canvas');
    if (canvas.width !== widthDev || canvas.height !== heightDev) {
      canvas.width = widthDev;
      canvas.height = heightDev;
    }
    const cctx = canvas.getContext('2d');
    if (!cctx) return;
    cctx.setTransform(1, 0, 0, 1, 0, 0);
    cctx.clearRect(0, 0, widthDev, heightDev);
    cctx.setTransform(deviceScale, 0, 0, deviceScale, -x * deviceScale, -y * deviceScale);
    const area = { x, y, widthPx: widthDev / deviceScale, heightPx: heightDev / deviceScale };
    p.paint(cctx, area, p.scale);
    this.canvas = canvas;
    this.rect = area;
    this.cacheScale = deviceScale;
    this.key = p.contentKey;
  }

  private blit(ctx: CanvasRenderingContext2D, exact: boolean): void {
    if (!this.canvas) return;
    const smoothing = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = !exact;
    ctx.drawImage(this.canvas, this.rect.x, this.rect.y, this.rect.widthPx, this.rect.heightPx);
    ctx.imageSmoothingEnabled = smoothing;
  }
}
