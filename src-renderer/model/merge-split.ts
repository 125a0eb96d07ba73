import { type Geometry, type AnnotationId, type Ring, isRegion } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { type Annotation, type IdAllocator } from './annotation';
import { type Command } from './commands';
import { geometryBounds, maskBitmapOf, pointInRings, rectsIntersect } from './geometry-ops';
import { bitmapToRle, type MaskBitmap } from './mask-bitmap';
import { EMPTY_PATCH } from './patch';

/**
 * The union of shapes as one geometry, or 'needs-masks' when it cannot be formed without rasterising:
 * - polygons and (rotated) boxes that do not overlap (bounding boxes apart) → one multi-part polygon, exact;
 * - masks of one image → one mask, their pixel union;
 * - anything else (overlapping polygons, polygons with masks) → the caller converts to masks first;
 *   points, polylines and tags have no area and are never merged (the caller leaves them out).
 */
export function mergedGeometry(geometries: readonly Geometry[]): Geometry | 'needs-masks' {
  if (geometries.length === 0 || !geometries.every(isRegion)) return 'needs-masks';
  if (geometries.every((g) => g.kind === 'mask')) return unionOfMasks(geometries);
  if (geometries.every((g) => g.kind === 'polygon' || g.kind === 'box' || g.kind === 'rotated_box')) {
    const bounds = geometries.map(geometryBounds);
    const overlap = bounds.some((a, i) => bounds.some((b, j) => j > i && rectsIntersect(a, b)));
    if (overlap) return 'needs-masks';
    return { kind: 'polygon', rings: geometries.flatMap(ringsOf) };
  }
  return 'needs-masks';
}

function ringsOf(g: Geometry): Ring[] {
  switch (g.kind) {
    case 'polygon':
      return g.rings.map((r) => [...r]);
    case 'box':
      return [[g.x, g.y, g.x + g.widthPx, g.y, g.x + g.widthPx, g.y + g.heightPx, g.x, g.y + g.heightPx]];
    case 'rotated_box':
      return [rotatedBoxCorners(g)];
    case 'mask':
    case 'point':
    case 'polyline':
    case 'tag':
      return [];
  }
}

/** The pixel union of masks (all of one image size, else 'needs-masks'). */
function unionOfMasks(geometries: readonly Geometry[]): Geometry | 'needs-masks' {
  const bitmaps = geometries.flatMap((g) => (g.kind === 'mask' ? [maskBitmapOf(g.rle)] : []));
  const first = bitmaps[0];
  if (!first) return 'needs-masks';
  if (bitmaps.some((b) => b.imageWidthPx !== first.imageWidthPx || b.imageHeightPx !== first.imageHeightPx))
    return 'needs-masks';
  const nonEmpty = bitmaps.filter((b) => b.widthPx > 0 && b.heightPx > 0);
  if (nonEmpty.length === 0) return { kind: 'mask', rle: bitmapToRle(first) };
  const x0 = Math.min(...nonEmpty.map((b) => b.x));
  const y0 = Math.min(...nonEmpty.map((b) => b.y));
  const x1 = Math.max(...nonEmpty.map((b) => b.x + b.widthPx));
  const y1 = Math.max(...nonEmpty.map((b) => b.y + b.heightPx));
  const out: MaskBitmap = {
    x: x0,
    y: y0,
    widthPx: x1 - x0,
    heightPx: y1 - y0,
    imageWidthPx: first.imageWidthPx,
    imageHeightPx: first.imageHeightPx,
    data: new Uint8Array((x1 - x0) * (y1 - y0)),
  };
  for (const b of nonEmpty)
    for (let y = 0; y < b.heightPx; y++)
      for (let x = 0; x < b.widthPx; x++)
        if (b.data[y * b.widthPx + x]) out.data[(y + b.y - y0) * out.widthPx + (x + b.x - x0)] = 1;
  return { kind: 'mask', rle: bitmapToRle(out) };
}

/**
 * Merges annotations into one (the first one's label and source), as one undoable patch: the sources are
 * removed and the union added. `geometry` is their union (mergedGeometry, or masks merged by the caller).
 */
export const mergeAnnotations =
  (ids: readonly AnnotationId[], geometry: Geometry, alloc: IdAllocator): Command =>
  (doc) => {
    const sources = ids.flatMap((id) => {
      const a = doc.byId.get(id);
      return a ? [a] : [];
    });
    const first = sources[0];
    if (!first || sources.length < 2) return EMPTY_PATCH;
    const merged: Annotation = {
      ...first,
      id: alloc.next(),
      geometry,
      score: null,
      hidden: false,
      locked: false,
    };
    return { added: [merged], updated: [], removed: sources };
  };

/**
 * The separate parts of a shape: a mask's connected regions (8-connected, holes kept), a polygon's
 * outer rings each with the holes inside it. Any other shape (boxes, points, lines, tags) is one part.
 */
export function splitGeometry(g: Geometry): Geometry[] {
  switch (g.kind) {
    case 'mask':
      return maskComponents(maskBitmapOf(g.rle)).map((bm) => ({ kind: 'mask', rle: bitmapToRle(bm) }));
    case 'polygon':
      return polygonParts(g.rings).map((rings) => ({ kind: 'polygon', rings }));
    case 'box':
    case 'rotated_box':
    case 'point':
    case 'polyline':
    case 'tag':
      return [g];
  }
}

/** Splits an annotation into its parts (same label and source), as one undoable patch. */
export const splitAnnotation =
  (id: AnnotationId, alloc: IdAllocator): Command =>
  (doc) => {
    const a = doc.byId.get(id);
    if (!a) return EMPTY_PATCH;
    const parts = splitGeometry(a.geometry);
    if (parts.length < 2) return EMPTY_PATCH;
    return {
      added: parts.map((geometry) => ({ ...a, id: alloc.next(), geometry, hidden: false, locked: false })),
      updated: [],
      removed: [a],
    };
  };

/** Rings nested in an even number of others are outer rings; each hole goes to its innermost outer ring. */
function polygonParts(rings: readonly Ring[]): Ring[][] {
  const depth = rings.map((r, i) => {
    const [x, y] = [r[0] ?? 0, r[1] ?? 0];
    return rings.filter((other, j) => j !== i && pointInRings([other], x, y)).length;
  });
  const outers = rings.map((_, i) => i).filter((i) => depth[i]! % 2 === 0);
  const parts = new Map<number, Ring[]>(outers.map((i) => [i, [[...rings[i]!]]]));
  rings.forEach((r, i) => {
    if (depth[i]! % 2 === 0) return;
    const [x, y] = [r[0] ?? 0, r[1] ?? 0];
    // The containing outer ring with the greatest depth is the innermost one.
    const owner = outers
      .filter((o) => pointInRings([rings[o]!], x, y))
      .sort((a, b) => depth[b]! - depth[a]!)[0];
    if (owner !== undefined) parts.get(owner)!.push([...r]);
  });
  return [...parts.values()];
}

/** 8-connected components of a cropped bitmap, each cropped to its own bounds, in scan order. */
function maskComponents(bm: MaskBitmap): MaskBitmap[] {
  const { widthPx: w, heightPx: h } = bm;
  const labels = new Int32Array(w * h);
  const parts: MaskBitmap[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (!bm.data[start] || labels[start]) continue;
    next++;
    const pixels: number[] = [];
    let minX = w;
    let minY = h;
    let maxX = -1;
    let maxY = -1;
    labels[start] = next;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      pixels.push(p);
      const px = p % w;
      const py = (p - px) / w;
      minX = Math.min(minX, px);
      maxX = Math.max(maxX, px);
      minY = Math.min(minY, py);
      maxY = Math.max(maxY, py);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          const ny = py + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (bm.data[q] && !labels[q]) {
            labels[q] = next;
            stack.push(q);
          }
        }
    }
    const cw = maxX - minX + 1;
    const data = new Uint8Array(cw * (maxY - minY + 1));
    for (const p of pixels) data[(Math.floor(p / w) - minY) * cw + ((p % w) - minX)] = 1;
    parts.push({
      x: bm.x + minX,
      y: bm.y + minY,
      widthPx: cw,
      heightPx: maxY - minY + 1,
      imageWidthPx: bm.imageWidthPx,
      imageHeightPx: bm.imageHeightPx,
      data,
    });
  }
  return parts;
}
