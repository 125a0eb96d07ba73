import { describe, expect, it } from 'vitest';
import {
  AttributesSchema,
  GeometrySchema,
  attributesProblem,
  cleanAttributes,
  geometryProblem,
} from '@contract';
import { seededRandom as rng } from '../../../src-main/core/random';

const NUMBERS = [0, 1, -1, 3.5, 359.999, 360, -0.5, 1e6, 1e6 + 1, -1e6 - 1, NaN, Infinity, -Infinity];
const ODD = [undefined, null, '3', true, {}, [], [1, 2]];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** Geometries that are mostly well-formed, with one field bent at random. */
function randomGeometry(rand: () => number): unknown {
  const n = (): unknown => (rand() < 0.85 ? pick(rand, NUMBERS) : pick(rand, ODD));
  const xy = (min: number): unknown => {
    if (rand() < 0.1) return pick(rand, ODD);
    const len = Math.max(0, min - 2 + Math.floor(rand() * 6));
    return Array.from({ length: len }, () => (rand() < 0.95 ? rand() * 100 : n()));
  };
  switch (
    pick(rand, ['box', 'point', 'rotated_box', 'polygon', 'polyline', 'mask', 'tag', 'circle', undefined])
  ) {
    case 'box':
      return { kind: 'box', x: n(), y: n(), widthPx: n(), heightPx: n() };
    case 'point':
      return { kind: 'point', x: n(), y: n() };
    case 'rotated_box':
      return { kind: 'rotated_box', cx: n(), cy: n(), widthPx: n(), heightPx: n(), rotationDeg: n() };
    case 'polygon':
      return {
        kind: 'polygon',
        rings: rand() < 0.1 ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => xy(6)),
      };
    case 'polyline':
      return { kind: 'polyline', points: xy(4) };
    case 'mask':
      return {
        kind: 'mask',
        rle:
          rand() < 0.1
            ? pick(rand, ODD)
            : {
                size: rand() < 0.8 ? [Math.floor(rand() * 5), 4] : pick(rand, ODD),
                counts: rand() < 0.9 ? 'abc' : 7,
              },
      };
    case 'tag':
      return { kind: 'tag' };
    default:
      return { kind: pick(rand, ['circle', undefined, 3]) };
  }
}

describe('plain geometry and attribute checks agree with the contract schemas', () => {
  it('accepts exactly what GeometrySchema accepts, on 20,000 random geometries', () => {
    const rand = rng(11);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const g = randomGeometry(rand);
      const zodOk = GeometrySchema.safeParse(g).success;
      expect(geometryProblem(g) === null, JSON.stringify(g)).toBe(zodOk);
      if (zodOk) accepted++;
    }
    // Both kinds of case are well represented.
    expect(accepted).toBeGreaterThan(4000);
    expect(accepted).toBeLessThan(16000);
  });

  it('accepts exactly what AttributesSchema accepts, and trims names as it does', () => {
    const rand = rng(5);
    const values = [
      true,
      false,
      0,
      -2.5,
      'red',
      '',
      'x'.repeat(10_000),
      'x'.repeat(10_001),
      NaN,
      Infinity,
      null,
      undefined,
      [],
      {},
    ];
    const names = ['color', ' padded ', '', '   ', 'n'.repeat(200), 'n'.repeat(201)];
    for (let i = 0; i < 5000; i++) {
      const a: Record<string, unknown> = {};
      const count = rand() < 0.02 ? 65 : Math.floor(rand() * 4);
      for (let k = 0; k < count; k++) a[count > 4 ? `a${k}` : pick(rand, names)] = pick(rand, values);
      const parsed = AttributesSchema.safeParse(a);
      expect(attributesProblem(a) === null, JSON.stringify(a)).toBe(parsed.success);
      if (parsed.success) expect(cleanAttributes(a as never)).toEqual(parsed.data);
    }
    expect(attributesProblem({ ok: 1, bad: NaN })).toEqual({
      path: 'bad',
      message: 'an attribute value is text, a finite number or true/false',
    });
  });

  it('names the field that is wrong', () => {
    expect(geometryProblem({ kind: 'polygon', rings: [[0, 0, 1, 0, 1, Number.NaN]] })).toEqual({
      path: 'rings.0.5',
      message: 'coordinates must be finite numbers within ±1000000',
    });
    expect(
      geometryProblem({ kind: 'rotated_box', cx: 1, cy: 1, widthPx: 2, heightPx: 2, rotationDeg: 360 }),
    ).toEqual({
      path: 'rotationDeg',
      message: 'rotationDeg must be in [0, 360)',
    });
  });
});
