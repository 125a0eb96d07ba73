import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { joinSegments } from '../../../../src-main/core/formats/join-segments';

/**
 * Outputs of Ultralytics' merge_multi_segment (ultralytics/data/converter.py, the function its COCO
 * converter uses for one instance in several parts), recorded by running it on these inputs; none of its
 * (AGPL) code is in this repository. Parts of 3 to 8 points, 2 to 5 parts, including middle parts whose
 * joining vertices come in reverse order.
 */
const VECTORS = JSON.parse(
  readFileSync(new URL('../../../fixtures/formats/join-segments-ultralytics.json', import.meta.url), 'utf8'),
) as { parts: number[][]; joined: number[] }[];

describe('joinSegments (Ultralytics merge_multi_segment)', () => {
  it(`gives Ultralytics' ring on ${VECTORS.length} recorded cases`, () => {
    for (const { parts, joined } of VECTORS) expect(joinSegments(parts)).toEqual(joined);
  });

  it('returns a single part as it is', () => {
    expect(joinSegments([[1, 2, 3, 4, 5, 6]])).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
