import { afterEach, describe, expect, it } from 'vitest';
import {
  allPairsTs,
  dotUnit,
  type HalfMatrix,
  meanRowTs,
  PairCollector,
  scanPairsTs,
  sketchRowsTs,
  unitRowsTs,
} from '../../../../src-main/core/intelligence/pair-scan';
import { toHalf } from '../../../../src-main/core/inference/half';
import { l2Normalize } from '../../../../src-main/core/segment/grid-ops';
import { nearDuplicatePairs, packRows } from '../../../../src-main/core/intelligence/near-duplicates';
import { setVectorWasm, WasmVectors } from '../../../../src-main/core/intelligence/wasm/vector-kernels';
import { seededRandom } from '../../../../src-main/core/random';
import { blended, jittered, seededUnit } from '../../../fixtures/inference/synthetic-embeddings';

/**
 * The Wasm vector kernels against their TypeScript twins, bit for bit (sketch bits, projected dims,
 * norms, pair scores); near-duplicates.test.ts runs the whole search in both builds against brute force.
 */

afterEach(() => setVectorWasm(true));

/** Correlated sets with near copies at distances around the threshold; odd dims exercise SIMD tails. */
function dataset(n: number, dims: number, seed: number): Float32Array[] {
  const common = seededUnit(dims, seed);
  const scenes = Array.from({ length: 9 }, (_, s) => seededUnit(dims, seed + 100 + s));
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 5 === 1) out.push(jittered(out[i - 1]!, 0.05 + (i % 7) * 0.03, seed + 1000 + i));
    else out.push(blended(blended(seededUnit(dims, seed + 5000 + i), scenes[i % 9]!, 0.45), common, 0.5));
  }
  return out;
}

/** Contiguous fp16 bits as the rows a HalfMatrix holds. */
function halfRows(bits: Uint16Array, count: number, dims: number): HalfMatrix {
  const rowBits = Array.from({ length: count }, (_, r) => bits.subarray(r * dims, (r + 1) * dims));
  return { kind: 'fp16', count, dims, rowBits };
}

const listOf = (p: { a: Int32Array; b: Int32Array; score: Float32Array; length: number }) =>
  Array.from({ length: p.length }, (_, k) => `${p.a[k]},${p.b[k]},${p.score[k]}`);

describe('vector kernels: Wasm = TypeScript', () => {
  it('mean, sketches and scan give the same bits', () => {
    for (const [n, dims] of [
      [40, 67],
      [90, 256],
      [33, 1],
    ] as const) {
      const m = packRows(dataset(n, dims, n));
      const wasm = WasmVectors.open(m);
      expect(wasm).toBeDefined();
      try {
        const mean = wasm!.meanRow();
        expect(Array.from(mean)).toEqual(Array.from(meanRowTs(m)));
        // A projection over every dim with signs and a made-up projected mean and scale.
        const r = seededRandom(dims);
        const start = Int32Array.from({ length: 129 }, (_, b) => Math.floor((b * dims) / 4));
        const total = start[128]!;
        const proj = {
          start,
          index: Int32Array.from({ length: total }, (_, k) => k % dims),
          sign: Float32Array.from({ length: total }, () => (r() < 0.5 ? -1 : 1)),
          projectedMean: Float32Array.from({ length: 128 }, () => r() - 0.5),
          scale: 0.37,
        };
        const viaWasm = wasm!.sketchRows(proj, mean);
        const ts = sketchRowsTs(m, mean, proj);
        expect(viaWasm).toBeDefined();
        expect(Array.from(viaWasm.norms)).toEqual(Array.from(ts.norms));
        expect(Array.from(viaWasm.sketch)).toEqual(Array.from(ts.sketch));
        expect(Array.from(viaWasm.projected)).toEqual(Array.from(ts.projected));
        // Loose cutoffs so that many pairs reach the exact cosine.
        const input = {
          ...m,
          ...ts,
          binOf: Uint8Array.from({ length: n }, (_, i) => i % 8),
          cutoff: Int32Array.from({ length: 64 }, (_, c) => 50 + (c % 5) * 10),
          halfCutoff: Int32Array.from({ length: 64 }, (_, c) => 25 + (c % 3) * 10),
          maxProjected2: 40,
          threshold: 0.3,
        };
        const a = new PairCollector();
        const b = new PairCollector();
        wasm!.scanPairs(input, a);
        scanPairsTs(input, b);
        expect(b.finish().length).toBeGreaterThan(10);
        expect(listOf(a.finish())).toEqual(listOf(b.finish()));
      } finally {
        wasm!.close();
      }
    }
  });

  it('fp16 rows: decoded and normalised like decodeHalfInto + l2Normalize, special values too', () => {
    const dims = 37;
    const r = seededRandom(5);
    const count = 301; // more than one block of rows, and an odd last one
    const bits = Uint16Array.from({ length: count * dims }, () => Math.floor(r() * 65536));
    // Rows of small and special values: subnormals, ±0, infinities, NaN, an all-zero row.
    bits.set(
      Uint16Array.from({ length: dims }, (_, d) => d % 0x400),
      0,
    );
    bits.set(
      Uint16Array.from({ length: dims }, (_, d) => [0x8000, 0x7c00, 0xfc00, 0x7e01, 3][d % 5]!),
      dims,
    );
    bits.fill(0, 2 * dims, 3 * dims);
    bits.set(toHalf(seededUnit(dims, 9)), 3 * dims);
    const rows = halfRows(bits, count, dims);
    const ts = unitRowsTs(rows);
    const wasm = WasmVectors.open(rows);
    expect(wasm).toBeDefined();
    try {
      const viaWasm = wasm!.unitRows();
      const differ = [...ts.data.keys()].filter((k) => !Object.is(viaWasm[k], ts.data[k]));
      expect(differ).toEqual([]);
    } finally {
      wasm!.close();
    }
    // Row 3 is l2Normalize of the decoded vector, bit for bit.
    const decoded = ts.data.subarray(3 * dims, 4 * dims);
    const again = unitRowsTs(halfRows(bits.subarray(3 * dims, 4 * dims), 1, dims));
    expect(Array.from(decoded)).toEqual(Array.from(l2Normalize(again.data)));
    expect(Array.from(ts.data.subarray(2 * dims, 3 * dims))).toEqual(new Array<number>(dims).fill(0));
  });

  it('fp16 rows find the pairs of their decoded f32 rows, in both builds', () => {
    const vectors = dataset(600, 96, 4);
    const rows = { kind: 'fp16' as const, count: 600, dims: 96, rowBits: vectors.map((v) => toHalf(v)) };
    const expected = listOf(nearDuplicatePairs(unitRowsTs(rows), 0.95));
    expect(expected.length).toBeGreaterThan(30);
    expect(listOf(nearDuplicatePairs(rows, 0.95))).toEqual(expected);
    setVectorWasm(false);
    expect(listOf(nearDuplicatePairs(rows, 0.95))).toEqual(expected);
  });

  it('hands pairs back across calls when they outgrow one call', () => {
    // 700 identical vectors: 244,650 pairs, several scan calls of 65,536.
    const v = seededUnit(64, 3);
    const vectors = Array.from({ length: 700 }, () => v);
    const found = nearDuplicatePairs(packRows(vectors), 0.97);
    expect(found.length).toBe((700 * 699) / 2);
    expect(found.a[found.length - 1]).toBe(698);
    expect(found.b[found.length - 1]).toBe(699);
    setVectorWasm(false);
    expect(listOf(nearDuplicatePairs(packRows(vectors), 0.97))).toEqual(listOf(found));
  });

  it('dotUnit is the f64 dot product (up to the order of additions)', () => {
    const a = seededUnit(13, 1);
    const b = seededUnit(13, 2);
    const m = packRows([a, b]);
    let s = 0;
    for (let d = 0; d < 13; d++) s += a[d]! * b[d]!;
    expect(dotUnit(m.data, 0, 13, 13)).toBeCloseTo(s, 14);
    expect(listOf(allPairsTs(m.data, 2, 13, -1))).toEqual([`0,1,${Math.fround(dotUnit(m.data, 0, 13, 13))}`]);
  });
});
