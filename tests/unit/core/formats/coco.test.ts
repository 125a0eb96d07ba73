import { describe, expect, it } from 'vitest';
import { cocoAnnotationGeometry, cocoRle } from '../../../../src-main/core/formats/coco-import';
import { toCocoShape } from '../../../../src-main/core/formats/coco-geometry';
import { unionAsGeometry } from '../../../../src-main/core/formats/shapes';
import { decodeRle as decode, encodeMask } from '../../../../src-main/core/segment/rle';
import { maskFromArt } from './memory-project';

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

  it('boxes: empty segmentation, area w·h; points are skipped', () => {
    expect(toCocoShape({ kind: 'box', x: 1.5, y: 2, widthPx: 3, heightPx: 4 }, 'auto', 10, 10)).toEqual({
      kind: 'ok',
      segmentation: [],
      area: 12,
      bbox: [1.5, 2, 3, 4],
      lostHoles: false,
    });
    expect(toCocoShape({ kind: 'point', x: 1, y: 1 }, 'auto', 10, 10)).toEqual({
      kind: 'skip',
      reason: 'point',
    });
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
      'segmentation: RLE counts sum to 15, expected height×width = 4×4 = 16',
    );
    expect(cocoRle({ size: [4, 4], counts: [5, -2, 13] }, img)).toBe(
      'segmentation.counts must hold non-negative integers',
    );
    expect(cocoRle({ size: [4, 4], counts: 7 }, img)).toBe(
      'segmentation.counts must be a string (compressed RLE) or a list of integers',
    );
    expect(cocoRle({ size: ['4', 4], counts: '52203' }, img)).toBe(
      'segmentation.size must be [height, width] (positive integers)',
    );
  });

  it('reads polygons, RLE and bbox-only annotations', () => {
    expect(
      cocoAnnotationGeometry(
        {
          segmentation: [
            [0, 0, 2, 0, 2, 2],
            [3, 3, 4, 3, 4, 4],
          ],
        },
        img,
      ),
    ).toEqual({
      kind: 'polygon',
      rings: [
        [0, 0, 2, 0, 2, 2],
        [3, 3, 4, 3, 4, 4],
      ],
    });
    expect(cocoAnnotationGeometry({ segmentation: [], bbox: [1, 1, 2, 2] }, img)).toEqual({
      kind: 'box',
      x: 1,
      y: 1,
      widthPx: 2,
      heightPx: 2,
    });
    expect(cocoAnnotationGeometry({ bbox: [1, 1, 2] }, img)).toBe('bbox must be 4 finite numbers [x,y,w,h]');
    expect(cocoAnnotationGeometry({ segmentation: 'x' }, img)).toBe(
      'segmentation must be a list of polygons or an RLE object',
    );
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
