import { describe, expect, it } from 'vitest';
import { type Geometry, asImageId, asLabelId } from '@contract';
import { ann, box, discMask, square } from '../fixtures';
import { editor } from './dsl';

describe('shared shortcuts', () => {
  const shapes = () => [
    ann(1, box(10, 10, 20, 20)),
    ann(2, square(50, 10, 20)),
    ann(3, box(100, 50, 10, 10), { locked: true }),
  ];

  it('1–9 relabel the selection and set the active label for new shapes', () => {
    const e = editor({ annotations: shapes() });
    e.select(1, 2, 3).key('3');
    expect(e.annotations.map((a) => a.labelId)).toEqual([3, 3, 1]);
    expect(e.undoDepth).toBe(1);
    e.key('9'); // no label on 9: nothing happens
    expect(e.labels.activeLabelId()).toBe(asLabelId(3));
    e.tool('box').drag([120, 10], [150, 40]);
    expect(e.annotations.at(-1)?.labelId).toBe(3);
  });

  it('Delete removes the editable selection; undo restores it', () => {
    const e = editor({ annotations: shapes() });
    e.select(1, 3).key('Delete');
    expect(e.annotations.map((a) => a.id)).toEqual([2, 3]);
    expect(e.selection).toEqual([3]);
    e.key('ctrl+z');
    expect(e.annotations.map((a) => a.id)).toEqual([1, 2, 3]);
  });

  it('ctrl+d duplicates with an offset and selects the copies', () => {
    const e = editor({ annotations: shapes() });
    e.select(1).key('ctrl+d');
    expect(e.annotations.map((a) => a.geometry)).toContainEqual(box(20, 20, 20, 20));
    expect(e.selection).toEqual([100]);
  });

  it('copy and paste across images; masks are fitted to the target image', () => {
    const e = editor({
      annotations: [...shapes(), ann(4, discMask(30, 30, 5))],
      imageWidthPx: 64,
      imageHeightPx: 48,
    });
    e.select(1, 4).key('ctrl+c');
    e.store.openImage(asImageId(2), []);
    e.ctl.setImageSize(32, 32);
    e.key('ctrl+v');
    const kinds = e.annotations.map((a) => a.geometry.kind);
    expect(kinds).toEqual(['box', 'mask']);
    const mask = e.annotations[1]!.geometry as Extract<Geometry, { kind: 'mask' }>;
    expect(mask.rle.size).toEqual([32, 32]);
    expect(e.selection).toEqual(e.annotations.map((a) => a.id));
    // the first image is untouched and keeps its own history
    e.store.openImage(asImageId(1));
    expect(e.annotations).toHaveLength(4);
  });

  it('undo/redo with ctrl+z, ctrl+shift+z and ctrl+y', () => {
    const e = editor({ tool: 'box' });
    e.drag([10, 10], [20, 20]).drag([30, 30], [40, 40]);
    e.keys('ctrl+z', 'ctrl+z');
    expect(e.annotations).toHaveLength(0);
    e.key('ctrl+shift+z').key('ctrl+y');
    expect(e.annotations).toHaveLength(2);
  });

  it('Esc clears the selection; tool keys switch tools and cancel the old tool', () => {
    const e = editor({ annotations: shapes(), tool: 'polygon' });
    e.click(100, 10).click(150, 10);
    e.key('v');
    expect(e.ctl.getSnapshot().tool).toBe('select');
    e.tool('polygon');
    expect(e.overlays).toEqual([]);
    e.tool('select').select(1).key('Escape');
    expect(e.selection).toEqual([]);
  });

  it('Enter accepts all proposals as one step; Esc rejects them', () => {
    const e = editor();
    e.store.setProposals('text', [
      { key: 'a', origin: 'text', geometry: box(0, 0, 5, 5), labelId: null, score: 0.7 },
      { key: 'b', origin: 'text', geometry: box(9, 9, 5, 5), labelId: null, score: 0.6 },
    ]);
    e.key('Enter');
    expect(e.annotations.map((a) => a.source)).toEqual(['text', 'text']);
    expect(e.undoDepth).toBe(1);
    e.store.setProposals('text', [
      { key: 'c', origin: 'text', geometry: box(0, 0, 5, 5), labelId: null, score: 0.7 },
    ]);
    e.key('Escape');
    expect(e.proposals).toEqual([]);
  });

  it('mask ↔ polygon conversion goes through the injected converter as one undoable step', async () => {
    const calls: string[] = [];
    const e = editor({
      annotations: [ann(1, discMask(20, 20, 5)), ann(2, box(1, 1, 2, 2))],
      convert: (g, target, tol) => {
        calls.push(`${g.kind}->${target}@${tol}`);
        return Promise.resolve(square(15, 15, 10));
      },
    });
    e.select(1, 2);
    await e.ctl.convertSelection('polygon', 1.5);
    expect(calls).toEqual(['mask->polygon@1.5', 'box->polygon@1.5']);
    expect(e.geometry(1)).toEqual(square(15, 15, 10));
    expect(e.undoDepth).toBe(1);
    e.key('ctrl+z');
    expect(e.geometry(1)?.kind).toBe('mask');
  });
});
