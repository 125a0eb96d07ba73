import {
  type AnnotationSource,
  type Attributes,
  type Geometry,
  type AnnotationId,
  type LabelId,
} from '@contract';

/** One annotation in the editor: the stored fields plus editor-only visibility and lock flags. */
export interface Annotation extends StoredAnnotationFields {
  readonly id: AnnotationId;
  readonly hidden: boolean;
  readonly locked: boolean;
}

/** The fields the backend stores (hidden and locked are per-session view state). */
export interface StoredAnnotationFields {
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score: number | null;
  readonly source: AnnotationSource;
  /** COCO iscrowd: a region of many objects. */
  readonly iscrowd: boolean;
  /** Values of the label's attributes (and of any attribute an import brought). */
  readonly attributes: Attributes;
  /** Shapes with the same group id are one object. */
  readonly groupId: number | null;
}

/** The stored fields of an editor annotation, or of a row the backend sent (which has more). */
export function storedFields(a: StoredAnnotationFields): StoredAnnotationFields {
  return {
    labelId: a.labelId,
    geometry: a.geometry,
    score: a.score,
    source: a.source,
    iscrowd: a.iscrowd,
    attributes: a.attributes,
    groupId: a.groupId,
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function geometryEquals(a: Geometry, b: Geometry): boolean {
  return deepEqual(a, b);
}

export function storedFieldsEqual(a: Annotation, b: Annotation): boolean {
  return (
    a.labelId === b.labelId &&
    a.score === b.score &&
    a.source === b.source &&
    a.iscrowd === b.iscrowd &&
    a.groupId === b.groupId &&
    deepEqual(a.attributes, b.attributes) &&
    geometryEquals(a.geometry, b.geometry)
  );
}

export function annotationsEqual(a: Annotation, b: Annotation): boolean {
  if (a === b) return true;
  return a.id === b.id && a.hidden === b.hidden && a.locked === b.locked && storedFieldsEqual(a, b);
}

/**
 * Ids for annotations created in this session. They start far above any id the backend hands out for
 * loaded annotations, so a new local id never collides with a stored one; the autosave queue maps local
 * ids to the ids the backend assigns.
 */
export const FIRST_LOCAL_ID = 2 ** 40;

export interface IdAllocator {
  next(): AnnotationId;
}

export function createIdAllocator(first = FIRST_LOCAL_ID): IdAllocator {
  let n = first;
  return { next: () => n++ as AnnotationId };
}
