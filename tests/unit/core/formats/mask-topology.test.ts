import { describe, expect, it } from 'vitest';
import { maskTopology, rleToPolygons } from '../../../../src-main/core/formats/mask-topology';
import { decodeRleCropped } from '../../../../src-main/core/formats/shapes';
import { seededRandom } from '../../../../src-main/core/formats/split';
import { connectedComponents } from '../../../../src-main/core/segment/components';
import { maskToPolygons, polygonsToMask } from '../../../../src-main/core/segment/contours';
import { decodeRle, encodeMask } from '../../../../src-main/core/segment/rle';
import { maskFromArt } from './memory-project';

describe('mask topology from RLE runs', () => {
  it('counts parts and finds holes on hand-made masks', () => {
    const cases: [string[], number, boolean][] = [
      [['.....', '.###.', '.#.#.', '.###.', '.....'], 1, true],
      [['##...', '##...', '.....', '...##', '...##'], 2, false],
      [['#....', '.#...', '..#..'], 1, false], // diagonal contact joins (8-connectivity)
      [['.#.', '#.#', '.#.'], 1, true], // the centre is enclosed: background is 4-connected
      [['###', '#.#', '#..'], 1, false], // open at the edge of the bbox
      [['.....'], 0, false],
    ];
    for (const [art, parts, holes] of cases) {
      const { mask, widthPx, heightPx } = maskFromArt(art);
      expect(maskTopology(encodeMask(mask, widthPx, heightPx))).toEqual({ parts, hasHoles: holes });
    }
  });

  it('agrees with connectedComponents and the contour tracer on random masks, and rings rebuild the mask', () => {
    const rand = seededRandom(5);
    for (let t = 0; t < 200; t++) {
      const w = 3 + Math.floor(rand() * 14);
      const h = 3 + Math.floor(rand() * 12);
      const density = 0.2 + rand() * 0.6;
      const mask = new Uint8Array(w * h).map(() => (rand() < density ? 1 : 0));
      const rle = encodeMask(mask, w, h);
      const topo = maskTopology(rle);
      expect(topo.parts).toBe(connectedComponents(mask, w, h, 8).count);
      expect(topo.hasHoles).toBe(maskToPolygons(mask, w, h).some((p) => p.holes.length > 0));
      const rings = rleToPolygons(rle).flatMap((p) => [p.outer, ...p.holes]);
      expect(Array.from(polygonsToMask(rings, w, h))).toEqual(Array.from(mask));
      const crop = decodeRleCropped(rle);
      if (crop === null) {
        expect(mask.every((v) => v === 0)).toBe(true);
        continue;
      }
      const full = decodeRle(rle);
      const expected = new Uint8Array(crop.widthPx * crop.heightPx);
      for (let y = 0; y < crop.heightPx; y++) {
        for (let x = 0; x < crop.widthPx; x++) {
          expected[y * crop.widthPx + x] = full[(y + crop.y0) * w + x + crop.x0]!;
        }
      }
      expect(Array.from(crop.mask)).toEqual(Array.from(expected));
    }
  });
});
