import { type Geometry, type LabelId } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { geometryBounds, type Rect, rectsIntersect } from '../model/geometry-ops';
import { maskSprite } from './mask-cache';
import { parseHexColor } from './raster';

const paths = new WeakMap<Geometry, Path2D>();

/** All rings of a polygon in one path, filled with the even-odd rule so nested rings are holes. */
function polygonPath(g: Extract<Geometry, { kind: 'polygon' }>): Path2D {
  let path = paths.get(g);
  if (!path) {
    path = new Path2D();
    for (const ring of g.rings) {
      if (ring.length < 6) continue;
      path.moveTo(ring[0] ?? 0, ring[1] ?? 0);
      for (let i = 2; i + 1 < ring.length; i += 2) path.lineTo(ring[i] ?? 0, ring[i + 1] ?? 0);
      path.closePath();
    }
    paths.set(g, path);
  }
  return path;
}

/** An open line (polyline) or a closed ring (rotated box corners) as a path, cached per geometry. */
function linePath(g: Geometry, xy: readonly number[], closed: boolean): Path2D {
  let path = paths.get(g);
  if (!path) {
    path = new Path2D();
    path.moveTo(xy[0] ?? 0, xy[1] ?? 0);
    for (let i = 2; i + 1 < xy.length; i += 2) path.lineTo(xy[i] ?? 0, xy[i + 1] ?? 0);
    if (closed) path.closePath();
    paths.set(g, path);
  }
  return path;
}

const rotatedPath = (g: Extract<Geometry, { kind: 'rotated_box' }>): Path2D =>
  linePath(g, rotatedBoxCorners(g), true);
const polylinePath = (g: Extract<Geometry, { kind: 'polyline' }>): Path2D => linePath(g, g.points, false);

const rgbaCache = new Map<string, string>();
export function rgba(color: string, alpha: number): string {
  const key = `${color}/${alpha}`;
  let s = rgbaCache.get(key);
  if (!s) {
    const [r, g, b] = parseHexColor(color);
    s = `rgba(${r},${g},${b},${alpha})`;
    rgbaCache.set(key, s);
  }
  return s;
}

export interface PaintItem {
  readonly geometry: Geometry;
  readonly labelId: LabelId | null;
}

export interface PaintStyle {
  readonly colorOf: (labelId: LabelId | null) => string;
  readonly fillAlpha: number;
  readonly maskAlpha: number;
  /** Stroke width in screen pixels. */
  readonly strokeScreenPx: number;
  readonly dash?: readonly number[];
  /**
   * A dark line under the coloured one (and a dark+light rim on masks), so an outline stays visible on
   * an object of its own colour.
   */
  readonly halo?: boolean;
}

/** The dark under-stroke: this much wider than the coloured line, in screen pixels. */
const HALO_EXTRA_SCREEN_PX = 2;
export const HALO_COLOR = 'rgba(0,0,0,0.75)';

/**
 * Draws shapes in image coordinates onto a context already transformed by the view. It draws straight to
 * the 2D context (one Konva shape for all annotations) because a node per shape is far too slow at 1,000+.
 */
export function paintShapes(
  ctx: CanvasRenderingContext2D,
  items: readonly PaintItem[],
  visible: Rect,
  scale: number,
  style: PaintStyle,
): void {
  const lineWidth = style.strokeScreenPx / scale;
  const haloWidth = (style.strokeScreenPx + HALO_EXTRA_SCREEN_PX) / scale;
  ctx.lineJoin = 'round';
  ctx.setLineDash(style.dash ? style.dash.map((d) => d / scale) : []);
  ctx.imageSmoothingEnabled = false;
  const stroke = (draw: () => void, color: string): void => {
    if (style.halo) {
      ctx.lineWidth = haloWidth;
      ctx.strokeStyle = HALO_COLOR;
      draw();
    }
    ctx.lineWidth = lineWidth;
    ctx.strokeStyle = color;
    draw();
  };
  for (const item of items) {
    const g = item.geometry;
    if (!rectsIntersect(geometryBounds(g), visible)) continue;
    const color = style.colorOf(item.labelId);
    switch (g.kind) {
      case 'box':
        ctx.fillStyle = rgba(color, style.fillAlpha);
        ctx.fillRect(g.x, g.y, g.widthPx, g.heightPx);
        stroke(() => ctx.strokeRect(g.x, g.y, g.widthPx, g.heightPx), color);
        break;
      case 'polygon': {
        const path = polygonPath(g);
        ctx.fillStyle = rgba(color, style.fillAlpha);
        ctx.fill(path, 'evenodd');
        stroke(() => ctx.stroke(path), color);
        break;
      }
      case 'mask': {
        const sprite = maskSprite(g.rle, color, style.maskAlpha, style.halo ?? false);
        if (sprite) ctx.drawImage(sprite.canvas, sprite.x, sprite.y);
        break;
      }
      case 'rotated_box': {
        const path = rotatedPath(g);
        ctx.fillStyle = rgba(color, style.fillAlpha);
        ctx.strokeStyle = color;
        ctx.fill(path);
        ctx.stroke(path);
        break;
      }
      case 'polyline':
        ctx.strokeStyle = color;
        ctx.stroke(polylinePath(g));
        break;
      case 'point':
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(g.x, g.y, 4 / scale, 0, Math.PI * 2);
        ctx.fill();
        break;
      case 'tag':
        // Image tags are listed in the annotation panel; they cover no place on the image.
        break;
    }
  }
}

/** Outlines only (selection highlight): masks get their bounding box. */
export function outlineShapes(
  ctx: CanvasRenderingContext2D,
  geometries: readonly Geometry[],
  scale: number,
  color: string,
  widthScreenPx: number,
): void {
  ctx.lineWidth = widthScreenPx / scale;
  ctx.strokeStyle = color;
  ctx.setLineDash([]);
  for (const g of geometries) {
    switch (g.kind) {
      case 'polygon':
        ctx.stroke(polygonPath(g));
        break;
      case 'box':
      case 'mask': {
        const b = geometryBounds(g);
        ctx.strokeRect(b.x, b.y, b.widthPx, b.heightPx);
        break;
      }
      case 'rotated_box':
        ctx.stroke(rotatedPath(g));
        break;
      case 'polyline':
        ctx.stroke(polylinePath(g));
        break;
      case 'point':
        ctx.beginPath();
        ctx.arc(g.x, g.y, 6 / scale, 0, Math.PI * 2);
        ctx.stroke();
        break;
      case 'tag':
        break;
    }
  }
}
