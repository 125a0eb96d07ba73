import { describe, expect, it } from 'vitest';
import { type Geometry } from '@contract';
import { maskBitmapOf } from '../../../../src-renderer/model/geometry-ops';
import { bitmapArea, bitmapGet, type MaskBitmap } from '../../../../src-renderer/model/mask-bitmap';
import { ann, discMask } from '../fixtures';
import { editor } from './dsl';

function bitmap(g: Geometry | undefined): MaskBitmap {
  if (g?.kind !== 'mask') throw new Error(`expected a mask, got ${g?.kind}`);
  return maskBitmapOf(g.rle);
}

describe('brush and eraser', () => {
  it('a stroke creates one new mask in one undo step', () => {
    const e = editor({ tool: 'brush', imageWidthPx: 200, imageHeightPx: 100 });
    e.drag([20, 50], [120, 50], { steps: 10 });
    expect(e.annotations).toHaveLength(1);
    const a = e.annotations[0]!;
    expect(a.geometry.kind === 'mask' && a.geometry.rle.size).toEqual([100, 200]);
    const bm = bitmap(a.geometry);
    for (let x = 20; x <= 120; x += 5) expect(bitmapGet(bm, x, 50)).toBe(true);
    expect(bitmapGet(bm, 70, 70)).toBe(false);
    expect(e.selection).toEqual([a.id]);
    expect(e.undoDepth).toBe(1);
    e.key('ctrl+z');
    expect(e.annotations).toHaveLength(0);
  });

  it('[ and ] change the size; the cursor overlay shows it', () => {
    const e = editor({ tool: 'brush' });
    e.move(10, 10);
    expect(e.overlays).toEqual([
      { kind: 'brush-cursor', center: { x: 10, y: 10 }, radiusPx: 12, erase: false },
    ]);
    e.keys(']', ']');
    expect(e.overlays[0]).toMatchObject({ radiusPx: 18.75 });
    for (let i = 0; i < 40; i++) e.key('[');
    expect(e.overlays[0]).toMatchObject({ radiusPx: 1 });
  });

  it('paints into the selected mask instead of making a new one', () => {
    const e = editor({
      tool: 'brush',
      annotations: [ann(1, discMask(20, 20, 5))],
      imageWidthPx: 64,
      imageHeightPx: 48,
    });
    const before = bitmapArea(bitmap(e.geometry(1)));
    e.select(1).drag([40, 20], [50, 20]);
    expect(e.annotations).toHaveLength(1);
    expect(bitmapArea(bitmap(e.geometry(1)))).toBeGreaterThan(before);
    expect(bitmapGet(bitmap(e.geometry(1)), 45, 20)).toBe(true);
  });

  it('the eraser removes pixels from the mask under it, and deletes a fully erased mask', () => {
    const e = editor({
      tool: 'eraser',
      annotations: [ann(1, discMask(20, 20, 6))],
      imageWidthPx: 64,
      imageHeightPx: 48,
    });
    e.keys('[', '[', '[', '[');
    e.drag([14, 20], [16, 20]);
    expect(bitmapGet(bitmap(e.geometry(1)), 15, 20)).toBe(false);
    expect(bitmapGet(bitmap(e.geometry(1)), 25, 20)).toBe(true);
    expect(e.undoDepth).toBe(1);
    for (let i = 0; i < 5; i++) e.key(']');
    e.click(24, 20);
    expect(e.annotations).toHaveLength(0);
    e.key('ctrl+z');
    expect(e.annotations).toHaveLength(1);
    expect(bitmapGet(bitmap(e.geometry(1)), 25, 20)).toBe(true);
  });

  it('Esc during a stroke restores the mask; erasing over nothing does nothing', () => {
    const e = editor({
      tool: 'brush',
      annotations: [ann(1, discMask(20, 20, 5))],
      imageWidthPx: 64,
      imageHeightPx: 48,
    });
    const original = e.geometry(1);
    e.select(1).down(40, 20).move(50, 30).key('Escape').up(50, 30);
    expect(e.geometry(1)).toEqual(original);
    expect(e.undoDepth).toBe(0);
    e.tool('eraser').click(60, 40);
    expect(e.undoDepth).toBe(0);
  });

  it('never paints into a locked mask', () => {
    const e = editor({
      tool: 'brush',
      annotations: [ann(1, discMask(20, 20, 5), { locked: true })],
      imageWidthPx: 64,
      imageHeightPx: 48,
    });
    const original = e.geometry(1);
    e.select(1).drag([22, 20], [30, 20]);
    expect(e.geometry(1)).toEqual(original);
    expect(e.annotations).toHaveLength(2);
  });
});
