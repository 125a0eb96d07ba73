import { describe, expect, it } from 'vitest';
import { segmentByClicks } from '../../../../src-main/core/segment/click-similarity';
import { maskIou } from '../../../../src-main/core/segment/mask-ops';
import { connectedComponents } from '../../../../src-main/core/segment/components';
import { classMask, makeScene } from '../../../fixtures/segment/synthetic-scene';

describe('click/box → mask, similarity path (synthetic colour features)', () => {
  const scene = makeScene();
  const base = { features: scene.grid, mapping: scene.mapping, image: scene.image };
  const w = scene.image.widthPx;
  const h = scene.image.heightPx;
  const red = classMask(scene, 'red');
  // The red ring alone: the red component containing (85, 40).
  const cc = connectedComponents(red, w, h);
  const ring = red.map((_, i) => (cc.labels[i] === cc.labels[40 * w + 85] ? 1 : 0));

  it('a click inside a shape selects that shape only (IoU ≥ 0.9), hole kept', () => {
    const res = segmentByClicks({ ...base, clicks: [{ xPx: 85, yPx: 40, positive: true }] });
    expect(maskIou(res.mask, ring)).toBeGreaterThanOrEqual(0.9);
    expect(res.mask[85 * w + 85]).toBe(0);
    expect(res.mask[190 * w + 240]).toBe(0); // the other red shape is a different component
    expect(res.score).toBeGreaterThan(0.6);
    expect(res.refined).toBe(true);
  });

  it('a second positive click adds the other shape', () => {
    const res = segmentByClicks({
      ...base,
      clicks: [
        { xPx: 85, yPx: 40, positive: true },
        { xPx: 240, yPx: 190, positive: true },
      ],
    });
    expect(maskIou(res.mask, red)).toBeGreaterThanOrEqual(0.9);
  });

  it('a negative click removes the region it hits', () => {
    // A click on the boundary cell between the green ellipse and background selects the mixture;
    // positive on green, negative on background removes the background part.
    const pos = { xPx: 70, yPx: 195, positive: true };
    const green = classMask(scene, 'green');
    const before = segmentByClicks({ ...base, clicks: [pos] }, { thresholdProb: 0.05 });
    const bgHitBefore = before.mask[10 * w + 10];
    const after = segmentByClicks(
      { ...base, clicks: [pos, { xPx: 10, yPx: 10, positive: false }] },
      { thresholdProb: 0.05 },
    );
    expect(bgHitBefore).toBe(1); // the low threshold leaked into the background
    expect(after.mask[10 * w + 10]).toBe(0);
    expect(maskIou(after.mask, green)).toBeGreaterThan(maskIou(before.mask, green));
    expect(maskIou(after.mask, green)).toBeGreaterThanOrEqual(0.9);
  });

  it('a negative click on a connected look-alike region removes it and keeps the clicked shape', () => {
    const bridged = makeScene(320, 256, 320, 256, 1, true);
    const input = { features: bridged.grid, mapping: bridged.mapping, image: bridged.image };
    const pos = { xPx: 85, yPx: 40, positive: true };
    const before = segmentByClicks({ ...input, clicks: [pos] });
    expect(before.mask[190 * w + 240]).toBe(1); // ring, bar and rectangle are one red component
    const after = segmentByClicks({ ...input, clicks: [pos, { xPx: 260, yPx: 210, positive: false }] });
    let rectLeft = 0;
    for (let y = 150; y < 230; y++) for (let x = 190; x < 290; x++) rectLeft += after.mask[y * w + x]!;
    expect(rectLeft).toBe(0);
    expect(maskIou(after.mask, ring)).toBeGreaterThanOrEqual(0.85); // the ring plus the part of the bar nearer to it
    let ringKept = 0;
    ring.forEach((v, i) => (ringKept += v & after.mask[i]!));
    expect(ringKept / ring.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.97);
  });

  it('a box alone selects the object inside it', () => {
    const blue = classMask(scene, 'blue');
    const res = segmentByClicks({ ...base, clicks: [], box: { x: 190, y: 20, widthPx: 120, heightPx: 110 } });
    expect(maskIou(res.mask, blue)).toBeGreaterThanOrEqual(0.9);
  });

  it('a box constrains a click to its region', () => {
    const res = segmentByClicks({
      ...base,
      clicks: [{ xPx: 85, yPx: 40, positive: true }],
      box: { x: 0, y: 0, widthPx: 85, heightPx: 256 },
    });
    let outside = 0;
    res.mask.forEach((v, i) => (outside += v && i % w >= 85 ? 1 : 0));
    expect(outside).toBe(0);
    expect(res.areaPx).toBeGreaterThan(0);
  });

  it('rejects clicks outside the image and prompts without a positive click', () => {
    expect(() => segmentByClicks({ ...base, clicks: [{ xPx: 320, yPx: 5, positive: true }] })).toThrow(
      /click 1 at \(320, 5\) is outside the 320×256 image/,
    );
    expect(() => segmentByClicks({ ...base, clicks: [{ xPx: 3, yPx: 5, positive: false }] })).toThrow(
      /positive click/,
    );
    expect(() =>
      segmentByClicks({ ...base, clicks: [], box: { x: 400, y: 0, widthPx: 5, heightPx: 5 } }),
    ).toThrow(/outside the 320×256 image/);
  });
});
