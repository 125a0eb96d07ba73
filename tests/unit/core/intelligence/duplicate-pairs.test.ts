import { describe, expect, it } from 'vitest';
import { duplicatePairs } from '../../../../src-main/core/intelligence/duplicate-pairs';
import { l2Normalize } from '../../../../src-main/core/segment/grid-ops';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
}

function bruteForce(vs: readonly Float32Array[], t: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      const s = vs[i]!.reduce((acc, v, d) => acc + v * vs[j]![d]!, 0);
      if (s >= t) out.push(`${i}-${j}`);
    }
  }
  return out;
}

describe('duplicatePairs', () => {
  it('finds exactly the brute-force pairs, with the projection pre-filter on (300 × 256 dims)', () => {
    const r = rng(5);
    const base = Array.from({ length: 240 }, () => l2Normalize(Float32Array.from({ length: 256 }, r)));
    // 60 near-duplicates at decreasing distances around the 0.95 threshold.
    const dupes = base
      .slice(0, 60)
      .map((v, k) => l2Normalize(Float32Array.from(v, (x) => x + r() * 0.004 * (k + 1))));
    const all = [...base, ...dupes];
    for (const t of [0.95, 0.9]) {
      const fast = duplicatePairs(all, t).map((p) => `${p.i}-${p.j}`);
      const exact = bruteForce(all, t);
      expect(exact.length).toBeGreaterThan(10);
      expect(exact.length).toBeLessThan(60);
      expect(fast).toEqual(exact);
    }
  });

  it('small sets: the exact pass alone', () => {
    const v = [
      l2Normalize(Float32Array.from([1, 0])),
      l2Normalize(Float32Array.from([1, 0.01])),
      Float32Array.from([0, 1]),
    ];
    expect(duplicatePairs(v, 0.99)).toEqual([{ i: 0, j: 1, score: expect.closeTo(1, 3) as number }]);
    expect(duplicatePairs([], 0.9)).toEqual([]);
  });
});
