import { describe, expect, it } from 'vitest';
import { countsToString, parseCounts, parseCountsScratch } from '@shared/mask';

describe('typed counts codec', () => {
  it('parses into a Uint32Array, pycocotools uint32 wrap included', () => {
    const c = parseCounts('61X13mN000`0');
    expect(c).toBeInstanceOf(Uint32Array);
    expect(Array.from(c)).toEqual([6, 1, 40, 4, 5, 4, 5, 4, 21]);
    // A delta that takes the value below 0 wraps modulo 2^32, as the C code's uint store does.
    expect(Array.from(parseCounts(countsToString([5, 3, 2]).slice(0, 2) + 'N'))).toEqual([5, 3, 4294967294]);
  });

  it('round-trips values that need 7 chars (deltas beyond ±2^29) in both directions', () => {
    const counts = [0, 4294967295, 1, 3, 2 ** 31, 2 ** 31 + 5, 7, 4294967290];
    expect(Array.from(parseCounts(countsToString(counts)))).toEqual(counts);
    expect(Array.from(parseCounts(countsToString(Uint32Array.from(counts))))).toEqual(counts);
  });

  it('reuses its scratch buffer for one-shot reads, and hands out fresh arrays otherwise', () => {
    const a = parseCounts('52203');
    const b = parseCounts('52203');
    expect(a).not.toBe(b);
    const s1 = parseCountsScratch('52203');
    expect(Array.from(s1)).toEqual([5, 2, 2, 2, 5]);
    expect(parseCountsScratch('5').buffer).toBe(s1.buffer);
  });

  it('builds strings longer than one String.fromCharCode chunk', () => {
    const counts = Array.from({ length: 30000 }, (_, i) => (i * 7919) % 100000);
    const s = countsToString(counts);
    expect(s.length).toBeGreaterThan(8192 * 2);
    expect(Array.from(parseCounts(s))).toEqual(counts);
  });
});
