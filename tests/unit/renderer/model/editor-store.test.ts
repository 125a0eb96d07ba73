import { describe, expect, it } from 'vitest';
import { asImageId } from '@contract';
import { createIdAllocator } from '../../../../src-renderer/model/annotation';
import { translateAnnotations } from '../../../../src-renderer/model/commands';
import { listAnnotations } from '../../../../src-renderer/model/document';
import { EditorStore } from '../../../../src-renderer/model/editor-store';
import { type Patch } from '../../../../src-renderer/model/patch';
import { type Proposal } from '../../../../src-renderer/model/proposals';
import { IMAGE, LABEL_A, LABEL_B, ann, box, square } from '../fixtures';

function proposal(key: string, x: number): Proposal {
  return { key, origin: 'text', geometry: square(x, 0, 5), labelId: null, score: 0.9 };
}

describe('EditorStore', () => {
  it('keeps proposals out of the document until accepted; accept all is one undoable step', () => {
    const applied: Patch[] = [];
    const store = new EditorStore({
      onApplied: (_, p) => applied.push(p),
      idAllocator: createIdAllocator(100),
    });
    store.openImage(IMAGE, [ann(1, box(0, 0, 1, 1))]);
    store.setProposals('text', [proposal('a', 0), proposal('b', 10), proposal('c', 20)]);
    store.setProposals('click', [{ ...proposal('k', 30), origin: 'click', labelId: LABEL_B }]);
    expect(listAnnotations(store.getSnapshot().history!.doc)).toHaveLength(1);
    expect(applied).toHaveLength(0);

    store.rejectProposals(['b']);
    const ids = store.acceptProposals('all', LABEL_A);
    expect(ids).toEqual([100, 101, 102]);
    const docAnns = listAnnotations(store.getSnapshot().history!.doc);
    expect(docAnns.map((a) => [a.source, a.labelId])).toEqual([
      ['manual', 1],
      ['text', 1],
      ['text', 1],
      ['click', 2],
    ]);
    expect(store.getSnapshot().proposals).toEqual([]);
    expect(store.getSnapshot().selection).toEqual([100, 101, 102]);
    expect(applied).toHaveLength(1);

    store.undo();
    expect(listAnnotations(store.getSnapshot().history!.doc)).toHaveLength(1);
    expect(store.getSnapshot().selection).toEqual([]);
    store.redo();
    expect(listAnnotations(store.getSnapshot().history!.doc)).toHaveLength(4);
  });

  it('accepting one proposal leaves the others', () => {
    const store = new EditorStore();
    store.openImage(IMAGE);
    store.setProposals('text', [proposal('a', 0), proposal('b', 10)]);
    store.acceptProposals(['b'], LABEL_A);
    expect(store.getSnapshot().proposals.map((p) => p.key)).toEqual(['a']);
  });

  it('keeps a separate history per image across switches and a stable snapshot between changes', () => {
    const store = new EditorStore();
    const other = asImageId(2);
    store.openImage(IMAGE, [ann(1, box(0, 0, 1, 1))]);
    store.run(translateAnnotations([ann(1, box(0, 0, 1, 1)).id], 5, 0));
    store.openImage(other, [ann(2, box(0, 0, 1, 1))]);
    const snap = store.getSnapshot();
    expect(store.getSnapshot()).toBe(snap);
    expect(snap.history!.undoStack).toHaveLength(0);
    store.openImage(IMAGE, []);
    expect(store.getSnapshot().history!.undoStack).toHaveLength(1);
    store.undo();
    expect(store.getSnapshot().history!.doc.byId.get(ann(1, box(0, 0, 1, 1)).id)?.geometry).toEqual(
      box(0, 0, 1, 1),
    );
  });

  it('throws a clear error when no image is open', () => {
    expect(() => new EditorStore().undo()).toThrow('no image is open in the editor');
  });
});
