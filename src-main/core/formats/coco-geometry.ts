import { type Geometry } from '@contract';
import { polygonsToMask } from '../segment/contours';
import { encodeMask, polygonsToRle, rleArea, rleToBbox } from '../segment/rle';
import type { SegmentationMode } from './export-types';
import { type Bbox, assertRleSize, classifyRings, ringsExtent } from './shapes';
import { maskTopology, rleToPolygons } from './mask-topology';

export type CocoSegmentation = number[][] | { size: [number, number]; counts: string };

export type CocoShape =
  | {
      readonly kind: 'ok';
      readonly segmentation: CocoSegmentation;
      readonly area: number;
      readonly bbox: Bbox;
      /** True when holes had to be dropped (polygon output of a shape with holes). */
      readonly lostHoles: boolean;
    }
  | { readonly kind: 'skip'; readonly reason: 'point' | 'empty' };

function polygonShape(outers: number[][], heightPx: number, widthPx: number, lostHoles: boolean): CocoShape {
  return {
    kind: 'ok',
    segmentation: outers,
    // COCOeval reads area from the file: make it the area pycocotools itself rasterises for the polygons.
    area: rleArea(polygonsToRle(outers, heightPx, widthPx)),
    bbox: ringsExtent(outers),
    lostHoles,
  };
}

function rleShape(rle: { size: [number, number]; counts: string }): CocoShape {
  return { kind: 'ok', segmentation: rle, area: rleArea(rle), bbox: rleToBbox(rle), lostHoles: false };
}

/**
 * The COCO segmentation, area and bbox of one annotation. Boxes get an empty segmentation and area w·h;
 * polygons with holes and masks with several parts or holes become RLE in `auto` mode (polygons cannot
 * hold holes), everything else stays a polygon.
 */
export function toCocoShape(
  g: Geometry,
  mode: SegmentationMode,
  widthPx: number,
  heightPx: number,
): CocoShape {
  switch (g.kind) {
    case 'point':
      return { kind: 'skip', reason: 'point' };
    case 'box':
      return {
        kind: 'ok',
        segmentation: [],
        area: g.widthPx * g.heightPx,
        bbox: [g.x, g.y, g.widthPx, g.heightPx],
        lostHoles: false,
      };
    case 'polygon': {
      const { outers, holes } = classifyRings(g.rings);
      const hasHoles = holes.length > 0;
      if (mode === 'rle' || (mode === 'auto' && hasHoles)) {
        // Without holes, frPoly+merge is exactly what pycocotools would compute from the polygons.
        return rleShape(
          hasHoles
            ? encodeMask(polygonsToMask(g.rings, widthPx, heightPx), widthPx, heightPx)
            : polygonsToRle(g.rings, heightPx, widthPx),
        );
      }
      return polygonShape(outers, heightPx, widthPx, hasHoles);
    }
    case 'mask': {
      assertRleSize(g.rle, widthPx, heightPx, 'mask');
      const asRle = (): CocoShape => rleShape({ size: [heightPx, widthPx], counts: g.rle.counts });
      if (mode === 'rle') return asRle();
      if (mode === 'auto') {
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
      };
    }
  }
}
