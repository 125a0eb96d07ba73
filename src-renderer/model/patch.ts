import { type AnnotationId } from '@contract';
import { type Annotation, annotationsEqual } from './annotation';

export interface AnnotationUpdate {
  readonly from: Annotation;
  readonly to: Annotation;
}

/** The unit of change: everything the history, the autosave queue and the canvas exchange. */
export interface Patch {
  readonly added: readonly Annotation[];
  readonly updated: readonly AnnotationUpdate[];
  readonly removed: readonly Annotation[];
}

export const EMPTY_PATCH: Patch = { added: [], updated: [], removed: [] };

export function isEmptyPatch(p: Patch): boolean {
  return p.added.length === 0 && p.updated.length === 0 && p.removed.length === 0;
}

export function invertPatch(p: Patch): Patch {
  return {
    added: p.removed,
    removed: p.added,
    updated: p.updated.map((u) => ({ from: u.to, to: u.from })),
  };
}

/** before/after of one annotation: null means "absent". */
interface Change {
  before: Annotation | null;
  after: Annotation | null;
}

function changesOf(p: Patch): Array<[AnnotationId, Change]> {
  return [
    ...p.removed.map((a): [AnnotationId, Change] => [a.id, { before: a, after: null }]),
    ...p.updated.map((u): [AnnotationId, Change] => [u.from.id, { before: u.from, after: u.to }]),
    ...p.added.map((a): [AnnotationId, Change] => [a.id, { before: null, after: a }]),
  ];
}

function patchOfChanges(changes: Iterable<Change>): Patch {
  const added: Annotation[] = [];
  const updated: AnnotationUpdate[] = [];
  const removed: Annotation[] = [];
  for (const { before, after } of changes) {
    if (before === null && after !== null) added.push(after);
    else if (before !== null && after === null) removed.push(before);
    else if (before !== null && after !== null && !annotationsEqual(before, after)) {
      updated.push({ from: before, to: after });
    }
  }
  return { added, updated, removed };
}

/**
 * One patch with the effect of applying `patches` in order. Per annotation only the first "before" and the
 * last "after" survive, so add+remove cancels out and a stroke of 200 updates becomes one.
 */
export function squashPatches(...patches: readonly Patch[]): Patch {
  const byId = new Map<AnnotationId, Change>();
  for (const p of patches) {
    for (const [id, change] of changesOf(p)) {
      const prev = byId.get(id);
      if (prev) prev.after = change.after;
      else byId.set(id, { ...change });
    }
  }
  return patchOfChanges(byId.values());
}
