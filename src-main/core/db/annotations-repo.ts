import { type Statement } from 'better-sqlite3';
import {
  AttributeSpecsSchema,
  type Attributes,
  type AttributeSpec,
  type Geometry,
  GeometrySchema,
  asAnnotationId,
  asImageId,
  asLabelId,
  type AnnotationId,
  type ImageId,
  type LabelId,
  type Annotation,
} from '@contract';
import { checkAttributes, checkGeometry, checkGroup, checkScore } from './annotation-checks';
import { InvalidInputError, NotFoundError, RevisionConflictError } from './errors';
import { type Db, writeTx } from './open-db';

/** The store's view of a patch: the contract's Patch, with every list optional (core callers omit them). */
export interface AnnotationPatch {
  readonly added?: readonly NewAnnotationInput[];
  readonly updated?: readonly AnnotationUpdateInput[];
  readonly removed?: readonly AnnotationId[];
}

export interface NewAnnotationInput {
  readonly clientId: string;
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score: number | null;
  readonly source: Annotation['source'];
  readonly iscrowd?: boolean;
  readonly attributes?: Attributes;
  readonly groupId?: number | null;
}

export interface AnnotationUpdateInput {
  readonly id: AnnotationId;
  readonly labelId?: LabelId;
  readonly geometry?: Geometry;
  readonly score?: number | null;
  readonly iscrowd?: boolean;
  readonly attributes?: Attributes;
  readonly groupId?: number | null;
}

/** One annotation of a bulk import (source `imported`). */
export interface ImportedAnnotation {
  readonly imageId: ImageId;
  readonly labelId: LabelId;
  readonly geometry: Geometry;
  readonly score: number | null;
  readonly iscrowd: boolean;
  readonly attributes: Attributes;
  readonly groupId: number | null;
}

export interface PatchResult {
  readonly revision: number;
  readonly added: { clientId: string; id: AnnotationId }[];
}

interface RawAnnotation {
  id: number;
  image_id: number;
  label_id: number;
  geometry: string;
  score: number | null;
  source: Annotation['source'];
  iscrowd: number;
  attributes: string;
  group_id: number | null;
}

const COLUMNS = 'id, image_id, label_id, geometry, score, source, iscrowd, attributes, group_id';

const SOURCES = new Set(['manual', 'click', 'text', 'propagated', 'imported']);

/** An image touched by an import batch: its next revision, and the shapes seen when it had none before. */
interface BatchImage {
  readonly revision: number;
  readonly width: number;
  readonly height: number;
  readonly seen: Set<string> | null;
}

/**
 * Annotations with a per-image revision counter. Every change goes through `applyPatch`, one IMMEDIATE
 * transaction, so that a patch is either wholly visible or not at all (also across kill -9).
 */
export class AnnotationsRepo {
  readonly #db: Db;
  readonly #imageRev: Statement;
  readonly #hasAny: Statement;
  readonly #list: Statement;
  readonly #labelExists: Statement;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #delete: Statement;
  readonly #setRev: Statement;
  readonly #count: Statement;
  readonly #byClientId: Statement;
  readonly #same: Statement;
  readonly #maxGroup: Statement;
  readonly #labelOfAnnotation: Statement;
  readonly #imagesWithLabel: Statement;
  readonly #ofLabel: Statement;
  readonly #shape: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#imageRev = db.prepare('SELECT revision, width, height FROM images WHERE id = ?');
    this.#hasAny = db.prepare('SELECT 1 FROM annotations WHERE image_id = ? LIMIT 1').pluck();
    this.#list = db.prepare(`SELECT ${COLUMNS} FROM annotations WHERE image_id = ? ORDER BY id`);
    this.#labelExists = db.prepare('SELECT attributes FROM labels WHERE id = ?').pluck();
    this.#insert = db.prepare(
      `INSERT INTO annotations (image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision, client_id, iscrowd, attributes, group_id)
       VALUES (@imageId, @labelId, @kind, @geometry, @score, @source, @now, @now, @revision, @clientId, @iscrowd, @attributes, @groupId)`,
    );
    this.#same = db
      .prepare(
        'SELECT 1 FROM annotations WHERE label_id = ? AND image_id = ? AND kind = ? AND geometry = ? LIMIT 1',
      )
      .pluck();
    this.#labelOfAnnotation = db
      .prepare('SELECT label_id FROM annotations WHERE id = ? AND image_id = ?')
      .pluck();
    this.#maxGroup = db
      .prepare('SELECT COALESCE(MAX(group_id), 0) FROM annotations WHERE image_id = ?')
      .pluck();
    this.#byClientId = db.prepare('SELECT id FROM annotations WHERE image_id = ? AND client_id = ?').pluck();
    this.#update = db.prepare(
      `UPDATE annotations SET
         label_id = COALESCE(@labelId, label_id),
         kind = COALESCE(@kind, kind),
         geometry = COALESCE(@geometry, geometry),
         score = CASE WHEN @setScore = 1 THEN @score ELSE score END,
         iscrowd = COALESCE(@iscrowd, iscrowd),
         attributes = COALESCE(@attributes, attributes),
         group_id = CASE WHEN @setGroup = 1 THEN @groupId ELSE group_id END,
         updated_at = @now, revision = @revision
       WHERE id = @id AND image_id = @imageId`,
    );
    this.#delete = db.prepare('DELETE FROM annotations WHERE id = ? AND image_id = ?');
    this.#setRev = db.prepare('UPDATE images SET revision = ? WHERE id = ?');
    this.#count = db.prepare('SELECT COUNT(*) FROM annotations').pluck();
    this.#imagesWithLabel = db
      .prepare('SELECT DISTINCT image_id FROM annotations WHERE label_id = ? ORDER BY image_id')
      .pluck();
    this.#ofLabel = db.prepare(
      'SELECT image_id, geometry FROM annotations WHERE label_id = ? ORDER BY image_id, id',
    );
    this.#shape = db.prepare('SELECT image_id, geometry FROM annotations WHERE id = ?');
  }

  /** The images that have at least one annotation of the label, in id order. */
  imageIdsWithLabel(labelId: LabelId): ImageId[] {
    return (this.#imagesWithLabel.all(labelId) as number[]).map(asImageId);
  }

  /** Every shape of the label, by image then annotation id. */
  shapesOfLabel(labelId: LabelId): AnnotationShape[] {
    return (this.#ofLabel.all(labelId) as RawShape[]).map(toShape);
  }

  /** One annotation's image and geometry, or undefined. */
  findShape(id: AnnotationId): AnnotationShape | undefined {
    const raw = this.#shape.get(id) as RawShape | undefined;
    return raw && toShape(raw);
  }

  count(): number {
    return this.#count.get() as number;
  }

  list(imageId: ImageId): { revision: number; items: Annotation[] } {
    const read = this.#db.transaction(() => {
      const image = this.#image(imageId);
      const items = (this.#list.all(imageId) as RawAnnotation[]).map(toAnnotation);
      return { revision: image.revision, items };
    });
    return read.deferred();
  }

  /**
   * Applies removed, then updated, then added, in one transaction, and returns the new revision. Throws
   * RevisionConflictError when `baseRevision` is not the image's current revision, and InvalidInputError
   * or NotFoundError (nothing applied) for bad geometry, unknown labels or annotations of another image.
   */
  applyPatch(imageId: ImageId, patch: AnnotationPatch, baseRevision: number): PatchResult {
    const added = patch.added ?? [];
    const updated = patch.updated ?? [];
    const removed = patch.removed ?? [];
    return writeTx(this.#db, (): PatchResult => {
      const image = this.#image(imageId);
      if (image.revision !== baseRevision)
        throw new RevisionConflictError(imageId, baseRevision, image.revision);
      if (added.length + updated.length + removed.length === 0)
        return { revision: image.revision, added: [] };
      const revision = image.revision + 1;
      const now = Date.now();
      const specsOf = this.#specCache();
      removed.forEach((id, i) => {
        if (this.#delete.run(id, imageId).changes === 0) {
          throw new NotFoundError(`removed[${i}]: annotation ${id} does not exist on image ${imageId}`);
        }
      });
      updated.forEach((u, i) => {
        const field = `updated[${i}]`;
        if (u.labelId !== undefined) this.#assertLabel(u.labelId, `${field}.labelId`);
        const geometry =
          u.geometry === undefined ? undefined : checkGeometry(u.geometry, image, `${field}.geometry`);
        if (u.score !== undefined) checkScore(u.score, `${field}.score`);
        if (u.groupId !== undefined) checkGroup(u.groupId, `${field}.groupId`);
        let attributes: string | null = null;
        if (u.attributes !== undefined) {
          const labelId = u.labelId ?? this.#labelOf(u.id, imageId, field);
          attributes = JSON.stringify(checkAttributes(u.attributes, specsOf(labelId), `${field}.attributes`));
        }
        const changes = this.#update.run({
          id: u.id,
          imageId,
          labelId: u.labelId ?? null,
          kind: geometry?.kind ?? null,
          geometry: geometry === undefined ? null : JSON.stringify(geometry),
          setScore: u.score === undefined ? 0 : 1,
          score: u.score ?? null,
          iscrowd: u.iscrowd === undefined ? null : u.iscrowd ? 1 : 0,
          attributes,
          setGroup: u.groupId === undefined ? 0 : 1,
          groupId: u.groupId ?? null,
          now,
          revision,
        }).changes;
        if (changes === 0)
          throw new NotFoundError(`${field}: annotation ${u.id} does not exist on image ${imageId}`);
      });
      const addedIds = added.map((a, i) => {
        const field = `added[${i}]`;
        this.#assertLabel(a.labelId, `${field}.labelId`);
        const geometry = checkGeometry(a.geometry, image, `${field}.geometry`);
        checkScore(a.score, `${field}.score`);
        if (!SOURCES.has(a.source))
          throw new InvalidInputError(`${field}.source`, `unknown source "${a.source}"`);
        const attributes = checkAttributes(a.attributes ?? {}, specsOf(a.labelId), `${field}.attributes`);
        checkGroup(a.groupId ?? null, `${field}.groupId`);
        // Already added by an earlier send of this patch whose answer was lost: the same annotation.
        const existing = this.#byClientId.get(imageId, a.clientId) as number | undefined;
        if (existing !== undefined) return { clientId: a.clientId, id: asAnnotationId(existing) };
        const info = this.#insert.run({
          imageId,
          labelId: a.labelId,
          kind: geometry.kind,
          geometry: JSON.stringify(geometry),
          score: a.score,
          source: a.source,
          now,
          revision,
          clientId: a.clientId,
          iscrowd: a.iscrowd === true ? 1 : 0,
          attributes: JSON.stringify(attributes),
          groupId: a.groupId ?? null,
        });
        return { clientId: a.clientId, id: asAnnotationId(Number(info.lastInsertRowid)) };
      });
      this.#setRev.run(revision, imageId);
      return { revision, added: addedIds };
    });
  }

  /**
   * Adds imported annotations in one transaction, skipping any that the image already has (same label,
   * kind and geometry), so that importing a file twice adds nothing. Each touched image's revision goes
   * up once. Throws (nothing applied) on bad input, naming `where[i]` of the failing item.
   */
  importBatch(
    items: readonly ImportedAnnotation[],
    where: (index: number) => string = (i) => `annotations[${i}]`,
  ): { added: number; duplicates: number } {
    if (items.length === 0) return { added: 0, duplicates: 0 };
    return writeTx(this.#db, () => {
      const now = Date.now();
      const specsOf = this.#specCache();
      const images = new Map<number, BatchImage>();
      let added = 0;
      let duplicates = 0;
      items.forEach((a, i) => {
        const field = where(i);
        let image = images.get(a.imageId);
        if (image === undefined) {
          const current = this.#image(a.imageId);
          // An image without annotations yet (the usual import) needs no query per shape: only shapes of
          // this batch can repeat, and a set of them answers.
          const seen = this.#hasAny.get(a.imageId) === undefined ? new Set<string>() : null;
          image = { ...current, revision: current.revision + 1, seen };
          images.set(a.imageId, image);
        }
        const geometry = checkGeometry(a.geometry, image, `${field}.geometry`);
        const json = JSON.stringify(geometry);
        if (image.seen === null) {
          if (this.#same.get(a.labelId, a.imageId, geometry.kind, json) !== undefined) {
            duplicates++;
            return;
          }
        } else {
          // The JSON text holds the kind, so equal texts are equal shapes of one kind.
          const key = `${a.labelId}|${json}`;
          if (image.seen.has(key)) {
            duplicates++;
            return;
          }
          image.seen.add(key);
        }
        checkScore(a.score, `${field}.score`);
        checkGroup(a.groupId, `${field}.groupId`);
        const attributes = checkAttributes(a.attributes, specsOf(a.labelId), `${field}.attributes`);
        this.#insert.run({
          imageId: a.imageId,
          labelId: a.labelId,
          kind: geometry.kind,
          geometry: json,
          score: a.score,
          source: 'imported',
          now,
          revision: image.revision,
          clientId: null,
          iscrowd: a.iscrowd ? 1 : 0,
          attributes: JSON.stringify(attributes),
          groupId: a.groupId,
        });
        added++;
      });
      for (const [id, image] of images) this.#setRev.run(image.revision, id);
      return { added, duplicates };
    });
  }

  /** The largest group id used on the image (0 when none): new groups are numbered above it. */
  maxGroupId(imageId: ImageId): number {
    return this.#maxGroup.get(imageId) as number;
  }

  /** Attribute specs per label, read once per transaction; throws NotFoundError for unknown labels. */
  #specCache(): (labelId: LabelId, field?: string) => readonly AttributeSpec[] {
    const cache = new Map<number, readonly AttributeSpec[]>();
    return (labelId, field = 'labelId') => {
      let specs = cache.get(labelId);
      if (specs === undefined) {
        const raw = this.#labelExists.get(labelId) as string | undefined;
        if (raw === undefined) {
          throw new NotFoundError(`${field}: label ${labelId} does not exist in this project`, { field });
        }
        specs = AttributeSpecsSchema.parse(JSON.parse(raw));
        cache.set(labelId, specs);
      }
      return specs;
    };
  }

  #labelOf(id: AnnotationId, imageId: ImageId, field: string): LabelId {
    const row = this.#labelOfAnnotation.get(id, imageId) as number | undefined;
    if (row === undefined)
      throw new NotFoundError(`${field}: annotation ${id} does not exist on image ${imageId}`);
    return asLabelId(row);
  }

  #image(imageId: ImageId): { revision: number; width: number; height: number } {
    const row = this.#imageRev.get(imageId) as
      { revision: number; width: number; height: number } | undefined;
    if (!row) throw new NotFoundError(`image ${imageId} does not exist in this project`, { imageId });
    return row;
  }

  #assertLabel(labelId: LabelId, field: string): void {
    if (this.#labelExists.get(labelId) === undefined) {
      throw new NotFoundError(`${field}: label ${labelId} does not exist in this project`, { field });
    }
  }
}

/** Where an annotation is and what it covers (what search and propagation read). */
export interface AnnotationShape {
  readonly imageId: ImageId;
  readonly geometry: Geometry;
}

interface RawShape {
  image_id: number;
  geometry: string;
}

function toShape(raw: RawShape): AnnotationShape {
  return { imageId: asImageId(raw.image_id), geometry: GeometrySchema.parse(JSON.parse(raw.geometry)) };
}

function toAnnotation(raw: RawAnnotation): Annotation {
  return {
    id: asAnnotationId(raw.id),
    imageId: asImageId(raw.image_id),
    labelId: asLabelId(raw.label_id),
    geometry: JSON.parse(raw.geometry) as Geometry,
    score: raw.score,
    source: raw.source,
    iscrowd: raw.iscrowd === 1,
    attributes: JSON.parse(raw.attributes) as Attributes,
    groupId: raw.group_id,
  };
}
