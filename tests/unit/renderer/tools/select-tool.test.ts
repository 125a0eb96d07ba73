import { describe, expect, it } from 'vitest';
import { ann, box, square } from '../fixtures';
import { editor } from './dsl';

describe('select tool', () => {
  const shapes = () => [
    ann(1, box(10, 10, 20, 20)),
    ann(2, square(50, 10, 20)),
    ann(3, box(100, 50, 10, 10), { locked: true }),
  ];

  it('selects by click, toggles with shift, clears on empty click', () => {
    const e = editor({ annotations: shapes() });
    e.click(15, 15);
    expect(e.selection).toEqual([1]);
    e.click(60, 20, { shift: true });
    expect(e.selection).toEqual([1, 2]);
    e.click(60, 20, { shift: true });
    expect(e.selection).toEqual([1]);
    e.click(150, 90);
    expect(e.selection).toEqual([]);
  });

  it('moves the selection by dragging as one undo step; Esc cancels a move', () => {
    const e = editor({ annotations: shapes() });
    e.drag([15, 15], [25, 35], { steps: 10 });
    expect(e.geometry(1)).toEqual(box(20, 30, 20, 20));
    expect(e.undoDepth).toBe(1);
    e.key('ctrl+z');
    expect(e.geometry(1)).toEqual(box(10, 10, 20, 20));
    e.key('ctrl+shift+z');
    expect(e.geometry(1)).toEqual(box(20, 30, 20, 20));

    e.down(25, 35).move(40, 40).move(60, 60);
    expect(e.geometry(1)).toEqual(box(55, 55, 20, 20));
    e.key('Escape').up(60, 60);
    expect(e.geometry(1)).toEqual(box(20, 30, 20, 20));
    expect(e.undoDepth).toBe(1);
  });

  it('moves all selected shapes together, but never locked ones', () => {
    const e = editor({ annotations: shapes() });
    e.select(1, 2, 3).drag([15, 15], [20, 15]);
    expect(e.geometry(1)).toEqual(box(15, 10, 20, 20));
    expect(e.geometry(2)).toEqual(square(55, 10, 20));
    expect(e.geometry(3)).toEqual(box(100, 50, 10, 10));
  });

  it('a tiny jitter is a click, not a move', () => {
    const e = editor({ annotations: shapes() });
    e.down(15, 15).move(16, 15).up(16, 15);
    expect(e.geometry(1)).toEqual(box(10, 10, 20, 20));
    expect(e.undoDepth).toBe(0);
  });

  it('resizes a selected box by its corner handle', () => {
    const e = editor({ annotations: shapes() });
    e.select(1).drag([30, 30], [50, 40]);
    expect(e.geometry(1)).toEqual(box(10, 10, 40, 30));
    expect(e.undoDepth).toBe(1);
  });

  it('selects by marquee the shapes fully inside', () => {
    const e = editor({ annotations: shapes() });
    e.drag([5, 5], [75, 35]);
    expect(e.selection).toEqual([1, 2]);
    expect(e.overlays).toEqual([]);
    e.down(5, 5).move(40, 40);
    expect(e.overlays).toEqual([
      { kind: 'rect', rect: { x: 5, y: 5, widthPx: 35, heightPx: 35 }, dashed: true },
    ]);
  });

  it('drags, inserts and deletes polygon vertices', () => {
    const e = editor({ annotations: shapes() });
    e.select(2).drag([70, 30], [80, 40]);
    expect(e.geometry(2)).toEqual({ kind: 'polygon', rings: [[50, 10, 70, 10, 80, 40, 50, 30]] });
    // midpoint of the top edge (60,10): dragging it inserts a vertex
    e.drag([60, 10], [60, 0]);
    expect(e.geometry(2)).toEqual({ kind: 'polygon', rings: [[50, 10, 60, 0, 70, 10, 80, 40, 50, 30]] });
    // alt-click deletes a vertex
    e.click(60, 0, { alt: true });
    expect(e.geometry(2)).toEqual({ kind: 'polygon', rings: [[50, 10, 70, 10, 80, 40, 50, 30]] });
    expect(e.undoDepth).toBe(3);
    e.keys('ctrl+z', 'ctrl+z', 'ctrl+z');
    expect(e.geometry(2)).toEqual(square(50, 10, 20));
  });

  it('hidden shapes cannot be hit', () => {
    const e = editor({ annotations: [ann(1, box(10, 10, 20, 20), { hidden: true })] });
    e.click(15, 15);
    expect(e.selection).toEqual([]);
  });
});
