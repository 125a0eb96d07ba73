import { describe, expect, it } from 'vitest';
import { cocoAnnotationGeometry, cocoIscrowd, cocoRle } from '../../../../src-main/core/formats/coco-import';
import {
  type BoxSegmentation,
  toCocoShape as cocoShapeOf,
} from '../../../../src-main/core/formats/coco-geometry';
import type { SegmentationMode } from '../../../../src-main/core/formats/export-types';
import { type Geometry, asAnnotationId, asLabelId } from '@contract';
import { unionAsGeometry } from '../../../../src-main/core/formats/shapes';
import { decodeRle as decode, encodeMask } from '../../../../src-main/core/segment/rle';
import { maskFromArt } from './memory-project';

/** One shape as a one-member instance. */
function toCocoShape(
  g: Geometry,
  segmentation: SegmentationMode,
  w: number,
  h: number,
  boxSegmentation: BoxSegmentation = 'polygon',
  iscrowd = false,
) {
  const member = {
    id: asAnnotationId(1),
    labelId: asLabelId(1),
    geometry: g,
    score: null,
    source: 'manual' as const,
    iscrowd,
    attributes: {},
    groupId: null,
  };
  const instance = { labelId: member.labelId, members: [member], iscrowd, attributes: {}, score: null };
  return cocoShapeOf(instance, { segmentation, boxSegmentation }, w, h);
}

describe('COCO segmentation, area and bbox', () => {
  it('rasterises polygons like frPoly: [1,2,1,4,5,4,5,2] on 7×7 is 8 pixels', () => {
    const g = { kind: 'polygon' as const, rings: [[1, 2, 1, 4, 5, 4, 5, 2]] };
    const poly = toCocoShape(g, 'polygon', 7, 7);
    expect(poly).toMatchObject({
      kind: 'ok',
      segmentation: [[1, 2, 1, 4, 5, 4, 5, 2]],
      area: 8,
      bbox: [1, 2, 4, 2],
    });
    const rle = toCocoShape(g, 'rle', 7, 7);
    expect(rle).toMatchObject({ kind: 'ok', area: 8, bbox: [1, 2, 4, 2] });
  });

  it('boxes: their four-corner polygon (annToMask needs one) or no segmentation key, area w·h; points are skipped', () => {
    const box = { kind: 'box' as const, x: 1.5, y: 2, widthPx: 3, heightPx: 4 };
    expect(toCocoShape(box, 'auto', 10, 10)).toEqual({
      kind: 'ok',
      segmentation: [[1.5, 2, 4.5, 2, 4.5, 6, 1.5, 6]],
      area: 12,
      bbox: [1.5, 2, 3, 4],
      lostHoles: false,
      rotationDeg: null,
    });
    expect(toCocoShape(box, 'auto', 10, 10, 'none')).toMatchObject({
      kind: 'ok',
      segmentation: null,
      area: 12,
    });
    expect(toCocoShape({ kind: 'point', x: 1, y: 1 }, 'auto', 10, 10)).toEqual({
      kind: 'skip',
      reason: 'empty',
    });
  });

  it('crowds are RLE whatever the mode; rotated boxes are their corner polygon with the angle', () => {
    const crowd = toCocoShape(
      { kind: 'polygon', rings: [[1, 2, 1, 4, 5, 4, 5, 2]] },
      'polygon',
      7,
      7,
      'polygon',
      true,
    );
    expect(crowd).toMatchObject({ kind: 'ok', segmentation: { size: [7, 7] }, area: 8 });
    const rot = toCocoShape(
      { kind: 'rotated_box', cx: 5, cy: 5, widthPx: 4, heightPx: 2, rotationDeg: 90 },
      'auto',
      10,
      10,
    );
    expect(rot.kind).toBe('ok');
    if (rot.kind !== 'ok') return;
    expect(rot.rotationDeg).toBe(90);
    expect(rot.bbox.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([4, 3, 2, 4]);
    expect(rot.area).toBe(8);
  });

  it('auto: masks with holes or several parts stay RLE (counts untouched), simple ones become polygons', () => {
    const ring = maskFromArt(['.....', '.###.', '.#.#.', '.###.', '.....']);
    const rle = encodeMask(ring.mask, 5, 5);
    expect(toCocoShape({ kind: 'mask', rle }, 'auto', 5, 5)).toEqual({
      kind: 'ok',
      segmentation: rle,
      area: 8,
      bbox: [1, 1, 3, 3],
      lostHoles: false,
      rotationDeg: null,
    });
    const polygon = toCocoShape({ kind: 'mask', rle }, 'polygon', 5, 5);
    expect(polygon).toMatchObject({ kind: 'ok', area: 9, lostHoles: true });
    const solid = maskFromArt(['.....', '.##..', '.##..', '.....', '.....']);
    expect(toCocoShape({ kind: 'mask', rle: encodeMask(solid.mask, 5, 5) }, 'auto', 5, 5)).toMatchObject({
      kind: 'ok',
      area: 4,
      bbox: [1, 1, 2, 2],
    });
    expect(toCocoShape({ kind: 'mask', rle: encodeMask(new Uint8Array(25), 5, 5) }, 'auto', 5, 5)).toEqual({
      kind: 'skip',
      reason: 'empty',
    });
  });

  it('refuses a mask whose size differs from the image', () => {
    const rle = encodeMask(new Uint8Array(6), 3, 2);
    expect(() => toCocoShape({ kind: 'mask', rle }, 'rle', 4, 4)).toThrow('does not match the image 4×4');
  });
});

describe('COCO segmentation import', () => {
  const img = { fileName: 'a.jpg', widthPx: 4, heightPx: 4 };
  it('turns uncompressed RLE into the pycocotools counts string', () => {
    expect(cocoRle({ size: [4, 4], counts: [5, 2, 2, 2, 5] }, img)).toEqual({
      size: [4, 4],
      counts: '52203',
    });
    const big = { fileName: 'b.jpg', widthPx: 40, heightPx: 40 };
    expect(cocoRle({ size: [40, 40], counts: [245, 5, 35, 5, 35, 5, 35, 5, 35, 5, 1190] }, big)).toEqual({
      size: [40, 40],
      counts: 'e75S10000000ST1',
    });
    expect(cocoRle({ size: [4, 4], counts: [5, 2, 2, 2, 4] }, img)).toBe(
      'segmentation.counts: RLE counts sum to 15, expected height×width = 4×4 = 16',
    );
    expect(cocoRle({ size: [4, 4], counts: [5, -2, 13] }, img)).toBe(
      'segmentation.counts: must hold non-negative integers',
    );
    expect(cocoRle({ size: [4, 4], counts: 7 }, img)).toBe(
      'segmentation.counts: must be a string (compressed RLE) or a list of integers',
    );
    expect(cocoRle({ size: ['4', 4], counts: '52203' }, img)).toBe(
      'segmentation.size: must be [height, width] (positive integers)',
    );
  });

  it('reads polygons, RLE and bbox-only annotations; a box written as its corner polygon is a box again', () => {
    expect(
      cocoAnnotationGeometry(
        {
          segmentation: [
            [0, 0, 2, 0, 2, 2],
            [3, 3, 4, 3, 4, 4],
          ],
        },
        img,
        0,
      ),
    ).toEqual({
      geometry: {
        kind: 'polygon',
        rings: [
          [0, 0, 2, 0, 2, 2],
          [3, 3, 4, 3, 4, 4],
        ],
      },
      orientedBox: false,
    });
    const box = { kind: 'box', x: 1, y: 1, widthPx: 2, heightPx: 2 };
    expect(cocoAnnotationGeometry({ segmentation: [], bbox: [1, 1, 2, 2] }, img, 0)).toEqual({
      geometry: box,
      orientedBox: false,
    });
    expect(
      cocoAnnotationGeometry({ segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]], bbox: [1, 1, 2, 2] }, img, 0),
    ).toEqual({
      geometry: box,
      orientedBox: false,
    });
    // CVAT writes a rotated box as its unrotated bbox with attributes.rotation.
    expect(cocoAnnotationGeometry({ bbox: [1, 1, 2, 1] }, img, 30)).toEqual({
      geometry: { kind: 'rotated_box', cx: 2, cy: 1.5, widthPx: 2, heightPx: 1, rotationDeg: 30 },
      orientedBox: false,
    });
    expect(cocoAnnotationGeometry({ bbox: [1, 1, 2] }, img, 0)).toBe(
      'bbox: must be 4 finite numbers [x,y,w,h]',
    );
    expect(cocoAnnotationGeometry({ segmentation: 'x' }, img, 0)).toBe(
      'segmentation: must be a list of polygons or an RLE object',
    );
  });

  it('reads iscrowd as COCO tools write it', () => {
    for (const v of [0, false, 'false', '0', null, undefined]) expect(cocoIscrowd(v)).toBe(false);
    for (const v of [1, true, 'true', '1', 'True']) expect(cocoIscrowd(v)).toBe(true);
    for (const v of [2, 'maybe', []]) expect(cocoIscrowd(v)).toBeNull();
  });

  it('keeps overlapping polygon parts as their union (COCO merges parts; even-odd would punch a hole)', () => {
    const outer = [0, 0, 8, 0, 8, 8, 0, 8];
    const inner = [2, 2, 6, 2, 6, 6, 2, 6];
    const g = unionAsGeometry([outer, inner], 10, 10);
    expect(g.kind).toBe('mask');
    if (g.kind !== 'mask') return;
    expect(Array.from(decode(g.rle)).reduce((a, b) => a + b, 0)).toBe(64);
    const disjoint = unionAsGeometry(
      [
        [0, 0, 2, 0, 2, 2],
        [5, 5, 8, 5, 8, 8],
      ],
      10,
      10,
    );
    expect(disjoint).toEqual({
      kind: 'polygon',
      rings: [
        [0, 0, 2, 0, 2, 2],
        [5, 5, 8, 5, 8, 8],
      ],
    });
  });
});
