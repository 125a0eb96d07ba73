import { describe, expect, it } from 'vitest';
import { box } from '../fixtures';
import { editor } from './dsl';

describe('box tool', () => {
  it('draws a box with the active label and selects it; undo removes it', () => {
    const e = editor({ tool: 'box' });
    e.down(10, 10).move(30, 20);
    expect(e.overlays).toEqual([
      { kind: 'rect', rect: { x: 10, y: 10, widthPx: 20, heightPx: 10 }, dashed: false },
    ]);
    e.move(40, 50).up(40, 50);
    expect(e.annotations).toHaveLength(1);
    expect(e.annotations[0]).toMatchObject({
      id: 100,
      labelId: 1,
      geometry: box(10, 10, 30, 40),
      source: 'manual',
    });
    expect(e.selection).toEqual([100]);
    e.key('ctrl+z');
    expect(e.annotations).toHaveLength(0);
  });

  it('draws in any direction, clamps to the image and ignores a click', () => {
    const e = editor({ tool: 'box', imageWidthPx: 100, imageHeightPx: 100 });
    e.drag([50, 50], [-20, 130]);
    expect(e.annotations[0]?.geometry).toEqual(box(0, 50, 50, 50));
    e.click(70, 70);
    expect(e.annotations).toHaveLength(1);
  });

  it('Esc while drawing drops the box', () => {
    const e = editor({ tool: 'box' });
    e.down(10, 10).move(50, 50).key('Escape').up(50, 50);
    expect(e.annotations).toHaveLength(0);
  });
});

describe('polygon tool', () => {
  it('closes by clicking the first vertex', () => {
    const e = editor({ tool: 'polygon' });
    e.click(10, 10).click(50, 10).click(50, 40);
    expect(e.overlays[0]).toMatchObject({
      kind: 'polyline',
      points: [
        { x: 10, y: 10 },
        { x: 50, y: 10 },
        { x: 50, y: 40 },
      ],
    });
    e.click(12, 11);
    expect(e.annotations.map((a) => a.geometry)).toEqual([
      { kind: 'polygon', rings: [[10, 10, 50, 10, 50, 40]] },
    ]);
    expect(e.selection).toEqual([100]);
    expect(e.overlays).toEqual([]);
  });

  it('closes with Enter, removes the last vertex with Backspace, and Esc drops it', () => {
    const e = editor({ tool: 'polygon' });
    e.click(10, 10).click(50, 10).click(90, 90).key('Backspace').click(50, 40).key('Enter');
    expect(e.annotations[0]?.geometry).toEqual({ kind: 'polygon', rings: [[10, 10, 50, 10, 50, 40]] });
    e.click(100, 10).click(150, 10).key('Escape');
    expect(e.annotations).toHaveLength(1);
    // Enter with fewer than 3 points makes nothing
    e.click(100, 10).click(150, 10).key('Enter');
    expect(e.annotations).toHaveLength(1);
  });

  it('closes with a double-click without a duplicate vertex', () => {
    const e = editor({ tool: 'polygon' });
    e.click(10, 10).click(50, 10).dblclick(50, 40);
    expect(e.annotations[0]?.geometry).toEqual({ kind: 'polygon', rings: [[10, 10, 50, 10, 50, 40]] });
  });

  it('the close radius is in screen pixels: zoomed out it covers more image pixels', () => {
    const e = editor({ tool: 'polygon', scale: 4 });
    e.click(10, 10).click(100, 10).click(100, 80).click(30, 20);
    expect(e.annotations[0]?.geometry).toEqual({ kind: 'polygon', rings: [[10, 10, 100, 10, 100, 80]] });
  });

  it('edits the vertices of the selected polygon when idle', () => {
    const e = editor({ tool: 'polygon' });
    e.click(10, 10).click(50, 10).click(50, 40).key('Enter');
    e.drag([50, 40], [60, 60]);
    expect(e.annotations[0]?.geometry).toEqual({ kind: 'polygon', rings: [[10, 10, 50, 10, 60, 60]] });
    expect(e.annotations).toHaveLength(1);
    expect(e.undoDepth).toBe(2);
  });
});
