import { describe, expect, it } from 'vitest';
import { asAnnotationId } from '@contract';
import { addAnnotations, setGeometry, translateAnnotations } from '../../../../src-renderer/model/commands';
import { docsEqual, listAnnotations } from '../../../../src-renderer/model/document';
import {
  applyEdit,
  beginStep,
  canRedo,
  canUndo,
  cancelStep,
  createHistory,
  endStep,
  redo,
  undo,
  type EditHistory,
} from '../../../../src-renderer/model/history';
import { ann, box, docOf } from '../fixtures';

const id1 = asAnnotationId(1);

function run(h: EditHistory, cmd: (d: EditHistory['doc']) => Parameters<typeof applyEdit>[1]): EditHistory {
  return applyEdit(h, cmd(h.doc)).history;
}

function xOf(h: EditHistory): number {
  const g = h.doc.byId.get(id1)?.geometry;
  return g?.kind === 'box' ? g.x : NaN;
}

describe('edit history', () => {
  it('undoes and redoes any number of steps exactly', () => {
    const start = createHistory(docOf(ann(1, box(0, 0, 10, 10))));
    let h = start;
    const docs = [h.doc];
    for (let i = 1; i <= 300; i++) {
      h = run(h, translateAnnotations([id1], 1, 0));
      docs.push(h.doc);
    }
    expect(xOf(h)).toBe(300);
    for (let i = 299; i >= 0; i--) {
      h = undo(h).history;
      expect(docsEqual(h.doc, docs[i]!)).toBe(true);
    }
    expect(canUndo(h)).toBe(false);
    for (let i = 1; i <= 300; i++) h = redo(h).history;
    expect(xOf(h)).toBe(300);
    expect(canRedo(h)).toBe(false);
  });

  it('a new edit after undo clears the redo stack', () => {
    let h = createHistory(docOf(ann(1, box(0, 0, 10, 10))));
    h = run(h, translateAnnotations([id1], 5, 0));
    h = undo(h).history;
    expect(canRedo(h)).toBe(true);
    h = run(h, translateAnnotations([id1], 1, 0));
    expect(canRedo(h)).toBe(false);
    expect(xOf(h)).toBe(1);
  });

  it('edits between a mark and endStep are one undo step (a drag)', () => {
    let h = createHistory(docOf(ann(1, box(0, 0, 10, 10))));
    h = run(h, translateAnnotations([id1], 100, 0));
    h = beginStep(h);
    for (let i = 0; i < 20; i++) h = run(h, translateAnnotations([id1], 1, 0));
    h = endStep(h);
    expect(xOf(h)).toBe(120);
    expect(h.undoStack).toHaveLength(2);
    h = undo(h).history;
    expect(xOf(h)).toBe(100);
    h = redo(h).history;
    expect(xOf(h)).toBe(120);
  });

  it('Esc cancels back to the mark and leaves no step; the applied patch undoes the drag', () => {
    let h = createHistory(docOf(ann(1, box(0, 0, 10, 10))));
    h = beginStep(h);
    h = run(h, translateAnnotations([id1], 7, 0));
    h = run(h, addAnnotations([ann(2, box(1, 1, 1, 1))]));
    const r = cancelStep(h);
    h = r.history;
    expect(xOf(h)).toBe(0);
    expect(h.doc.byId.has(asAnnotationId(2))).toBe(false);
    expect(r.applied.removed.map((a) => a.id)).toEqual([2]);
    expect(h.undoStack).toHaveLength(0);
    expect(h.open).toBeNull();
  });

  it('an empty step leaves no trace, and undo while a step is open cancels it', () => {
    let h = createHistory(docOf(ann(1, box(0, 0, 10, 10))));
    h = endStep(beginStep(h));
    expect(h.undoStack).toHaveLength(0);
    h = run(h, setGeometry(id1, box(3, 3, 3, 3)));
    h = beginStep(h);
    h = run(h, translateAnnotations([id1], 1, 0));
    h = undo(h).history;
    expect(xOf(h)).toBe(3);
    expect(h.open).toBeNull();
    h = undo(h).history;
    expect(xOf(h)).toBe(0);
    expect(listAnnotations(h.doc)).toHaveLength(1);
  });
});
