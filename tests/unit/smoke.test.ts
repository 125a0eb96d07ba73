import { describe, expect, it } from 'vitest';
import { percentile } from '../../bench/bench-kit';

describe('bench kit', () => {
  it('takes the nearest-rank percentile', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
  });
});
