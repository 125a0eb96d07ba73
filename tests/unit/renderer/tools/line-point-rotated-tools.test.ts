import { describe, expect, it } from 'vitest';
import { type Geometry } from '@contract';
import { rotatedBoxCorners } from '@shared/geometry';
import { ann } from '../fixtures';
import { editor } from './dsl';

const rotated = (cx: number, cy: number, w: number, h: number, deg: number): Geometry => ({
  kind: 'rotated_box',
  cx,
  cy,
  widthPx: w,
  heightPx: h,
  rotationDeg: deg,
});

describe('polyline tool', () => {
  it('draws an open line of clicked points, ended by Enter; Enter with one point drops it', () => {
    const e = editor({ tool: 'polyline' });
    e.click(10, 10).click(50, 10).click(50, 40);
    expect(e.overlays[0]).toMatchObject({ kind: 'polyline', closable: false });
    // Clicking the first point again does not close it: a polyline is open.
    e.click(10, 10).key('Enter');
    expect(e.annotations.map((a) => a.geometry)).toEqual([
      { kind: 'polyline', points: [10, 10, 50, 10, 50, 40, 10, 10] },
    ]);
    expect(e.selection).toEqual([100]);
    e.click(70, 70).key('Enter');
    expect(e.annotations).toHaveLength(1);
  });

  it('drags and alt-deletes vertices of the selected polyline; the last two points go together', () => {
    const e = editor({
      tool: 'polyline',
      annotations: [ann(1, { kind: 'polyline', points: [10, 10, 50, 10, 90, 30] })],
    });
    e.store.setSelection([1 as never]);
    e.drag([50, 10], [50, 60]);
    expect(e.annotations[0]!.geometry).toEqual({ kind: 'polyline', points: [10, 10, 50, 60, 90, 30] });
    e.click(90, 30, { alt: true });
    expect(e.annotations[0]!.geometry).toEqual({ kind: 'polyline', points: [10, 10, 50, 60] });
    e.click(10, 10, { alt: true });
    expect(e.annotations).toHaveLength(0);
  });
});

describe('point tool', () => {
  it('adds a point per click inside the image and ignores clicks outside', () => {
    const e = editor({ tool: 'point', imageWidthPx: 100, imageHeightPx: 50 });
    e.click(10.5, 20.25).click(99, 49).click(120, 10);
    expect(e.annotations.map((a) => a.geometry)).toEqual([
      { kind: 'point', x: 10.5, y: 20.25 },
      { kind: 'point', x: 99, y: 49 },
    ]);
    expect(e.selection).toEqual([101]);
  });
});

describe('rotated box tool', () => {
  it('drags a box as a rotated box at 0°, then turns it by the handle above its top edge', () => {
    const e = editor({ tool: 'rotated-box' });
    e.drag([40, 40], [80, 60]);
    expect(e.annotations[0]!.geometry).toEqual(rotated(60, 50, 40, 20, 0));
    // The rotation handle sits 16 px above the top edge's middle: (60, 24). Drag it to the right of the centre.
    e.drag([60, 24], [100, 50]);
    const g = e.annotations[0]!.geometry;
    expect(g.kind === 'rotated_box' && g.rotationDeg).toBeCloseTo(90, 9);
    e.key('ctrl+z');
    expect(e.annotations[0]!.geometry).toEqual(rotated(60, 50, 40, 20, 0));
  });

  it('resizes by a corner along the box axes, the opposite corner fixed', () => {
    const start = rotated(60, 50, 40, 20, 90);
    const e = editor({ tool: 'rotated-box', annotations: [ann(1, start)] });
    e.store.setSelection([1 as never]);
    const c = rotatedBoxCorners({ cx: 60, cy: 50, widthPx: 40, heightPx: 20, rotationDeg: 90 });
    // Corner 2 (bottom-right before turning) moves 10 px further along the width axis (down, at 90°).
    e.drag([c[4]!, c[5]!], [c[4]!, c[5]! + 10]);
    const g = e.annotations[0]!.geometry;
    if (g.kind !== 'rotated_box') throw new Error(g.kind);
    expect([g.widthPx, g.heightPx, g.rotationDeg].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([
      50, 20, 90,
    ]);
    const moved = rotatedBoxCorners(g);
    // Corner 0 (the opposite one) did not move.
    expect([moved[0], moved[1]].map((v) => Math.round(v! * 1e9) / 1e9)).toEqual(
      [c[0], c[1]].map((v) => Math.round(v! * 1e9) / 1e9),
    );
  });

  it('selects a rotated box by its area and a polyline near its line, not by their bounds', () => {
    const e = editor({
      tool: 'select',
      annotations: [
        ann(1, rotated(50, 50, 60, 4, 45)),
        ann(2, { kind: 'polyline', points: [120, 10, 180, 10] }),
      ],
    });
    e.click(50 + 20, 50 + 20);
    expect(e.selection).toEqual([1]);
    // Inside the rotated box's axis-aligned bounds, but far from the thin box itself.
    e.click(30, 70);
    expect(e.selection).toEqual([]);
    e.click(150, 12);
    expect(e.selection).toEqual([2]);
  });
});
