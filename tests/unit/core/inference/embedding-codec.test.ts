import { describe, expect, it } from 'vitest';
import { fromStored, outputToGrid, toStored } from '../../../../src-main/core/inference/embedding-codec';

const mapping = { imageWidthPx: 64, imageHeightPx: 32, inputWidthPx: 64, inputHeightPx: 32, patchPx: 16 };

describe('outputToGrid', () => {
  it('reads NLC as row-major H×W×C and finds a FeatSharp upsample factor', () => {
    const g = outputToGrid(
      { dims: [1, 8, 3], data: new Float32Array(24).map((_, i) => i) },
      { name: 'f', layout: 'NLC' },
      mapping,
      'f',
    );
    expect([g.gridH, g.gridW, g.dims]).toEqual([2, 4, 3]);
    const up = outputToGrid(
      { dims: [1, 32, 2], data: new Float32Array(64) },
      { name: 'f', layout: 'NLC' },
      mapping,
      'f',
    );
    expect([up.gridH, up.gridW]).toEqual([4, 8]);
    expect(() =>
      outputToGrid(
        { dims: [1, 7, 3], data: new Float32Array(21) },
        { name: 'f', layout: 'NLC' },
        mapping,
        'model "m" features',
      ),
    ).toThrow('model "m" features: 7 tokens do not fit the 4×2 patch grid of the input');
  });

  it('transposes NCHW to H×W×C', () => {
    // C=2, H=1, W=2: channel planes [1,2] and [10,20] → pixels (1,10), (2,20)
    const g = outputToGrid(
      { dims: [1, 2, 1, 2], data: Float32Array.from([1, 2, 10, 20]) },
      { name: 's', layout: 'NCHW' },
      mapping,
      's',
    );
    expect([g.gridH, g.gridW, g.dims]).toEqual([1, 2, 2]);
    expect([...g.data]).toEqual([1, 10, 2, 20]);
  });
});

describe('stored embeddings', () => {
  it('round-trips through fp16 with grid dims [H, W, C]', () => {
    const e = {
      modelId: 'm',
      mapping,
      summary: Float32Array.from([0.5, -1]),
      features: { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), gridH: 2, gridW: 4, dims: 1 },
      textSummary: Float32Array.from([0.25]),
    };
    const stored = toStored(e);
    expect(stored.tensors.features!.dims).toEqual([2, 4, 1]);
    expect(Object.keys(stored.tensors).sort()).toEqual(['features', 'summary', 'text_summary']);
    const back = fromStored('m', stored);
    expect([...back.summary]).toEqual([0.5, -1]);
    expect([...back.features.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(back.textDense).toBeUndefined();
    expect([...back.textSummary!]).toEqual([0.25]);
  });
});
