import { type Statement } from 'better-sqlite3';
import {
  GeometrySchema,
  type Geometry,
  asAnnotationId,
  asImageId,
  asLabelId,
  type AnnotationId,
  type ImageId,
  type LabelId,
  type Annotation,
} from '@contract';
import { validateRle } from '../segment/rle';
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
}

export interface AnnotationUpdateInput {
  readonly id: AnnotationId;
  readonly labelId?: LabelId;
  readonly geometry?: Geometry;
  readonly score?: number | null;
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
}

const SOURCES = new Set(['manual', 'click', 'text', 'propagated', 'imported']);

/**
 * Annotations with a per-image revision counter. Every change goes through `applyPatch`, one IMMEDIATE
 * transaction, so that a patch is either wholly visible or not at all (also across kill -9).
 */
export class AnnotationsRepo {
  readonly #db: Db;
  readonly #imageRev: Statement;
  readonly #list: Statement;
  readonly #labelExists: Statement;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #delete: Statement;
  readonly #setRev: Statement;
  readonly #count: Statement;
  readonly #byClientId: Statement;
  readonly #imagesWithLabel: Statement;
  readonly #ofLabel: Statement;
  readonly #shape: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#imageRev = db.prepare('SELECT revision, width, height FROM images WHERE id = ?');
    this.#list = db.prepare(
      'SELECT id, image_id, label_id, geometry, score, source FROM annotations WHERE image_id = ? ORDER BY id',
    );
    this.#labelExists = db.prepare('SELECT 1 FROM labels WHERE id = ?').pluck();
    this.#insert = db.prepare(
      `INSERT INTO annotations (image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision, client_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#byClientId = db.prepare('SELECT id FROM annotations WHERE image_id = ? AND client_id = ?').pluck();
    this.#update = db.prepare(
      `UPDATE annotations SET
         label_id = COALESCE(@labelId, label_id),
         kind = COALESCE(@kind, kind),
         geometry = COALESCE(@geometry, geometry),
         score = CASE WHEN @setScore = 1 THEN @score ELSE score END,
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
        const changes = this.#update.run({
          id: u.id,
          imageId,
          labelId: u.labelId ?? null,
          kind: geometry?.kind ?? null,
          geometry: geometry === undefined ? null : JSON.stringify(geometry),
          setScore: u.score === undefined ? 0 : 1,
          score: u.score ?? null,
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
        // Already added by an earlier send of this patch whose answer was lost: the same annotation.
        const existing = this.#byClientId.get(imageId, a.clientId) as number | undefined;
        if (existing !== undefined) return { clientId: a.clientId, id: asAnnotationId(existing) };
        const info = this.#insert.run(
          imageId,
          a.labelId,
          geometry.kind,
          JSON.stringify(geometry),
          a.score,
          a.source,
          now,
          now,
          revision,
          a.clientId,
        );
        return { clientId: a.clientId, id: asAnnotationId(Number(info.lastInsertRowid)) };
      });
      this.#setRev.run(revision, imageId);
      return { revision, added: addedIds };
    });
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

/** Schema check (finite coordinates within sane bounds), then mask-specific: RLE covers exactly the image. */
export function checkGeometry(
  geometry: unknown,
  image: { width: number; height: number },
  field: string,
): Geometry {
  const parsed = GeometrySchema.safeParse(geometry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
    throw new InvalidInputError(`${field}${where}`, issue?.message ?? 'invalid geometry');
  }
  const g = parsed.data;
  if (g.kind === 'mask') {
    const [h, w] = g.rle.size;
    if (h !== image.height || w !== image.width) {
      throw new InvalidInputError(
        `${field}.rle.size`,
        `mask is ${w}×${h} (size [${h}, ${w}]) but the image is ${image.width}×${image.height}`,
      );
    }
    const problem = validateRle(g.rle);
    if (problem !== null) throw new InvalidInputError(`${field}.rle.counts`, problem);
  }
  return g;
}

function checkScore(score: number | null, field: string): void {
  if (score === null) return;
  if (!Number.isFinite(score) || score < 0 || score > 1) {
    throw new InvalidInputError(field, `a score is null or a number in [0, 1], got ${score}`);
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
  };
}
