import { afterEach, describe, expect, it } from 'vitest';
import * as mask from '@shared/mask';
import {
  setMaskWasm,
  wasmDenseCounts,
  withoutMaskWasm,
  wasmEncodeMask,
  wasmMergeStrings,
  wasmRowRuns,
} from '@shared/mask/wasm/kernels';
import { seededRandom } from '../../../../src-main/core/random';

/**
 * Each Wasm kernel against its TypeScript twin, called directly (so a kernel that quietly declined
 * would fail here): every width up to 40 and some wide odd ones (the SIMD loops' tails), any byte
 * value, views at odd offsets, and the strings the decoder must hand back to TypeScript.
 */

function randomMask(r: () => number, w: number, h: number, kind: number): Uint8Array {
  const m = new Uint8Array(w * h);
  const p = r();
  for (let i = 0; i < m.length; i++) {
    if (kind === 0) m[i] = r() < p ? 1 : 0;
    else if (kind === 1) m[i] = r() < p ? Math.floor(r() * 256) : 0;
    else m[i] = ((i % w) * 7 + Math.floor(i / w) * 3) % 11 < 5 ? 1 : 0;
  }
  return m;
}

/** The mask as a view at an odd byte offset. */
function unaligned(m: Uint8Array): Uint8Array {
  const v = new Uint8Array(m.length + 3).subarray(3);
  v.set(m);
  return v;
}

function sizes(): [number, number][] {
  const out: [number, number][] = [];
  for (let w = 1; w <= 40; w++) out.push([w, 1 + (w % 7)], [w, 23]);
  out.push([127, 9], [130, 31], [255, 4], [641, 3]);
  return out;
}

afterEach(() => setMaskWasm(true));

describe('Wasm kernels = their TypeScript twins', () => {
  it('encode: the same counts and string at every width', () => {
    const r = seededRandom(31);
    for (const [w, h] of sizes()) {
      for (let kind = 0; kind < 3; kind++) {
        const m = kind === 1 ? unaligned(randomMask(r, w, h, kind)) : randomMask(r, w, h, kind);
        const viaWasm = wasmEncodeMask(m, w, h, true);
        expect(viaWasm).toBeDefined();
        const ts = withoutMaskWasm(() => mask.encodeMask(m, w, h));
        expect(viaWasm!.text).toBe(ts.counts);
        expect(Array.from(viaWasm!.counts)).toEqual(
          Array.from(withoutMaskWasm(() => mask.maskToCounts(m, w, h))),
        );
        expect(mask.encodeMask(m, w, h)).toEqual(ts);
      }
    }
  });

  it('row runs: the same runs at every width', () => {
    const r = seededRandom(32);
    for (const [w, h] of sizes()) {
      for (let kind = 0; kind < 3; kind++) {
        const m = randomMask(r, w, h, kind);
        const viaWasm = wasmRowRuns(m, w, h, (count, starts, ends, rowFirst) => ({
          count,
          starts: Array.from(starts),
          ends: Array.from(ends),
          rowFirst: Array.from(rowFirst),
        }));
        const ts = withoutMaskWasm(() => mask.extractRowRuns(m, w, h));
        expect(viaWasm).toEqual({
          count: ts.count,
          starts: Array.from(ts.starts),
          ends: Array.from(ts.ends),
          rowFirst: Array.from(ts.rowFirst),
        });
      }
    }
  });

  it('dense IoU: the same pixel counts at every length', () => {
    const r = seededRandom(33);
    for (const [w, h] of sizes()) {
      const a = randomMask(r, w, h, 1);
      const b = unaligned(randomMask(r, w, h, 0));
      expect(wasmDenseCounts(a, b)).toEqual(withoutMaskWasm(() => mask.denseIntersectUnion(a, b)));
    }
    // More than 255 SIMD steps: the byte-lane counters are flushed.
    const big = new Uint8Array(16 * 600 + 5).fill(7);
    expect(wasmDenseCounts(big, big)).toEqual({ inter: big.length, union: big.length });
  });

  it('merge: the same strings, and back to TypeScript for what the walk does not take', () => {
    const r = seededRandom(34);
    for (const [w, h] of sizes()) {
      const rles = [0, 1, 2].map((k) => mask.encodeMask(randomMask(r, w, h, k), w, h));
      for (const intersect of [false, true]) {
        const strings = rles.map((x) => x.counts);
        expect(wasmMergeStrings(strings, intersect)).toBe(
          withoutMaskWasm(() => mask.rleMerge(rles, intersect)).counts,
        );
        expect(wasmMergeStrings(strings.slice(0, 2), intersect)).toBe(
          withoutMaskWasm(() => mask.rleMerge(rles.slice(0, 2), intersect)).counts,
        );
      }
    }
    const s = (counts: number[]): string => mask.countsToString(counts);
    // Zero-length runs past the first, unequal totals, 2^31 pixels and more, values of 11+ chars,
    // bad chars and non-ASCII: Wasm declines, TypeScript answers (or throws) as before.
    expect(wasmMergeStrings([s([2, 0, 3]), s([5])], false)).toBeUndefined();
    expect(wasmMergeStrings([s([2, 3]), s([6])], false)).toBeUndefined();
    expect(wasmMergeStrings([s([2 ** 31, 1]), s([2 ** 31 + 1])], false)).toBeUndefined();
    expect(wasmMergeStrings(['PPPPPPPPPPP0', s([5])], false)).toBeUndefined();
    expect(wasmMergeStrings(['5~', s([5])], false)).toBeUndefined();
    expect(wasmMergeStrings(['5é', s([5])], false)).toBeUndefined();
    // Values of 7 chars (beyond int32 deltas) stay in Wasm, with the same result.
    const wide = [s([3, 2 ** 30 + 7, 5]), s([2 ** 30 + 15])];
    expect(wasmMergeStrings(wide, false)).toBe(
      withoutMaskWasm(() => mask.rleMerge(wide.map((counts) => ({ size: [2 ** 30 + 15, 1], counts }))))
        .counts,
    );
  });
});
