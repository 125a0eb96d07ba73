import { type CocoRle, type Geometry } from '@contract';
import { ringsExtent, rotatedBoxExtent } from '@shared/geometry';
import { countsToCropMask, parseCountsScratch } from '@shared/mask';
export { assertRleSize, boxRing, geometryToMask, regionRle } from '../segment/geometry-mask';
import {
  countsArea,
  countsToBbox,
  mergeCounts,
  polygonToCounts,
  polygonsToRle,
  rleToBbox,
} from '../segment/rle';

/** `[x, y, width, height]` in continuous pixel coordinates (COCO bbox convention). */
export type Bbox = [number, number, number, number];

export { ringsExtent };

/** Even-odd point-in-ring test (ray casting). */
export function pointInRing(px: number, py: number, ring: readonly number[]): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i * 2]!;
    const yi = ring[i * 2 + 1]!;
    const xj = ring[j * 2]!;
    const yj = ring[j * 2 + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Splits even-odd rings into outer rings and holes: a ring nested inside an odd number of other rings is
 * a hole. Nesting is judged by the ring's first vertex, which is enough for non-crossing rings.
 */
export function classifyRings(rings: readonly (readonly number[])[]): {
  outers: number[][];
  holes: number[][];
} {
  const outers: number[][] = [];
  const holes: number[][] = [];
  rings.forEach((ring, i) => {
    let depth = 0;
    rings.forEach((other, j) => {
      if (i !== j && pointInRing(ring[0]!, ring[1]!, other)) depth++;
    });
    (depth % 2 === 0 ? outers : holes).push([...ring]);
  });
  return { outers, holes };
}

export function geometryBbox(g: Geometry): Bbox {
  switch (g.kind) {
    case 'box':
      return [g.x, g.y, g.widthPx, g.heightPx];
    case 'polygon':
      return ringsExtent(g.rings);
    case 'mask':
      return rleToBbox(g.rle);
    case 'rotated_box':
      return rotatedBoxExtent(g);
    case 'polyline':
      return ringsExtent([g.points]);
    case 'point':
      return [g.x, g.y, 0, 0];
    case 'tag':
      return [0, 0, 0, 0];
  }
}

/** Tight integer pixel bbox of a row-major mask: inclusive `[x0, y0, x1, y1]`, or null if empty. */
export function maskPixelBounds(
  mask: Uint8Array,
  widthPx: number,
  heightPx: number,
): [number, number, number, number] | null {
  let x0 = widthPx;
  let y0 = heightPx;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      if (mask[row + x] !== 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

export interface CroppedMask {
  /** Row-major 0/1 pixels of the mask's bbox. */
  readonly mask: Uint8Array;
  readonly x0: number;
  readonly y0: number;
  readonly widthPx: number;
  readonly heightPx: number;
}

/**
 * Decodes only the bbox of an RLE mask (pycocotools toBbox is tight), so that work on an object costs its
 * own size rather than the image size. Null for an empty mask.
 */
export function decodeRleCropped(rle: CocoRle): CroppedMask | null {
  const [h, w] = rle.size;
  const counts = parseCountsScratch(rle.counts);
  if (countsArea(counts) === 0) return null;
  const [x0, y0, bw, bh] = countsToBbox(counts, h, w);
  const mask = countsToCropMask(counts, h, w, { x: x0, y: y0, widthPx: bw, heightPx: bh });
  return { mask, x0, y0, widthPx: bw, heightPx: bh };
}

/**
 * COCO (and labelme groups) fill several polygons as a union, RadioLabel polygons with the even-odd rule.
 * They agree unless parts overlap; when they do, the union is kept exactly as a mask.
 */
export function unionAsGeometry(rings: number[][], widthPx: number, heightPx: number): Geometry {
  if (rings.length < 2) return { kind: 'polygon', rings };
  const boxes = rings.map((r) => ringsExtent([r]));
  const counts: (Uint32Array | undefined)[] = [];
  const countsOf = (i: number): Uint32Array => (counts[i] ??= polygonToCounts(rings[i]!, heightPx, widthPx));
  let overlap = false;
  for (let i = 0; i < rings.length && !overlap; i++) {
    for (let j = i + 1; j < rings.length && !overlap; j++) {
      const [ax, ay, aw, ah] = boxes[i]!;
      const [bx, by, bw, bh] = boxes[j]!;
      // Parts whose extents do not meet cannot share a pixel: no run arithmetic needed.
      if (ax > bx + bw || bx > ax + aw || ay > by + bh || by > ay + ah) continue;
      overlap = countsArea(mergeCounts([countsOf(i), countsOf(j)], true)) > 0;
    }
  }
  if (!overlap) return { kind: 'polygon', rings };
  return { kind: 'mask', rle: polygonsToRle(rings, heightPx, widthPx) };
}
