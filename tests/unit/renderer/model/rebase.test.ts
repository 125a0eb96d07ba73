import { describe, expect, it } from 'vitest';
import { asAnnotationId } from '@contract';
import { docsEqual } from '../../../../src-renderer/model/document';
import { EditorStore } from '../../../../src-renderer/model/editor-store';
import { rebaseOnto } from '../../../../src-renderer/model/rebase';
import { IMAGE, LABEL_B, ann, box, docOf } from '../fixtures';

describe('rebaseOnto', () => {
  const mine = ann(1, box(0, 0, 5, 5));
  const theirs = ann(1, box(9, 9, 5, 5));

  it('keeps local edits of surviving annotations (re-based on the server version) and counts dropped ones', () => {
    const server = docOf(theirs, ann(3, box(1, 1, 1, 1)));
    const result = rebaseOnto(server, {
      added: [ann(50, box(2, 2, 2, 2))],
      updated: [
        { from: mine, to: { ...mine, labelId: LABEL_B } },
        { from: ann(2, box(0, 0, 1, 1)), to: ann(2, box(0, 0, 2, 2)) },
      ],
      removed: [ann(3, box(1, 1, 1, 1)), ann(4, box(1, 1, 1, 1))],
    });
    expect(result.dropped).toBe(1);
    expect(result.patch.added.map((a) => a.id)).toEqual([50]);
    expect(result.patch.updated).toEqual([{ from: theirs, to: { ...mine, labelId: LABEL_B } }]);
    expect(result.patch.removed.map((a) => a.id)).toEqual([3]);
  });

  it('an add the server already has becomes an update, or nothing when equal', () => {
    expect(rebaseOnto(docOf(mine), { added: [mine], updated: [], removed: [] }).patch).toEqual({
      added: [],
      updated: [],
      removed: [],
    });
    expect(rebaseOnto(docOf(theirs), { added: [mine], updated: [], removed: [] }).patch.updated).toHaveLength(
      1,
    );
  });
});

describe('EditorStore.applyRebase', () => {
  it('shows the server document plus the rebased edits and keeps local hidden/locked flags', () => {
    const store = new EditorStore();
    store.openImage(IMAGE, [ann(1, box(0, 0, 5, 5), { hidden: true }), ann(2, box(5, 5, 5, 5))]);
    store.setSelection([asAnnotationId(1), asAnnotationId(2)]);
    const serverDoc = docOf(ann(1, box(9, 9, 5, 5)));
    const patch = { added: [ann(7, box(1, 1, 1, 1))], updated: [], removed: [] };
    store.applyRebase({ imageId: IMAGE, serverDoc, patch, dropped: 0 });
    const doc = store.getSnapshot().history!.doc;
    expect(docsEqual(doc, docOf(ann(1, box(9, 9, 5, 5), { hidden: true }), ann(7, box(1, 1, 1, 1))))).toBe(
      true,
    );
    expect(store.getSnapshot().selection).toEqual([1]);
  });
});
