import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatEta,
  formatParameters,
  providesLabels,
  resolutionChoices,
} from '../../../../../src-renderer/features/models/format';

describe('model manager formatting', () => {
  it('sizes, times and parameter counts', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(1536)).toBe('2 KB');
    expect(formatBytes(5.5 * 2 ** 20)).toBe('5.5 MB');
    expect(formatBytes(2.61 * 2 ** 30)).toBe('2.6 GB');
    expect(formatEta(42)).toBe('42 s left');
    expect(formatEta(125)).toBe('2 min 05 s left');
    expect(formatEta(3 * 3600 + 60)).toBe('3 h 01 min left');
    expect(formatEta(null)).toBe('');
    expect(formatParameters(651_611_392)).toBe('652 M params');
    expect(formatParameters(1_159_600_000)).toBe('1.16 B params');
  });

  it('names what a model gives; similarity always', () => {
    expect(providesLabels({ textPrompts: true, clickDecoder: false, similarity: true })).toEqual([
      'Text prompts',
      'Similarity',
    ]);
  });

  it('offers input sides that are multiples of the patch, up to the maximum, with the preferred one', () => {
    expect(resolutionChoices({ patchSize: 16, preferredResolutionPx: 512, maxResolutionPx: 1024 })).toEqual([
      224, 256, 384, 432, 448, 512, 640, 768, 896, 1024,
    ]);
    expect(resolutionChoices({ patchSize: 14, preferredResolutionPx: 896, maxResolutionPx: 1792 })).toEqual([
      224, 448, 896, 1792,
    ]);
  });
});
