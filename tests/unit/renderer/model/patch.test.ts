import { describe, expect, it } from 'vitest';
import { type Annotation } from '../../../../src-renderer/model/annotation';
import {
  applyPatch,
  docsEqual,
  patchProblems,
  type AnnotationDoc,
} from '../../../../src-renderer/model/document';
import { invertPatch, isEmptyPatch, type Patch, squashPatches } from '../../../../src-renderer/model/patch';
import { LABEL_B, ann, box, docOf, rng } from '../fixtures';

/** A random valid patch against `doc`: removes, updates and adds with fresh ids. */
function randomPatch(doc: AnnotationDoc, rand: () => number, nextId: { n: number }): Patch {
  const added: Annotation[] = [];
  const updated: Array<{ from: Annotation; to: Annotation }> = [];
  const removed: Annotation[] = [];
  for (const a of doc.byId.values()) {
    const r = rand();
    if (r < 0.2) removed.push(a);
    else if (r < 0.5)
      updated.push({ from: a, to: { ...a, geometry: box(rand() * 100, rand() * 100, 5, 5) } });
    else if (r < 0.6) updated.push({ from: a, to: { ...a, labelId: LABEL_B, hidden: !a.hidden } });
  }
  const adds = Math.floor(rand() * 3);
  for (let i = 0; i < adds; i++) added.push(ann(nextId.n++, box(rand() * 100, rand() * 100, 3, 3)));
  return { added, updated, removed };
}

function startDoc(): AnnotationDoc {
  return docOf(
    ann(1, box(0, 0, 10, 10)),
    ann(2, box(5, 5, 10, 10)),
    ann(3, box(20, 20, 4, 4), { locked: true }),
  );
}

describe('patch laws', () => {
  it('apply then apply(invert) gives the original document; invert is an involution', () => {
    const rand = rng(1);
    const ids = { n: 100 };
    for (let t = 0; t < 50; t++) {
      const d = startDoc();
      const p = randomPatch(d, rand, ids);
      expect(patchProblems(d, p)).toEqual([]);
      const d1 = applyPatch(d, p);
      expect(patchProblems(d1, invertPatch(p))).toEqual([]);
      expect(docsEqual(applyPatch(d1, invertPatch(p)), d)).toBe(true);
      expect(invertPatch(invertPatch(p))).toEqual(p);
    }
  });

  it('squash(a, b) applies like a then b, inverts like squash(invert b, invert a), and is associative', () => {
    const rand = rng(2);
    const ids = { n: 100 };
    for (let t = 0; t < 50; t++) {
      const d0 = startDoc();
      const a = randomPatch(d0, rand, ids);
      const d1 = applyPatch(d0, a);
      const b = randomPatch(d1, rand, ids);
      const d2 = applyPatch(d1, b);
      const c = randomPatch(d2, rand, ids);
      const d3 = applyPatch(d2, c);

      const ab = squashPatches(a, b);
      expect(patchProblems(d0, ab)).toEqual([]);
      expect(docsEqual(applyPatch(d0, ab), d2)).toBe(true);
      expect(docsEqual(applyPatch(d2, invertPatch(ab)), d0)).toBe(true);
      expect(docsEqual(applyPatch(d2, squashPatches(invertPatch(b), invertPatch(a))), d0)).toBe(true);
      const left = squashPatches(squashPatches(a, b), c);
      const right = squashPatches(a, squashPatches(b, c));
      expect(docsEqual(applyPatch(d0, left), d3)).toBe(true);
      expect(docsEqual(applyPatch(d0, right), d3)).toBe(true);
    }
  });

  it('squash cancels add+remove, folds updates, and turns remove+add into an update', () => {
    const a1 = ann(1, box(0, 0, 1, 1));
    const a1b = { ...a1, geometry: box(1, 1, 1, 1) };
    const a1c = { ...a1, geometry: box(2, 2, 1, 1) };
    expect(
      isEmptyPatch(
        squashPatches({ added: [a1], updated: [], removed: [] }, { added: [], updated: [], removed: [a1] }),
      ),
    ).toBe(true);
    expect(
      squashPatches(
        { added: [], updated: [{ from: a1, to: a1b }], removed: [] },
        { added: [], updated: [{ from: a1b, to: a1c }], removed: [] },
      ),
    ).toEqual({ added: [], updated: [{ from: a1, to: a1c }], removed: [] });
    expect(
      squashPatches({ added: [], updated: [], removed: [a1] }, { added: [a1b], updated: [], removed: [] }),
    ).toEqual({ added: [], updated: [{ from: a1, to: a1b }], removed: [] });
    // An update that returns to where it started vanishes.
    expect(
      isEmptyPatch(
        squashPatches(
          { added: [], updated: [{ from: a1, to: a1b }], removed: [] },
          { added: [], updated: [{ from: a1b, to: a1 }], removed: [] },
        ),
      ),
    ).toBe(true);
  });

  it('patchProblems names the annotation that does not match', () => {
    const d = startDoc();
    expect(patchProblems(d, { added: [ann(1, box(0, 0, 1, 1))], updated: [], removed: [] })).toEqual([
      'added annotation 1 is already in the document',
    ]);
    expect(patchProblems(d, { added: [], updated: [], removed: [ann(9, box(0, 0, 1, 1))] })).toEqual([
      'removed annotation 9 is not in the document',
    ]);
  });
});
