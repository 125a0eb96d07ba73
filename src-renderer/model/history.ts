import { type AnnotationDoc, applyPatch } from './document';
import { EMPTY_PATCH, invertPatch, isEmptyPatch, type Patch, squashPatches } from './patch';

/**
 * The edit history of one image: unlimited undo and redo. Between `beginStep` (the mark) and `endStep`,
 * every applied patch folds into one open step, so a drag or a brush stroke undoes as one; `cancelStep`
 * (Esc) rolls the document back to the mark.
 */
export interface EditHistory {
  readonly doc: AnnotationDoc;
  readonly undoStack: readonly Patch[];
  readonly redoStack: readonly Patch[];
  /** The step since the mark, or null when no step is open. */
  readonly open: Patch | null;
}

/** A new history plus the patch that was applied to the document (for autosave and redraws). */
export interface HistoryResult {
  readonly history: EditHistory;
  readonly applied: Patch;
}

export function createHistory(doc: AnnotationDoc): EditHistory {
  return { doc, undoStack: [], redoStack: [], open: null };
}

export function canUndo(h: EditHistory): boolean {
  return h.open !== null ? !isEmptyPatch(h.open) || h.undoStack.length > 0 : h.undoStack.length > 0;
}

export function canRedo(h: EditHistory): boolean {
  return h.open === null && h.redoStack.length > 0;
}

/** Applies a patch: into the open step if there is one, else as a step of its own. */
export function applyEdit(h: EditHistory, patch: Patch): HistoryResult {
  if (isEmptyPatch(patch)) return { history: h, applied: EMPTY_PATCH };
  const doc = applyPatch(h.doc, patch);
  if (h.open !== null) {
    return { history: { ...h, doc, open: squashPatches(h.open, patch), redoStack: [] }, applied: patch };
  }
  return { history: { doc, undoStack: [...h.undoStack, patch], redoStack: [], open: null }, applied: patch };
}

/** Sets the mark. A mark while a step is open keeps the existing one (a stroke inside a drag is one step). */
export function beginStep(h: EditHistory): EditHistory {
  return h.open !== null ? h : { ...h, open: EMPTY_PATCH };
}

/** Closes the open step; an empty step leaves no trace in the undo stack. */
export function endStep(h: EditHistory): EditHistory {
  if (h.open === null) return h;
  if (isEmptyPatch(h.open)) return { ...h, open: null };
  return { ...h, undoStack: [...h.undoStack, h.open], redoStack: [], open: null };
}

/** Esc: rolls the document back to the mark and closes the step. */
export function cancelStep(h: EditHistory): HistoryResult {
  if (h.open === null) return { history: h, applied: EMPTY_PATCH };
  const applied = invertPatch(h.open);
  return { history: { ...h, doc: applyPatch(h.doc, applied), open: null }, applied };
}

/** Undo; with a step open it cancels that step first (that is the undo the user sees). */
export function undo(h: EditHistory): HistoryResult {
  if (h.open !== null && !isEmptyPatch(h.open)) return cancelStep(h);
  const base = h.open !== null ? { ...h, open: null } : h;
  const last = base.undoStack[base.undoStack.length - 1];
  if (!last) return { history: base, applied: EMPTY_PATCH };
  const applied = invertPatch(last);
  return {
    history: {
      doc: applyPatch(base.doc, applied),
      undoStack: base.undoStack.slice(0, -1),
      redoStack: [...base.redoStack, last],
      open: null,
    },
    applied,
  };
}

export function redo(h: EditHistory): HistoryResult {
  const next = h.redoStack[h.redoStack.length - 1];
  if (!next || h.open !== null) return { history: h, applied: EMPTY_PATCH };
  return {
    history: {
      doc: applyPatch(h.doc, next),
      undoStack: [...h.undoStack, next],
      redoStack: h.redoStack.slice(0, -1),
      open: null,
    },
    applied: next,
  };
}

/**
 * Replaces the document after a rebase onto the server's state. The stacks are kept: their patches apply
 * leniently, and the user keeps their undo.
 */
export function replaceDoc(h: EditHistory, doc: AnnotationDoc): EditHistory {
  return { ...h, doc };
}
