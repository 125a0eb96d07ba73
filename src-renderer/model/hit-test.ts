import { type AnnotationId } from '@contract';
import { type Annotation } from './annotation';
import { type AnnotationDoc, listAnnotations } from './document';
import { geometryBounds, geometryContains, type Point, type Rect, rectsIntersect } from './geometry-ops';
import { isVisible, type LabelStates } from './visibility';

const CELL_PX = 128;

/**
 * A uniform grid over annotation bounds, so a pointer query looks at a handful of shapes instead of all of
 * them (the canvas has Konva's own hit graph switched off for speed).
 */
export interface HitIndex {
  readonly cells: ReadonlyMap<number, readonly Annotation[]>;
  readonly ordered: readonly Annotation[];
}

function cellKey(cx: number, cy: number): number {
  return cy * 65536 + cx;
}

export function buildHitIndex(doc: AnnotationDoc, labels: LabelStates): HitIndex {
  const cells = new Map<number, Annotation[]>();
  const ordered = listAnnotations(doc).filter((a) => isVisible(a, labels));
  for (const a of ordered) {
    const b = geometryBounds(a.geometry);
    const cx0 = Math.max(0, Math.floor(b.x / CELL_PX));
    const cy0 = Math.max(0, Math.floor(b.y / CELL_PX));
    const cx1 = Math.max(cx0, Math.floor((b.x + b.widthPx) / CELL_PX));
    const cy1 = Math.max(cy0, Math.floor((b.y + b.heightPx) / CELL_PX));
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const key = cellKey(cx, cy);
        const list = cells.get(key);
        if (list) list.push(a);
        else cells.set(key, [a]);
      }
    }
  }
  return { cells, ordered };
}

const indexCache = new WeakMap<object, { labels: LabelStates; index: HitIndex }>();

/** The index for a doc revision, rebuilt only when the doc or the label states change. */
export function hitIndexFor(doc: AnnotationDoc, labels: LabelStates): HitIndex {
  const cached = indexCache.get(doc.byId);
  if (cached && cached.labels === labels) return cached.index;
  const index = buildHitIndex(doc, labels);
  indexCache.set(doc.byId, { labels, index });
  return index;
}

/** All visible annotations under `p`, topmost first. */
export function hitTestAll(index: HitIndex, p: Point, tolerancePx: number): Annotation[] {
  const seen = new Set<AnnotationId>();
  const hits: Annotation[] = [];
  const cx0 = Math.floor((p.x - tolerancePx) / CELL_PX);
  const cx1 = Math.floor((p.x + tolerancePx) / CELL_PX);
  const cy0 = Math.floor((p.y - tolerancePx) / CELL_PX);
  const cy1 = Math.floor((p.y + tolerancePx) / CELL_PX);
  for (let cy = Math.max(0, cy0); cy <= cy1; cy++) {
    for (let cx = Math.max(0, cx0); cx <= cx1; cx++) {
      for (const a of index.cells.get(cellKey(cx, cy)) ?? []) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        if (geometryContains(a.geometry, p, tolerancePx)) hits.push(a);
      }
    }
  }
  return hits.sort((a, b) => b.id - a.id);
}

export function hitTest(index: HitIndex, p: Point, tolerancePx: number): Annotation | null {
  return hitTestAll(index, p, tolerancePx)[0] ?? null;
}

/** Visible annotations whose bounds lie inside `rect` (marquee selection). */
export function annotationsInRect(index: HitIndex, rect: Rect): Annotation[] {
  return index.ordered.filter((a) => {
    const b = geometryBounds(a.geometry);
    return (
      rectsIntersect(b, rect) &&
      b.x >= rect.x &&
      b.y >= rect.y &&
      b.x + b.widthPx <= rect.x + rect.widthPx &&
      b.y + b.heightPx <= rect.y + rect.heightPx
    );
  });
}
