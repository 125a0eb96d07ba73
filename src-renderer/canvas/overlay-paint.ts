import { type Geometry } from '@contract';
import { type Handle } from '../tools/handles';
import { type ToolOverlay } from '../tools/tool-types';
import { outlineShapes } from './paint';

export const SELECTION_COLOR = '#ffffff';
export const PROPOSAL_COLOR = '#00e5ff';
/** The proposal under review: a different hue from the other pending ones. */
export const CURRENT_PROPOSAL_COLOR = '#ffd400';
const POSITIVE_CLICK = '#22c55e';
const NEGATIVE_CLICK = '#ef4444';
const HANDLE_SCREEN_PX = 7;

/** Selection outlines (a dark halo under a white line, visible on any image) and their handles. */
export function paintSelection(
  ctx: CanvasRenderingContext2D,
  selected: readonly Geometry[],
  handles: readonly Handle[],
  scale: number,
): void {
  outlineShapes(ctx, selected, scale, 'rgba(0,0,0,0.6)', 4);
  outlineShapes(ctx, selected, scale, SELECTION_COLOR, 1.5);
  const s = HANDLE_SCREEN_PX / scale;
  ctx.lineWidth = 1 / scale;
  for (const h of handles) {
    const size = h.kind === 'midpoint' ? s * 0.7 : s;
    ctx.fillStyle = h.kind === 'midpoint' ? 'rgba(255,255,255,0.6)' : '#ffffff';
    ctx.strokeStyle = '#111111';
    ctx.fillRect(h.at.x - size / 2, h.at.y - size / 2, size, size);
    ctx.strokeRect(h.at.x - size / 2, h.at.y - size / 2, size, size);
  }
}

/** What the active tool shows while it works: rubber bands, the polygon in progress, the brush, clicks. */
export function paintToolOverlays(
  ctx: CanvasRenderingContext2D,
  overlays: readonly ToolOverlay[],
  scale: number,
): void {
  const px = 1 / scale;
  for (const o of overlays) {
    switch (o.kind) {
      case 'rect':
        ctx.setLineDash(o.dashed ? [5 * px, 4 * px] : []);
        ctx.lineWidth = 1.5 * px;
        ctx.strokeStyle = '#ffffff';
        ctx.fillStyle = 'rgba(255,255,255,0.08)';
        ctx.fillRect(o.rect.x, o.rect.y, o.rect.widthPx, o.rect.heightPx);
        ctx.strokeRect(o.rect.x, o.rect.y, o.rect.widthPx, o.rect.heightPx);
        ctx.setLineDash([]);
        break;
      case 'polyline': {
        const first = o.points[0];
        if (!first) break;
        ctx.lineWidth = 1.5 * px;
        ctx.strokeStyle = '#ffffff';
        ctx.beginPath();
        ctx.moveTo(first.x, first.y);
        for (const p of o.points.slice(1)) ctx.lineTo(p.x, p.y);
        if (o.cursor) ctx.lineTo(o.cursor.x, o.cursor.y);
        ctx.stroke();
        ctx.fillStyle = '#ffffff';
        for (const p of o.points) ctx.fillRect(p.x - 2.5 * px, p.y - 2.5 * px, 5 * px, 5 * px);
        if (o.closable) {
          ctx.beginPath();
          ctx.arc(first.x, first.y, 6 * px, 0, Math.PI * 2);
          ctx.stroke();
        }
        break;
      }
      case 'brush-cursor':
        ctx.lineWidth = 1.5 * px;
        ctx.setLineDash(o.erase ? [4 * px, 3 * px] : []);
        ctx.strokeStyle = 'rgba(0,0,0,0.7)';
        ctx.beginPath();
        ctx.arc(o.center.x, o.center.y, o.radiusPx + px, 0, Math.PI * 2);
        ctx.stroke();
        ctx.strokeStyle = '#ffffff';
        ctx.beginPath();
        ctx.arc(o.center.x, o.center.y, o.radiusPx, 0, Math.PI * 2);
        ctx.stroke();
        ctx.setLineDash([]);
        break;
      case 'clicks':
        for (const c of o.clicks) {
          ctx.fillStyle = c.positive ? POSITIVE_CLICK : NEGATIVE_CLICK;
          ctx.strokeStyle = '#ffffff';
          ctx.lineWidth = 1.5 * px;
          ctx.beginPath();
          ctx.arc(c.x, c.y, 5 * px, 0, Math.PI * 2);
          ctx.fill();
          ctx.stroke();
        }
        break;
    }
  }
}
