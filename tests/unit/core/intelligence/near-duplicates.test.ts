import { afterEach, describe, expect, it } from 'vitest';
import { asImageId, type ImageId } from '@contract';
import { groupPairs } from '../../../../src-main/core/intelligence/duplicate-groups';
import { nearDuplicatePairs, packRows } from '../../../../src-main/core/intelligence/near-duplicates';
import { setVectorWasm } from '../../../../src-main/core/intelligence/wasm/vector-kernels';
import { blended, jittered, seededUnit } from '../../../fixtures/inference/synthetic-embeddings';

function bruteForce(vectors: readonly Float32Array[], threshold: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < vectors.length; i++)
    for (let j = i + 1; j < vectors.length; j++) {
      let s = 0;
      for (let d = 0; d < vectors[i]!.length; d++) s += vectors[i]![d]! * vectors[j]![d]!;
      if (s >= threshold) out.add(`${i},${j}`);
    }
  return out;
}

/**
 * Correlated like real embeddings: every image shares a dataset direction and one of a few scene
 * directions; every 7th is a near copy of the previous one, at varying distances around the threshold.
 */
function dataset(n: number, dims: number): Float32Array[] {
  const common = seededUnit(dims, 1);
  const scenes = Array.from({ length: 12 }, (_, s) => seededUnit(dims, 100 + s));
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 7 === 1) {
      out.push(jittered(out[i - 1]!, 0.12 + (i % 5) * 0.04, 1000 + i));
      continue;
    }
    out.push(blended(blended(seededUnit(dims, 5000 + i), scenes[i % scenes.length]!, 0.45), common, 0.5));
  }
  return out;
}

describe('near-duplicate pairs', () => {
  afterEach(() => setVectorWasm(true));

  for (const wasm of [true, false]) {
    it(`finds exactly the pairs brute force finds, on correlated data near the threshold [${wasm ? 'Wasm' : 'TypeScript'}]`, () => {
      setVectorWasm(wasm);
      // 385 dims: the SIMD loops' tails.
      for (const [n, dims] of [
        [600, 256],
        [520, 385],
      ] as const) {
        const vectors = dataset(n, dims);
        for (const threshold of [0.97, 0.95, 0.9]) {
          const expected = bruteForce(vectors, threshold);
          const found = nearDuplicatePairs(packRows(vectors), threshold);
          const got = new Set(Array.from(found.a, (a, p) => `${a},${found.b[p]}`));
          expect(expected.size).toBeGreaterThan(20);
          expect([...got].sort()).toEqual([...expected].sort());
          for (let p = 0; p < found.length; p++) expect(found.score[p]).toBeGreaterThanOrEqual(threshold);
        }
      }
    });
  }

  it('uses the exact pass for small sets and short vectors', () => {
    const vectors = [seededUnit(8, 1), seededUnit(8, 1), seededUnit(8, 2)];
    const found = nearDuplicatePairs(packRows(vectors), 0.99);
    expect(Array.from(found.a)).toEqual([0]);
    expect(Array.from(found.b)).toEqual([1]);
  });
});

describe('duplicate groups', () => {
  const id = (n: number): ImageId => asImageId(n);
  /** Rows 0…9 are images 0…9 (rows are in id order). */
  const pairs = (list: [number, number, number][]) => ({
    a: Int32Array.from(list.map((p) => p[0])),
    b: Int32Array.from(list.map((p) => p[1])),
    score: Float32Array.from(list.map((p) => p[2])),
    imageIds: Int32Array.from({ length: 10 }, (_, i) => i),
  });

  it('are connected components, best score first, members by their best score', () => {
    const groups = groupPairs(
      pairs([
        [1, 2, 0.98],
        [2, 3, 0.975],
        [7, 9, 0.995],
      ]),
      new Map(),
    );
    expect(groups).toEqual([
      {
        key: 7,
        maxScore: 0.995,
        members: [
          { imageId: 7, score: 0.995 },
          { imageId: 9, score: 0.995 },
        ],
      },
      {
        key: 1,
        maxScore: 0.98,
        members: [
          { imageId: 1, score: 0.98 },
          { imageId: 2, score: 0.98 },
          { imageId: 3, score: 0.975 },
        ],
      },
    ]);
  });

  it('leave out pairs marked as not duplicates (images sharing a dismissal set)', () => {
    const list = pairs([
      [1, 2, 0.98],
      [2, 3, 0.99],
      [4, 5, 0.99],
    ]);
    const dismissed = new Map([
      [id(1), [1]],
      [id(2), [1, 2]],
      [id(3), [1, 2]],
    ]);
    const groups = groupPairs(list, dismissed);
    expect(groups.map((g) => g.members.map((m) => m.imageId))).toEqual([[4, 5]]);
  });
});
