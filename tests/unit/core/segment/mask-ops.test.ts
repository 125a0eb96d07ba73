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

/** Flood-fill reference labelling (component count and per-pixel partition). */
function referenceCount(mask: Uint8Array, w: number, h: number, conn: 4 | 8): number {
  const seen = new Uint8Array(mask.length);
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || seen[i]) continue;
    count++;
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (conn === 4 && dx !== 0 && dy !== 0)) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const q = yy * w + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
  }
  return count;
}

describe('connected components vs a flood-fill reference', () => {
  it('agrees on random masks for both connectivities', () => {
    let s = 5;
    const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    for (let t = 0; t < 40; t++) {
      const w = 1 + Math.floor(r() * 40);
      const h = 1 + Math.floor(r() * 40);
      const p = r();
      const m = Uint8Array.from({ length: w * h }, () => (r() < p ? 1 : 0));
      for (const conn of [4, 8] as const) {
        const cc = connectedComponents(m, w, h, conn);
        expect(cc.count).toBe(referenceCount(m, w, h, conn));
        expect([...cc.areas].reduce((a, b) => a + b, 0)).toBe(m.reduce((a, b) => a + b, 0));
        // Same label ⇔ same component: every label's pixels form exactly one reference component.
        for (let l = 1; l <= cc.count; l++) {
          const only = m.map((_, i) => (cc.labels[i] === l ? 1 : 0));
          expect(referenceCount(only, w, h, conn)).toBe(1);
        }
      }
    }
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
