import { type CocoRle, type Geometry } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { mergeRles, polygonsToRle, rleArea, rleToBbox } from '../segment/rle';
import type { ExportInstance } from './export-instances';
import type { SegmentationMode } from './export-types';
import { maskTopology, rleToPolygons } from './mask-topology';
import {
  type Bbox,
  assertRleSize,
  boxRing,
  classifyRings,
  regionRle,
  ringsExtent,
  unionAsGeometry,
} from './shapes';

export type CocoSegmentation = number[][] | { size: [number, number]; counts: string };

/** COCO segmentation of box annotations: their four-corner polygon, or no segmentation key at all. */
export type BoxSegmentation = 'polygon' | 'none';

export type CocoShape =
  | {
      readonly kind: 'ok';
      /** null: the annotation has no segmentation key (boxes with box segmentation `none`). */
      readonly segmentation: CocoSegmentation | null;
      readonly area: number;
      readonly bbox: Bbox;
      /** True when holes had to be dropped (polygon output of a shape with holes). */
      readonly lostHoles: boolean;
      /** A rotated box's angle, written as CVAT's attributes.rotation. */
      readonly rotationDeg: number | null;
    }
  | { readonly kind: 'skip'; readonly reason: 'empty' };

export interface CocoShapeOptions {
  readonly segmentation: SegmentationMode;
  readonly boxSegmentation: BoxSegmentation;
}

function polygonShape(outers: number[][], heightPx: number, widthPx: number, lostHoles: boolean): CocoShape {
  return {
    kind: 'ok',
    segmentation: outers,
    // COCOeval reads area from the file: make it the area pycocotools itself rasterises for the polygons.
    area: rleArea(polygonsToRle(outers, heightPx, widthPx)),
    bbox: ringsExtent(outers),
    lostHoles,
    rotationDeg: null,
  };
}

function rleShape(rle: CocoRle): CocoShape {
  if (rleArea(rle) === 0) return { kind: 'skip', reason: 'empty' };
  return {
    kind: 'ok',
    segmentation: { size: rle.size, counts: rle.counts },
    area: rleArea(rle),
    bbox: rleToBbox(rle),
    lostHoles: false,
    rotationDeg: null,
  };
}

/**
 * The COCO segmentation, area and bbox of one shape. Boxes get their four-corner polygon (pycocotools'
 * annToMask and segm COCOeval need a segmentation) and area w·h, as loadRes gives box results; rotated
 * boxes their corner polygon; polygons with holes and masks with several parts or holes become RLE in
 * `auto` mode (polygons cannot hold holes), everything else stays a polygon.
 */
function singleShape(g: Geometry, opts: CocoShapeOptions, widthPx: number, heightPx: number): CocoShape {
  switch (g.kind) {
    case 'box':
      return {
        kind: 'ok',
        segmentation: opts.boxSegmentation === 'polygon' ? [boxRing(g.x, g.y, g.widthPx, g.heightPx)] : null,
        area: g.widthPx * g.heightPx,
        bbox: [g.x, g.y, g.widthPx, g.heightPx],
        lostHoles: false,
        rotationDeg: null,
      };
    case 'rotated_box': {
      const corners = rotatedBoxCorners(g);
      const shape =
        opts.segmentation === 'rle'
          ? rleShape(polygonsToRle([corners], heightPx, widthPx))
          : polygonShape([corners], heightPx, widthPx, false);
      return shape.kind === 'ok'
        ? { ...shape, bbox: ringsExtent([corners]), rotationDeg: g.rotationDeg }
        : shape;
    }
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      const hasHoles = holes.length > 0;
      if (opts.segmentation === 'rle' || (opts.segmentation === 'auto' && hasHoles)) {
        return rleShape(regionRle(g, widthPx, heightPx)!);
      }
      return polygonShape(outers, heightPx, widthPx, hasHoles);
    }
    case 'mask': {
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      const asRle = (): CocoShape => rleShape({ size: [heightPx, widthPx], counts: g.rle.counts });
      if (opts.segmentation === 'rle') return asRle();
      if (opts.segmentation === 'auto') {
        // Decide from the runs first: only simple masks are ever traced.
        const topo = maskTopology(g.rle);
        if (topo.parts === 0) return { kind: 'skip', reason: 'empty' };
        if (topo.parts > 1 || topo.hasHoles) return asRle();
      }
      const parts = rleToPolygons(g.rle);
      if (parts.length === 0) return { kind: 'skip', reason: 'empty' };
      const hasHoles = parts.some((p) => p.holes.length > 0);
      const outers = parts.map((p) => p.outer);
      if (hasHoles) return polygonShape(outers, heightPx, widthPx, true);
      // Pixel-edge rings rasterise back to exactly the mask: its own area and bbox are the polygons'.
      return {
        kind: 'ok',
        segmentation: outers,
        area: rleArea(g.rle),
        bbox: rleToBbox(g.rle),
        lostHoles: false,
        rotationDeg: null,
      };
    }
    case 'point':
    case 'polyline':
    case 'tag':
      return { kind: 'skip', reason: 'empty' };
  }
}

/** Outer rings of a polygon-like member (box, rotated box, polygon without holes); null otherwise. */
function plainRings(g: Geometry): number[][] | null {
  switch (g.kind) {
    case 'box':
      return [boxRing(g.x, g.y, g.widthPx, g.heightPx)];
    case 'rotated_box':
      return [rotatedBoxCorners(g)];
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      return holes.length === 0 ? outers : null;
    }
    default:
      return null;
  }
}

/**
 * The COCO shape of one instance. A crowd is always RLE (COCO's convention for iscrowd 1). A group of
 * shapes becomes one segmentation: their polygons when they are all plain polygons that do not overlap
 * (pycocotools unions the parts), otherwise the RLE of their union.
 */
export function toCocoShape(
  instance: ExportInstance,
  opts: CocoShapeOptions,
  widthPx: number,
  heightPx: number,
): CocoShape {
  const { members } = instance;
  if (members.length === 1 && !instance.iscrowd)
    return singleShape(members[0]!.geometry, opts, widthPx, heightPx);
  if (!instance.iscrowd && opts.segmentation !== 'rle') {
    const rings = members.map((m) => plainRings(m.geometry));
    if (rings.every((r) => r !== null)) {
      const all = rings.flat();
      if (unionAsGeometry(all, widthPx, heightPx).kind === 'polygon')
        return polygonShape(all, heightPx, widthPx, false);
    }
  }
  const rles = members.map((m) => regionRle(m.geometry, widthPx, heightPx)!);
  return rleShape(rles.length === 1 ? rles[0]! : mergeRles(rles));
}
