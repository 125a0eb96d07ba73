import { describe, expect, it } from 'vitest';
import { asAnnotationId, type Geometry } from '@contract';
import { createIdAllocator } from '../../../../src-renderer/model/annotation';
import { applyPatch, docsEqual, listAnnotations } from '../../../../src-renderer/model/document';
import { maskBitmapOf } from '../../../../src-renderer/model/geometry-ops';
import * as hist from '../../../../src-renderer/model/history';
import {
  bitmapArea,
  bitmapToRle,
  emptyMaskBitmap,
  strokeBitmap,
} from '../../../../src-renderer/model/mask-bitmap';
import {
  mergeAnnotations,
  mergedGeometry,
  splitAnnotation,
  splitGeometry,
} from '../../../../src-renderer/model/merge-split';
import { invertPatch } from '../../../../src-renderer/model/patch';
import { LABEL_B, ann, box, discMask, docOf, square } from '../fixtures';

const id = asAnnotationId;

/** Two discs in one mask (two separate regions). */
function twoDiscs(): Geometry {
  let bm = strokeBitmap(emptyMaskBitmap(64, 48), { x: 12, y: 12 }, { x: 12, y: 12 }, 5, 1);
  bm = strokeBitmap(bm, { x: 45, y: 30 }, { x: 45, y: 30 }, 6, 1);
  return { kind: 'mask', rle: bitmapToRle(bm) };
}

const area = (g: Geometry): number => (g.kind === 'mask' ? bitmapArea(maskBitmapOf(g.rle)) : Number.NaN);

describe('merge', () => {
  it('joins polygons and boxes that do not overlap into one multi-part polygon, exactly', () => {
    const g = mergedGeometry([square(0, 0, 10), box(20, 20, 5, 5)]);
    expect(g).toEqual({
      kind: 'polygon',
      rings: [
        [0, 0, 10, 0, 10, 10, 0, 10],
        [20, 20, 25, 20, 25, 25, 20, 25],
      ],
    });
  });

  it('asks for masks when shapes overlap, mix kinds or include a point', () => {
    expect(mergedGeometry([square(0, 0, 10), square(5, 5, 10)])).toBe('needs-masks');
    expect(mergedGeometry([square(0, 0, 10), discMask(40, 30, 4)])).toBe('needs-masks');
    expect(mergedGeometry([square(0, 0, 10), { kind: 'point', x: 1, y: 1 }])).toBe('needs-masks');
  });

  it('unions masks pixel by pixel (overlap counted once)', () => {
    const a = discMask(20, 20, 6);
    const b = discMask(26, 20, 6);
    const merged = mergedGeometry([a, b]);
    if (merged === 'needs-masks') throw new Error('masks merge directly');
    const overlap = (() => {
      const ma = maskBitmapOf((a as Extract<Geometry, { kind: 'mask' }>).rle);
      const mb = maskBitmapOf((b as Extract<Geometry, { kind: 'mask' }>).rle);
      let n = 0;
      for (let y = 0; y < 48; y++)
        for (let x = 0; x < 64; x++) {
          const inA =
            x >= ma.x &&
            y >= ma.y &&
            x < ma.x + ma.widthPx &&
            y < ma.y + ma.heightPx &&
            ma.data[(y - ma.y) * ma.widthPx + (x - ma.x)] === 1;
          const inB =
            x >= mb.x &&
            y >= mb.y &&
            x < mb.x + mb.widthPx &&
            y < mb.y + mb.heightPx &&
            mb.data[(y - mb.y) * mb.widthPx + (x - mb.x)] === 1;
          if (inA && inB) n++;
        }
      return n;
    })();
    expect(overlap).toBeGreaterThan(0);
    expect(area(merged)).toBe(area(a) + area(b) - overlap);
  });

  it('is one undoable step: sources removed, union added with the first label; undo restores both', () => {
    const doc = docOf(
      ann(1, square(0, 0, 10), { labelId: LABEL_B }),
      ann(2, square(20, 0, 10)),
      ann(3, box(0, 30, 4, 4)),
    );
    const alloc = createIdAllocator(100);
    const merged = mergedGeometry([square(0, 0, 10), square(20, 0, 10)]);
    if (merged === 'needs-masks') throw new Error('disjoint squares merge directly');
    let h = hist.createHistory(doc);
    const patch = mergeAnnotations([id(1), id(2)], merged, alloc)(doc);
    h = hist.applyEdit(h, patch).history;
    const after = listAnnotations(h.doc);
    expect(after.map((a) => a.id)).toEqual([id(3), id(100)]);
    expect(after[1]).toMatchObject({ labelId: LABEL_B, geometry: merged });
    h = hist.undo(h).history;
    expect(docsEqual(h.doc, doc)).toBe(true);
    expect(docsEqual(applyPatch(applyPatch(doc, patch), invertPatch(patch)), doc)).toBe(true);
  });

  it('does nothing for fewer than two shapes', () => {
    const doc = docOf(ann(1, square(0, 0, 10)));
    expect(mergeAnnotations([id(1)], square(0, 0, 10), createIdAllocator(100))(doc).added).toHaveLength(0);
  });
});

describe('split', () => {
  it('splits a mask into its separate regions, keeping every pixel once', () => {
    const g = twoDiscs();
    const parts = splitGeometry(g);
    expect(parts).toHaveLength(2);
    expect(parts.map(area).reduce((a, b) => a + b, 0)).toBe(area(g));
    // Each part is one region: splitting it again changes nothing.
    for (const p of parts) expect(splitGeometry(p)).toHaveLength(1);
  });

  it('splits a multi-part polygon into outer rings, each keeping the holes inside it', () => {
    const hole = [4, 4, 6, 4, 6, 6, 4, 6];
    const g: Geometry = {
      kind: 'polygon',
      rings: [[0, 0, 10, 0, 10, 10, 0, 10], hole, [20, 0, 30, 0, 30, 10, 20, 10]],
    };
    expect(splitGeometry(g)).toEqual([
      { kind: 'polygon', rings: [[0, 0, 10, 0, 10, 10, 0, 10], hole] },
      { kind: 'polygon', rings: [[20, 0, 30, 0, 30, 10, 20, 10]] },
    ]);
  });

  it('leaves one-part shapes alone, and is one undoable step otherwise', () => {
    const doc = docOf(
      ann(1, twoDiscs(), { labelId: LABEL_B, source: 'click', score: 0.9 }),
      ann(2, square(0, 0, 5)),
    );
    const alloc = createIdAllocator(100);
    expect(splitAnnotation(id(2), alloc)(doc).added).toHaveLength(0);
    let h = hist.createHistory(doc);
    h = hist.applyEdit(h, splitAnnotation(id(1), alloc)(doc)).history;
    const parts = listAnnotations(h.doc).filter((a) => a.id !== id(2));
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.labelId === LABEL_B && p.source === 'click')).toBe(true);
    h = hist.undo(h).history;
    expect(docsEqual(h.doc, doc)).toBe(true);
  });
});
