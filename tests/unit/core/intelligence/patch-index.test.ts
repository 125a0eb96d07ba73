import { describe, expect, it } from 'vitest';
import { type DenseGrid } from '../../../../src-main/core/embedding-types';
import {
  DESCRIPTOR_BYTES,
  PatchIndex,
  projectVector,
  regionDescriptor,
} from '../../../../src-main/core/intelligence/patch-index';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
}

describe('patch index', () => {
  it('projection keeps cosines roughly (JL), deterministically', () => {
    const r = rng(3);
    const a = Float32Array.from({ length: 768 }, r);
    const b = Float32Array.from(a, (v) => v + r() * 0.8);
    const pa = projectVector(a);
    const pb = projectVector(b);
    const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
    const cos = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    expect(Math.abs(dot(pa, pb) - cos)).toBeLessThan(0.15);
    expect([...projectVector(a)]).toEqual([...pa]);
  });

  it('ranks the image holding the query object first', () => {
    const dims = 96;
    const r = rng(11);
    const concepts = Array.from({ length: 8 }, () => Float32Array.from({ length: dims }, r));
    const target = Float32Array.from({ length: dims }, r);
    const make = (withObject: boolean, c: number): DenseGrid => {
      const data = new Float32Array(16 * 16 * dims);
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) {
          const src =
            withObject && x >= 4 && x < 8 && y >= 8 && y < 12 ? target : concepts[(c + (x >> 3)) % 8]!;
          for (let d = 0; d < dims; d++) data[(y * 16 + x) * dims + d] = src[d]! + r() * 0.2;
        }
      }
      return { data, gridW: 16, gridH: 16, dims };
    };
    const index = new PatchIndex();
    for (let id = 1; id <= 30; id++) index.add(id, regionDescriptor(make(id === 17, id)));
    expect(index.size).toBe(30);
    const top = index.candidates(target, 3);
    expect(top[0]!.imageId).toBe(17);
    expect(index.candidates(target, 3, 17).map((c) => c.imageId)).not.toContain(17);
    expect(() => index.add(99, new Int8Array(3))).toThrow(
      `descriptor of image 99 has 3 values, expected ${DESCRIPTOR_BYTES}`,
    );
  });
});
