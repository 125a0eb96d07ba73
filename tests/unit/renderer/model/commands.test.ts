import { describe, expect, it } from 'vitest';
import { asAnnotationId } from '@contract';
import { createIdAllocator } from '../../../../src-renderer/model/annotation';
import {
  addAnnotations,
  copyAnnotations,
  duplicateAnnotations,
  freeGroupId,
  pasteAnnotations,
  removeAnnotations,
  setAttribute,
  setGeometry,
  setGroup,
  setIscrowd,
  setHidden,
  setLabel,
  setLocked,
  translateAnnotations,
} from '../../../../src-renderer/model/commands';
import { applyPatch, docsEqual, patchProblems } from '../../../../src-renderer/model/document';
import { maskBitmapOf } from '../../../../src-renderer/model/geometry-ops';
import { bitmapArea } from '../../../../src-renderer/model/mask-bitmap';
import { invertPatch } from '../../../../src-renderer/model/patch';
import { LABEL_B, ann, box, discMask, docOf, square } from '../fixtures';

const [i1, i2, i3] = [1, 2, 3].map(asAnnotationId) as [
  ReturnType<typeof asAnnotationId>,
  ReturnType<typeof asAnnotationId>,
  ReturnType<typeof asAnnotationId>,
];

function doc() {
  return docOf(ann(1, box(0, 0, 10, 10)), ann(2, square(20, 20, 10)), ann(3, discMask(30, 20, 5)));
}

describe('commands', () => {
  it('every command produces a patch that applies exactly and inverts exactly', () => {
    const d = doc();
    const alloc = createIdAllocator(100);
    const commands = [
      addAnnotations([ann(9, box(1, 1, 1, 1))]),
      removeAnnotations([i1, i3]),
      setLabel([i1, i2], LABEL_B),
      setHidden([i2], true),
      setLocked([i3], true),
      setGeometry(i1, box(5, 5, 5, 5)),
      translateAnnotations([i1, i2, i3], 3, -2),
      duplicateAnnotations([i2, i3], alloc),
      pasteAnnotations(copyAnnotations(d, [i1, i3]), alloc, 40, 30),
    ];
    for (const cmd of commands) {
      const p = cmd(d);
      expect(patchProblems(d, p)).toEqual([]);
      expect(docsEqual(applyPatch(applyPatch(d, p), invertPatch(p)), d)).toBe(true);
    }
  });

  it('setLabel skips annotations that already have the label and unknown ids', () => {
    const p = setLabel([i1, asAnnotationId(77)], LABEL_B)(doc());
    expect(p.updated.map((u) => [u.from.labelId, u.to.labelId])).toEqual([[1, 2]]);
    expect(setHidden([i1], false)(doc()).updated).toHaveLength(0);
  });

  it('translates boxes, polygons and masks', () => {
    const d = applyPatch(doc(), translateAnnotations([i1, i2, i3], 2, 3)(doc()));
    expect(d.byId.get(i1)?.geometry).toEqual(box(2, 3, 10, 10));
    expect(d.byId.get(i2)?.geometry).toEqual(square(22, 23, 10));
    const before = doc().byId.get(i3)!.geometry;
    const after = d.byId.get(i3)!.geometry;
    if (before.kind !== 'mask' || after.kind !== 'mask') throw new Error('expected masks');
    const b0 = maskBitmapOf(before.rle);
    const b1 = maskBitmapOf(after.rle);
    expect([b1.x - b0.x, b1.y - b0.y]).toEqual([2, 3]);
    expect(bitmapArea(b1)).toBe(bitmapArea(b0));
  });

  it('duplicate gives new ids, an offset, and unlocked visible copies', () => {
    const d = applyPatch(doc(), setLocked([i1], true)(doc()));
    const p = duplicateAnnotations([i1], createIdAllocator(500), 10)(d);
    expect(p.added).toHaveLength(1);
    expect(p.added[0]).toMatchObject({ id: 500, geometry: box(10, 10, 10, 10), locked: false });
  });

  it('paste re-encodes masks for another image size and drops masks that fall outside it', () => {
    const clip = copyAnnotations(doc(), [i1, i3]);
    const small = pasteAnnotations(clip, createIdAllocator(1000), 20, 20)(docOf());
    // the disc at x=30 is outside a 20-px-wide image
    expect(small.added.map((a) => a.geometry.kind)).toEqual(['box']);
    const big = pasteAnnotations(clip, createIdAllocator(1000), 100, 80)(docOf());
    const mask = big.added[1]!.geometry;
    expect(mask.kind === 'mask' && mask.rle.size).toEqual([80, 100]);
    expect(big.added.map((a) => a.source)).toEqual(['manual', 'manual']);
  });
});

describe('attributes, crowd flags and groups', () => {
  it('sets and removes one attribute, flags crowds, and groups shapes under a free group id', () => {
    const d = docOf(
      ann(1, box(0, 0, 10, 10), { groupId: 4 }),
      ann(2, square(20, 20, 10)),
      ann(3, square(40, 20, 10)),
    );
    const withColor = applyPatch(d, setAttribute([i1, i2], 'color', 'red')(d));
    expect([...withColor.byId.values()].map((a) => a.attributes)).toEqual([
      { color: 'red' },
      { color: 'red' },
      {},
    ]);
    const removed = applyPatch(withColor, setAttribute([i1], 'color', undefined)(withColor));
    expect(removed.byId.get(i1)!.attributes).toEqual({});
    // Setting a value it already has changes nothing (no undo step).
    expect(setAttribute([i2], 'color', 'red')(withColor)).toEqual({ added: [], updated: [], removed: [] });
    const crowd = applyPatch(d, setIscrowd([i3], true)(d));
    expect(crowd.byId.get(i3)!.iscrowd).toBe(true);
    expect(freeGroupId(d)).toBe(5);
    const grouped = applyPatch(d, setGroup([i2, i3], freeGroupId(d))(d));
    expect([...grouped.byId.values()].map((a) => a.groupId)).toEqual([4, 5, 5]);
  });

  it('a duplicate or a paste joins no group; the copy keeps attributes and the crowd flag', () => {
    const d = docOf(ann(1, box(0, 0, 10, 10), { groupId: 2, iscrowd: true, attributes: { color: 'red' } }));
    const dup = duplicateAnnotations([i1], createIdAllocator(50))(d).added[0]!;
    expect(dup).toMatchObject({ groupId: null, iscrowd: true, attributes: { color: 'red' } });
    const pasted = pasteAnnotations(copyAnnotations(d, [i1]), createIdAllocator(60), 64, 48)(d).added[0]!;
    expect(pasted).toMatchObject({ groupId: null, iscrowd: true, attributes: { color: 'red' } });
  });
});
