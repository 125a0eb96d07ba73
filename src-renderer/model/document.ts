import { type ImageId, type AnnotationId } from '@contract';
import { type Annotation, annotationsEqual } from './annotation';
import { type Patch } from './patch';

/** The annotations of one image. Immutable: every edit makes a new doc (and a new Map). */
export interface AnnotationDoc {
  readonly imageId: ImageId;
  readonly byId: ReadonlyMap<AnnotationId, Annotation>;
}

export function createDoc(imageId: ImageId, annotations: Iterable<Annotation> = []): AnnotationDoc {
  return { imageId, byId: new Map([...annotations].map((a) => [a.id, a])) };
}

const sortedCache = new WeakMap<ReadonlyMap<AnnotationId, Annotation>, readonly Annotation[]>();

/** Annotations in drawing order (creation order = id order), cached per doc revision. */
export function listAnnotations(doc: AnnotationDoc): readonly Annotation[] {
  let list = sortedCache.get(doc.byId);
  if (!list) {
    list = [...doc.byId.values()].sort((a, b) => a.id - b.id);
    sortedCache.set(doc.byId, list);
  }
  return list;
}

/**
 * Applies a patch. It is lenient on purpose: after a rebase onto the server's state an old undo step may
 * refer to an annotation someone else changed, and the user's undo must still do its best instead of
 * throwing. Use `patchProblems` to check that a patch applies exactly.
 */
export function applyPatch(doc: AnnotationDoc, patch: Patch): AnnotationDoc {
  if (patch.added.length === 0 && patch.updated.length === 0 && patch.removed.length === 0) return doc;
  const byId = new Map(doc.byId);
  for (const a of patch.removed) byId.delete(a.id);
  for (const u of patch.updated) byId.set(u.to.id, u.to);
  for (const a of patch.added) byId.set(a.id, a);
  return { imageId: doc.imageId, byId };
}

/** Why `patch` does not apply exactly to `doc` (empty when it does). */
export function patchProblems(doc: AnnotationDoc, patch: Patch): string[] {
  const problems: string[] = [];
  for (const a of patch.removed) {
    const cur = doc.byId.get(a.id);
    if (!cur) problems.push(`removed annotation ${a.id} is not in the document`);
    else if (!annotationsEqual(cur, a)) problems.push(`removed annotation ${a.id} differs from the document`);
  }
  for (const u of patch.updated) {
    const cur = doc.byId.get(u.from.id);
    if (u.from.id !== u.to.id) problems.push(`update changes the id ${u.from.id} to ${u.to.id}`);
    if (!cur) problems.push(`updated annotation ${u.from.id} is not in the document`);
    else if (!annotationsEqual(cur, u.from))
      problems.push(`updated annotation ${u.from.id} differs from "from"`);
  }
  for (const a of patch.added) {
    if (doc.byId.has(a.id)) problems.push(`added annotation ${a.id} is already in the document`);
  }
  return problems;
}

export function docsEqual(a: AnnotationDoc, b: AnnotationDoc): boolean {
  if (a.imageId !== b.imageId || a.byId.size !== b.byId.size) return false;
  for (const [id, ann] of a.byId) {
    const other = b.byId.get(id);
    if (!other || !annotationsEqual(ann, other)) return false;
  }
  return true;
}
