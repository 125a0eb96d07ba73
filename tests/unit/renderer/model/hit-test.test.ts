import { describe, expect, it } from 'vitest';
import { type Geometry } from '@contract';
import {
  buildHitIndex,
  annotationsInRect,
  hitTest,
  hitTestAll,
  hitIndexFor,
} from '../../../../src-renderer/model/hit-test';
import {
  deletePolygonVertex,
  geometryBounds,
  insertPolygonVertex,
  movePolygonVertex,
  resizeBox,
} from '../../../../src-renderer/model/geometry-ops';
import { NO_LABEL_STATES, isEditable } from '../../../../src-renderer/model/visibility';
import { LABEL_B, ann, box, discMask, docOf, square } from '../fixtures';

const donut: Geometry = {
  kind: 'polygon',
  rings: [
    [0, 0, 100, 0, 100, 100, 0, 100],
    [40, 40, 60, 40, 60, 60, 40, 60],
  ],
};

describe('hit-testing in model space', () => {
  const doc = docOf(
    ann(1, donut),
    ann(2, box(10, 10, 20, 20)),
    ann(3, discMask(200, 200, 10, 400, 300)),
    ann(4, square(300, 10, 10), { hidden: true }),
    ann(5, square(500, 10, 10), { labelId: LABEL_B }),
  );

  it('finds the topmost shape and respects polygon holes (even-odd)', () => {
    const index = buildHitIndex(doc, NO_LABEL_STATES);
    expect(hitTest(index, { x: 15, y: 15 }, 0)?.id).toBe(2);
    expect(hitTestAll(index, { x: 15, y: 15 }, 0).map((a) => a.id)).toEqual([2, 1]);
    expect(hitTest(index, { x: 80, y: 80 }, 0)?.id).toBe(1);
    expect(hitTest(index, { x: 50, y: 50 }, 0)).toBeNull();
    // the hole's edge is still grabbable with a tolerance
    expect(hitTest(index, { x: 41, y: 50 }, 2)?.id).toBe(1);
  });

  it('hits masks by pixel, not by bounds', () => {
    const index = buildHitIndex(doc, NO_LABEL_STATES);
    expect(hitTest(index, { x: 200, y: 200 }, 0)?.id).toBe(3);
    expect(hitTest(index, { x: 191, y: 191 }, 0)).toBeNull();
  });

  it('skips hidden annotations and hidden labels', () => {
    expect(hitTest(buildHitIndex(doc, NO_LABEL_STATES), { x: 305, y: 15 }, 0)).toBeNull();
    const labels = { hiddenLabels: new Set([LABEL_B]), lockedLabels: new Set([LABEL_B]) };
    expect(hitTest(buildHitIndex(doc, labels), { x: 505, y: 15 }, 0)).toBeNull();
    expect(hitTest(buildHitIndex(doc, NO_LABEL_STATES), { x: 505, y: 15 }, 0)?.id).toBe(5);
    expect(
      isEditable(doc.byId.get(ann(5, donut).id)!, {
        hiddenLabels: new Set(),
        lockedLabels: new Set([LABEL_B]),
      }),
    ).toBe(false);
  });

  it('selects by marquee only shapes fully inside, and caches the index per doc', () => {
    const index = hitIndexFor(doc, NO_LABEL_STATES);
    expect(hitIndexFor(doc, NO_LABEL_STATES)).toBe(index);
    expect(annotationsInRect(index, { x: 5, y: 5, widthPx: 30, heightPx: 30 }).map((a) => a.id)).toEqual([2]);
  });

  it('stays fast with 2,000 shapes', () => {
    const many = docOf(
      ...Array.from({ length: 2000 }, (_, i) =>
        ann(i + 1, square((i % 50) * 80, Math.floor(i / 50) * 50, 30)),
      ),
    );
    const index = buildHitIndex(many, NO_LABEL_STATES);
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < 1000; i++)
      if (hitTest(index, { x: (i % 50) * 80 + 15, y: Math.floor(i / 50) * 50 + 15 }, 2)) hits++;
    expect(hits).toBe(1000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('geometry edits', () => {
  it('resizes a box by any handle and flips instead of going negative', () => {
    const b = { kind: 'box', x: 10, y: 10, widthPx: 20, heightPx: 20 } as const;
    expect(resizeBox(b, 'se', { x: 40, y: 50 })).toEqual(box(10, 10, 30, 40));
    expect(resizeBox(b, 'n', { x: 99, y: 0 })).toEqual(box(10, 0, 20, 30));
    expect(resizeBox(b, 'w', { x: 35, y: 0 })).toEqual(box(30, 10, 5, 20));
  });

  it('moves, inserts and deletes polygon vertices', () => {
    const sq = square(0, 0, 10);
    if (sq.kind !== 'polygon') throw new Error('polygon expected');
    expect(movePolygonVertex(sq, { ring: 0, vertex: 2 }, { x: 20, y: 20 }).rings[0]).toEqual([
      0, 0, 10, 0, 20, 20, 0, 10,
    ]);
    const ins = insertPolygonVertex(sq, { ring: 0, vertex: 0 }, { x: 5, y: -3 });
    expect(ins.rings[0]).toEqual([0, 0, 5, -3, 10, 0, 10, 10, 0, 10]);
    expect(geometryBounds(ins)).toEqual({ x: 0, y: -3, widthPx: 10, heightPx: 13 });
    const tri = deletePolygonVertex(sq, { ring: 0, vertex: 1 });
    expect(tri?.rings[0]).toEqual([0, 0, 10, 10, 0, 10]);
    expect(deletePolygonVertex(tri!, { ring: 0, vertex: 0 })).toBeNull();
    if (donut.kind !== 'polygon') throw new Error('polygon expected');
    const holeTri = deletePolygonVertex(donut, { ring: 1, vertex: 0 });
    expect(holeTri?.rings[1]).toHaveLength(6);
    expect(deletePolygonVertex(holeTri!, { ring: 1, vertex: 0 })?.rings).toEqual([donut.rings[0]]);
  });
});
