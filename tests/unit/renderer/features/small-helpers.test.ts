import { describe, expect, it } from 'vitest';
import { asLabelId } from '@contract';
import { plural } from '../../../../src-renderer/features/common/plural';
import { reordered } from '../../../../src-renderer/features/labels/label-order';
import { unknownWords } from '../../../../src-renderer/features/prompt-bar/vocabulary';

describe('plural', () => {
  it('says 1 proposal, 2 proposals, 0 images, 3 entries', () => {
    expect(plural(1, 'proposal')).toBe('1 proposal');
    expect(plural(2, 'proposal')).toBe('2 proposals');
    expect(plural(0, 'image')).toBe('0 images');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(2000, 'image')).toBe('2,000 images');
  });
});

describe('unknownWords', () => {
  it('names the words a closed vocabulary lacks, canonicalised like the tokenizer, once each', () => {
    const vocab = ['red', 'dark', 'blue', 'a', 'photo', 'of'];
    expect(unknownWords(['Red!', 'dark blue'], vocab)).toEqual([]);
    expect(unknownWords(['person', 'a person', 'red cat'], vocab)).toEqual(['person', 'cat']);
  });
});

describe('label reorder', () => {
  it('moves one label to a position among the others', () => {
    const ids = [1, 2, 3, 4].map(asLabelId);
    expect(reordered(ids, asLabelId(3), 0)).toEqual([3, 1, 2, 4]);
    expect(reordered(ids, asLabelId(1), 3)).toEqual([2, 3, 4, 1]);
    expect(reordered(ids, asLabelId(2), 99)).toEqual([1, 3, 4, 2]);
  });
});
