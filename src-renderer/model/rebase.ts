import { type Annotation, storedFieldsEqual } from './annotation';
import { type AnnotationDoc } from './document';
import { type AnnotationUpdate, type Patch } from './patch';

export interface RebaseResult {
  /** The unsaved edits re-expressed against the server's document. */
  readonly patch: Patch;
  /** Edits that could not be kept: changes to annotations someone else deleted. */
  readonly dropped: number;
}

/**
 * Re-applies unsaved local edits on top of the server's current state. Policy: the local edit wins for an
 * annotation that still exists (last writer wins per annotation); an edit to an annotation deleted on the
 * server is dropped and counted, so the caller can tell the user.
 */
export function rebaseOnto(server: AnnotationDoc, unsaved: Patch): RebaseResult {
  const added: Annotation[] = [];
  const updated: AnnotationUpdate[] = [];
  const removed: Annotation[] = [];
  let dropped = 0;
  for (const a of unsaved.added) {
    const cur = server.byId.get(a.id);
    if (!cur) added.push(a);
    else if (!storedFieldsEqual(cur, a)) updated.push({ from: cur, to: a });
  }
  for (const u of unsaved.updated) {
    const cur = server.byId.get(u.to.id);
    if (!cur) dropped++;
    else if (!storedFieldsEqual(cur, u.to)) updated.push({ from: cur, to: { ...u.to } });
  }
  for (const a of unsaved.removed) {
    const cur = server.byId.get(a.id);
    if (cur) removed.push(cur);
  }
  return { patch: { added, updated, removed }, dropped };
}
