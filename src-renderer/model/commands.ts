import {
  type AnnotationSource,
  type Attributes,
  type Geometry,
  type AnnotationId,
  type LabelId,
} from '@contract';
import { type Annotation, type IdAllocator, type StoredAnnotationFields, storedFields } from './annotation';
import { type AnnotationDoc, listAnnotations } from './document';
import { translateGeometry } from './geometry-ops';
import { bitmapToRle } from './mask-bitmap';
import { maskBitmapOf } from './geometry-ops';
import { EMPTY_PATCH, type Patch } from './patch';

/** Every edit is a command: a function of the current document that returns the patch to apply. */
export type Command = (doc: AnnotationDoc) => Patch;

export interface NewAnnotationInput {
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score?: number | null;
  readonly source?: AnnotationSource;
  readonly iscrowd?: boolean;
  readonly attributes?: Attributes;
  readonly groupId?: number | null;
}

export function makeAnnotation(id: AnnotationId, input: NewAnnotationInput): Annotation {
  return {
    id,
    labelId: input.labelId,
    geometry: input.geometry,
    score: input.score ?? null,
    source: input.source ?? 'manual',
    iscrowd: input.iscrowd ?? false,
    attributes: input.attributes ?? {},
    groupId: input.groupId ?? null,
    hidden: false,
    locked: false,
  };
}

export const addAnnotations =
  (annotations: readonly Annotation[]): Command =>
  () => ({ added: annotations, updated: [], removed: [] });

export const removeAnnotations =
  (ids: readonly AnnotationId[]): Command =>
  (doc) => ({
    added: [],
    updated: [],
    removed: ids.flatMap((id) => {
      const a = doc.byId.get(id);
      return a ? [a] : [];
    }),
  });

/** Updates each listed annotation with `fn`; unchanged results are left out of the patch. */
export const updateAnnotations =
  (ids: readonly AnnotationId[], fn: (a: Annotation) => Annotation): Command =>
  (doc) => {
    const updated = ids.flatMap((id) => {
      const from = doc.byId.get(id);
      if (!from) return [];
      const to = fn(from);
      return to === from ? [] : [{ from, to }];
    });
    return updated.length === 0 ? EMPTY_PATCH : { added: [], updated, removed: [] };
  };

export const setLabel = (ids: readonly AnnotationId[], labelId: LabelId): Command =>
  updateAnnotations(ids, (a) => (a.labelId === labelId ? a : { ...a, labelId }));

export const setHidden = (ids: readonly AnnotationId[], hidden: boolean): Command =>
  updateAnnotations(ids, (a) => (a.hidden === hidden ? a : { ...a, hidden }));

export const setLocked = (ids: readonly AnnotationId[], locked: boolean): Command =>
  updateAnnotations(ids, (a) => (a.locked === locked ? a : { ...a, locked }));

export const setIscrowd = (ids: readonly AnnotationId[], iscrowd: boolean): Command =>
  updateAnnotations(ids, (a) => (a.iscrowd === iscrowd ? a : { ...a, iscrowd }));

/** Sets one attribute's value (undefined removes it) on every listed annotation. */
export const setAttribute = (
  ids: readonly AnnotationId[],
  name: string,
  value: Attributes[string] | undefined,
): Command =>
  updateAnnotations(ids, (a) => {
    if (a.attributes[name] === value) return a;
    const { [name]: _old, ...rest } = a.attributes;
    return { ...a, attributes: value === undefined ? rest : { ...rest, [name]: value } };
  });

/** Puts the listed annotations in one new group (null: out of any group). */
export const setGroup = (ids: readonly AnnotationId[], groupId: number | null): Command =>
  updateAnnotations(ids, (a) => (a.groupId === groupId ? a : { ...a, groupId }));

/** A group id no annotation of the document uses yet. */
export function freeGroupId(doc: AnnotationDoc): number {
  let max = 0;
  for (const a of doc.byId.values()) if (a.groupId !== null && a.groupId > max) max = a.groupId;
  return max + 1;
}

export const setGeometry = (id: AnnotationId, geometry: Geometry): Command =>
  updateAnnotations([id], (a) => (a.geometry === geometry ? a : { ...a, geometry }));

export const translateAnnotations = (ids: readonly AnnotationId[], dx: number, dy: number): Command =>
  updateAnnotations(ids, (a) =>
    dx === 0 && dy === 0 ? a : { ...a, geometry: translateGeometry(a.geometry, dx, dy) },
  );

/** Copies of the listed annotations, shifted by `offsetPx`, with new ids and manual source. */
export const duplicateAnnotations =
  (ids: readonly AnnotationId[], alloc: IdAllocator, offsetPx = 10): Command =>
  (doc) => ({
    added: listAnnotations(doc)
      .filter((a) => ids.includes(a.id))
      .map((a) => ({
        ...a,
        id: alloc.next(),
        geometry: translateGeometry(a.geometry, offsetPx, offsetPx),
        // A copy is another object: it joins none of the original's groups.
        groupId: null,
        hidden: false,
        locked: false,
      })),
    updated: [],
    removed: [],
  });

/** What copy puts on the clipboard: stored fields only, so it can be pasted into any image. */
export interface ClipboardContent {
  readonly items: readonly StoredAnnotationFields[];
}

export function copyAnnotations(doc: AnnotationDoc, ids: readonly AnnotationId[]): ClipboardContent {
  return {
    items: listAnnotations(doc)
      .filter((a) => ids.includes(a.id))
      .map(storedFields),
  };
}

/** Masks are re-encoded for the target image size; what falls outside it is cut off. */
function fitGeometryToImage(g: Geometry, imageWidthPx: number, imageHeightPx: number): Geometry | null {
  if (g.kind !== 'mask') return g;
  const [h, w] = g.rle.size;
  if (h === imageHeightPx && w === imageWidthPx) return g;
  const bm = maskBitmapOf(g.rle);
  const x1 = Math.min(bm.x + bm.widthPx, imageWidthPx);
  const y1 = Math.min(bm.y + bm.heightPx, imageHeightPx);
  if (x1 <= bm.x || y1 <= bm.y) return null;
  return { kind: 'mask', rle: bitmapToRle({ ...bm, imageWidthPx, imageHeightPx }) };
}

export const pasteAnnotations =
  (clip: ClipboardContent, alloc: IdAllocator, imageWidthPx: number, imageHeightPx: number): Command =>
  () => ({
    added: clip.items.flatMap((item) => {
      const geometry = fitGeometryToImage(item.geometry, imageWidthPx, imageHeightPx);
      // Group ids belong to their image: pasted shapes start outside any group.
      return geometry ? [makeAnnotation(alloc.next(), { ...item, geometry, groupId: null })] : [];
    }),
    updated: [],
    removed: [],
  });
