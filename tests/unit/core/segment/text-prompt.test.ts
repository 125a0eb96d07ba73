import { describe, expect, it } from 'vitest';
import { maskIou, unionMasks } from '../../../../src-main/core/segment/mask-ops';
import { instanceToJson } from '../../../../src-main/core/segment/instances';
import { decodeRle } from '../../../../src-main/core/segment/rle';
import { polygonsToMask } from '../../../../src-main/core/segment/contours';
import { segmentText, textHeatmaps, textProbabilities } from '../../../../src-main/core/segment/text-prompt';
import {
  backgroundEmbedding,
  classEmbedding,
  classMask,
  makeScene,
} from '../../../fixtures/segment/synthetic-scene';

function unionOf(masks: Uint8Array[], n: number): Uint8Array {
  return masks.reduce((a, b) => unionMasks(a, b), new Uint8Array(n));
}

describe('text prompt → instances (synthetic colour features)', () => {
  const scene = makeScene();
  const n = scene.image.widthPx * scene.image.heightPx;
  const input = {
    textDense: scene.grid,
    mapping: scene.mapping,
    image: scene.image,
    background: backgroundEmbedding(),
  };

  it('"red" finds both red shapes with IoU ≥ 0.9 and nothing on the other colours', () => {
    const res = segmentText({ ...input, prompts: [{ label: 'red', embedding: classEmbedding('red') }] });
    expect(res.refined).toBe(true);
    expect(res.instances.map((i) => i.label)).toEqual(['red', 'red']);
    const red = classMask(scene, 'red');
    const got = unionOf(
      res.instances.map((i) => i.mask),
      n,
    );
    expect(maskIou(got, red)).toBeGreaterThanOrEqual(0.9);
    for (const other of ['blue', 'green'] as const) {
      const o = classMask(scene, other);
      let overlap = 0;
      got.forEach((v, i) => (overlap += v & o[i]!));
      expect(overlap).toBe(0);
    }
    // The ring keeps its hole.
    const ring = res.instances.find((i) => i.bbox[0] < 100)!;
    expect(ring.mask[85 * scene.image.widthPx + 85]).toBe(0);
    expect(res.instances.every((i) => i.score > 0.8 && i.score <= 1)).toBe(true);
  });

  it('edge refinement beats plain bilinear upsampling', () => {
    const red = classMask(scene, 'red');
    const prompts = [{ label: 'red', embedding: classEmbedding('red') }];
    const iou = (refine: boolean) =>
      maskIou(
        unionOf(
          segmentText({ ...input, prompts }, { refine }).instances.map((i) => i.mask),
          n,
        ),
        red,
      );
    const plain = iou(false);
    const refined = iou(true);
    expect(refined).toBeGreaterThan(plain);
    expect(refined).toBeGreaterThan(0.95);
  });

  it('several prompts compete: each colour gets its own instances', () => {
    const res = segmentText({
      ...input,
      prompts: [
        { label: 'red', embedding: classEmbedding('red') },
        { label: 'blue', embedding: classEmbedding('blue') },
        { label: 'green', embedding: classEmbedding('green') },
      ],
    });
    expect(res.heatmaps.map((h) => [h.label, h.gridW, h.gridH, h.data.length])).toEqual([
      ['red', 20, 16, 320],
      ['blue', 20, 16, 320],
      ['green', 20, 16, 320],
    ]);
    for (const cls of ['red', 'blue', 'green'] as const) {
      const got = unionOf(
        res.instances.filter((i) => i.label === cls).map((i) => i.mask),
        n,
      );
      expect(maskIou(got, classMask(scene, cls)), cls).toBeGreaterThanOrEqual(0.9);
    }
    expect(res.instances).toHaveLength(4);
  });

  it('gives no instance for a colour that is not in the image', () => {
    const absent = new Float32Array(5);
    absent[4] = 1; // only the nuisance dimension
    absent[0] = 0.05;
    const res = segmentText({ ...input, prompts: [{ label: 'purple', embedding: absent }] });
    expect(res.instances).toEqual([]);
  });

  it('works on a non-square stretched input (320×256 image, 256×256 input)', () => {
    const s2 = makeScene(320, 256, 256, 256);
    const res = segmentText({
      textDense: s2.grid,
      mapping: s2.mapping,
      image: s2.image,
      background: backgroundEmbedding(),
      prompts: [{ label: 'blue', embedding: classEmbedding('blue') }],
    });
    expect(res.instances).toHaveLength(1);
    expect(maskIou(res.instances[0]!.mask, classMask(s2, 'blue'))).toBeGreaterThanOrEqual(0.9);
  });

  it('honours a user threshold and min area, and rejects a bad threshold', () => {
    const prompts = [{ label: 'red', embedding: classEmbedding('red') }];
    expect(segmentText({ ...input, prompts }, { minAreaPx: 50_000 }).instances).toEqual([]);
    expect(segmentText({ ...input, prompts }, { thresholdProb: 0.999999 }).thresholds).toEqual([0.999999]);
    expect(() => segmentText({ ...input, prompts }, { thresholdProb: 1.5 })).toThrow(
      /threshold must be between 0 and 1/,
    );
  });

  it('gives the live-overlay heat maps alone, equal to those of the full run', () => {
    const prompts = [{ label: 'red', embedding: classEmbedding('red') }];
    const [hm] = textHeatmaps(scene.grid, prompts, backgroundEmbedding());
    expect(hm).toEqual(segmentText({ ...input, prompts }).heatmaps[0]);
    // A pure red cell (the rectangle's interior) is hot, a background cell cold.
    expect(hm!.data[11 * 20 + 14]).toBeGreaterThan(250);
    expect(hm!.data[0]).toBeLessThan(5);
  });

  it('softmax across prompts sums with the background to 1', () => {
    const [r, b] = textProbabilities(
      scene.grid,
      [classEmbedding('red'), classEmbedding('blue')],
      classEmbedding('background'),
    );
    for (let i = 0; i < r!.length; i++) expect(r![i]! + b![i]!).toBeLessThanOrEqual(1 + 1e-6);
    expect(() => textProbabilities(scene.grid, [new Float32Array(3)], undefined)).toThrow(
      /query 0 has 3 dims, the grid has 5/,
    );
  });

  it('serialises instances to RLE and polygons that decode to the same mask', () => {
    const res = segmentText({ ...input, prompts: [{ label: 'red', embedding: classEmbedding('red') }] });
    const inst = res.instances[0]!;
    const json = instanceToJson(inst, 320, 256, { tolerancePx: 0 });
    expect(json.rle.size).toEqual([256, 320]);
    expect(decodeRle(json.rle)).toEqual(inst.mask);
    expect(polygonsToMask(json.polygons, 320, 256)).toEqual(inst.mask);
    expect(json.area).toBe(inst.areaPx);
  });
});
