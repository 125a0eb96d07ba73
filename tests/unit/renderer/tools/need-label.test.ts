import { describe, expect, it } from 'vitest';
import { asLabelId } from '@contract';
import { discMask, square, ann } from '../fixtures';
import { editor } from './dsl';

/** A project without labels: no tool may make a shape that cannot be saved; it asks for a label. */
describe('drawing before any label exists', () => {
  it('the box tool asks for a label and draws nothing; with one, it draws', () => {
    const e = editor({ tool: 'box', activeLabelId: null });
    e.drag([10, 10], [40, 40]);
    expect(e.needLabel).toBe(1);
    expect(e.annotations).toHaveLength(0);
    expect(e.overlays).toEqual([]);
    e.labels.setActiveLabel(asLabelId(7));
    e.drag([10, 10], [40, 40]);
    expect(e.annotations.map((a) => a.labelId)).toEqual([7]);
  });

  it('the polygon tool asks before the first point', () => {
    const e = editor({ tool: 'polygon', activeLabelId: null });
    e.click(10, 10).click(30, 10).click(30, 30).key('Enter');
    expect(e.needLabel).toBeGreaterThan(0);
    expect(e.annotations).toHaveLength(0);
  });

  it('the brush asks before a new mask, but still paints into a selected mask', () => {
    const e = editor({ tool: 'brush', activeLabelId: null, annotations: [ann(1, discMask(20, 20, 5))] });
    e.drag([50, 30], [55, 30]);
    expect(e.needLabel).toBe(1);
    expect(e.annotations).toHaveLength(1);
    e.select(1).drag([20, 20], [30, 20]);
    expect(e.needLabel).toBe(1);
    expect(e.annotations).toHaveLength(1);
    expect(e.undoDepth).toBe(1);
  });

  it('Enter on click proposals asks for a label and keeps the proposals', async () => {
    const e = editor({
      tool: 'click-segment',
      activeLabelId: null,
      segment: () => Promise.resolve([{ geometry: discMask(20, 20, 5), score: 0.9 }]),
    });
    e.click(20, 20);
    await Promise.resolve();
    await Promise.resolve();
    expect(e.proposals).toHaveLength(1);
    e.key('Enter');
    expect(e.needLabel).toBe(1);
    expect(e.proposals).toHaveLength(1);
    expect(e.annotations).toHaveLength(0);
  });

  it('editing existing shapes needs no label', () => {
    const e = editor({ tool: 'select', activeLabelId: null, annotations: [ann(1, square(10, 10, 10))] });
    e.drag([15, 15], [25, 15]);
    expect(e.needLabel).toBe(0);
    expect(e.annotations[0]?.geometry).toEqual(square(20, 10, 10));
  });
});
