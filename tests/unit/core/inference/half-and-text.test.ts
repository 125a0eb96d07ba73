import { describe, expect, it } from 'vitest';
import {
  decodeHalfInto,
  floatToHalfBits,
  fromHalf,
  halfBitsToFloat,
  toHalf,
} from '../../../../src-main/core/inference/half';
import { scoreTags } from '../../../../src-main/core/inference/tags';
import { canonicalize } from '../../../../src-main/core/inference/tokenizer';

describe('fp16', () => {
  it('converts exact values and rounds to nearest even', () => {
    expect(floatToHalfBits(1)).toBe(0x3c00);
    expect(floatToHalfBits(-2)).toBe(0xc000);
    expect(floatToHalfBits(65504)).toBe(0x7bff);
    expect(floatToHalfBits(1e6)).toBe(0x7c00);
    expect(floatToHalfBits(2 ** -24)).toBe(1);
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(halfBitsToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(Number.isNaN(halfBitsToFloat(0x7e00))).toBe(true);
  });

  it('round-trips arrays within half precision', () => {
    const xs = Float32Array.from([0, -0.5, 3.14159, 1e-5, -123.456, 0.999]);
    const back = fromHalf(toHalf(xs));
    xs.forEach((x, i) => expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 6e-8));
  });

  it('decodes every one of the 65,536 bit patterns like halfBitsToFloat, at an offset', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const out = new Float32Array(65536 + 3).fill(7);
    decodeHalfInto(all, out, 3);
    expect(out.subarray(0, 3)).toEqual(Float32Array.from([7, 7, 7]));
    const wrong = [...all].filter((h) => !Object.is(out[3 + h], Math.fround(halfBitsToFloat(h))));
    expect(wrong).toEqual([]);
  });
});

describe('canonicalize', () => {
  const all = { lowercase: true, strip_punctuation: true, underscore_to_space: true };
  it('does what RADIO canonicalize_text does', () => {
    expect(canonicalize('  A Photo of a Traffic_Light!!  ', all)).toBe('a photo of a traffic light');
    expect(canonicalize("dog's (big) ball.", all)).toBe('dogs big ball');
    expect(
      canonicalize('Mixed_Case', { lowercase: false, strip_punctuation: false, underscore_to_space: false }),
    ).toBe('Mixed_Case');
  });
});

describe('scoreTags', () => {
  it('ranks by cosine and gives softmax(100·cos) probabilities', () => {
    const img = Float32Array.from([3, 4]);
    const tags = scoreTags(img, ['x', 'y'], [Float32Array.from([1, 0]), Float32Array.from([0, 1])]);
    expect(tags.map((t) => t.label)).toEqual(['y', 'x']);
    expect(tags[0]!.score).toBeCloseTo(0.8, 6);
    expect(tags[0]!.probability).toBeCloseTo(1 / (1 + Math.exp(-20)), 6);
  });
});
