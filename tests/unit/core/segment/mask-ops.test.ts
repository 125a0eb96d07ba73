import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../../../src-main/core/segment/components';
import {
  dilateMask,
  erodeMask,
  fillHoles,
  intersectMasks,
  maskArea,
  maskIou,
  removeSmallIslands,
  subtractMasks,
  unionMasks,
} from '../../../../src-main/core/segment/mask-ops';

function fromRows(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
}
function toRows(mask: Uint8Array, w: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < mask.length; i += w)
    rows.push([...mask.subarray(i, i + w)].map((v) => (v ? '#' : '.')).join(''));
  return rows;
}

describe('connected components', () => {
  const m = fromRows(['#..##', '.#...', '....#', '##..#']);
  it('labels 8-connected components with areas and bounds', () => {
    const cc = connectedComponents(m, 5, 4, 8);
    expect(cc.count).toBe(4);
    expect([...cc.areas.subarray(1)]).toEqual([2, 2, 2, 2]);
    expect([cc.minX[1], cc.minY[1], cc.maxX[1], cc.maxY[1]]).toEqual([0, 0, 1, 1]);
  });
  it('splits diagonal neighbours under 4-connectivity', () => {
    expect(connectedComponents(m, 5, 4, 4).count).toBe(5);
  });
  it('handles a U shape that merges late (union-find)', () => {
    const u = fromRows(['#.#.#', '#.#.#', '#####']);
    expect(connectedComponents(u, 5, 3).count).toBe(1);
  });
});

describe('mask ops', () => {
  const a = fromRows(['##..', '##..', '....']);
  const b = fromRows(['.##.', '.##.', '....']);
  it('union, intersect, subtract, area, IoU', () => {
    expect(toRows(unionMasks(a, b), 4)).toEqual(['###.', '###.', '....']);
    expect(toRows(intersectMasks(a, b), 4)).toEqual(['.#..', '.#..', '....']);
    expect(toRows(subtractMasks(a, b), 4)).toEqual(['#...', '#...', '....']);
    expect(maskArea(a)).toBe(4);
    expect(maskIou(a, b)).toBeCloseTo(2 / 6);
    expect(() => unionMasks(a, new Uint8Array(3))).toThrow(/differ in size/);
  });

  it('fills enclosed holes but not bays open to the border', () => {
    const m = fromRows(['#####.', '#..#..', '#####.', '#.....']);
    expect(toRows(fillHoles(m, 6, 4), 6)).toEqual(['#####.', '####..', '#####.', '#.....']);
    expect(toRows(fillHoles(m, 6, 4, 2), 6)).toEqual(toRows(m, 6)); // the hole has 2 px: not < 2
  });

  it('removes islands below an area', () => {
    const m = fromRows(['##...', '##..#', '.....']);
    expect(toRows(removeSmallIslands(m, 5, 3, 2), 5)).toEqual(['##...', '##...', '.....']);
  });

  it('dilates and erodes with a square, clipped at the border', () => {
    const dot = fromRows(['.....', '..#..', '.....']);
    expect(toRows(dilateMask(dot, 5, 3, 1), 5)).toEqual(['.###.', '.###.', '.###.']);
    const block = fromRows(['####.', '####.', '####.']);
    expect(toRows(erodeMask(block, 5, 3, 1), 5)).toEqual(['###..', '###..', '###..']);
    const inner = fromRows(['.....', '.....', '..#..', '.....', '.....']);
    expect(erodeMask(dilateMask(inner, 5, 5, 1), 5, 5, 1)).toEqual(inner);
    expect(() => dilateMask(dot, 5, 3, -1)).toThrow(/radiusPx/);
  });
});
