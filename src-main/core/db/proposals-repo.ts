import { createHash } from 'node:crypto';
import { type Statement } from 'better-sqlite3';
import {
  GeometrySchema,
  type Geometry,
  asImageId,
  asJobId,
  asLabelId,
  type AnnotationId,
  type ImageId,
  type JobId,
  type LabelId,
} from '@contract';
import { type AnnotationsRepo } from './annotations-repo';
import { NotFoundError, ConflictError } from './errors';
import { type Db } from './open-db';

export type ProposalSource = 'text' | 'propagated';
export type ProposalState = 'pending' | 'accepted' | 'rejected';

export interface NewProposal {
  readonly imageId: ImageId;
  readonly labelId: LabelId;
  readonly source: ProposalSource;
  readonly geometry: Geometry;
  readonly score: number;
  readonly areaPx: number;
  readonly jobId?: JobId | null;
}

export interface Proposal extends NewProposal {
  readonly id: number;
  readonly state: ProposalState;
  readonly jobId: JobId | null;
  readonly createdAtMs: number;
}

interface RawProposal {
  id: number;
  image_id: number;
  label_id: number;
  job_id: number | null;
  source: ProposalSource;
  geometry: string;
  score: number;
  area: number;
  state: ProposalState;
  created_at: number;
}

/** Edits the reviewer made before accepting ("edit" in the review queue). */
export interface AcceptEdits {
  readonly labelId?: LabelId;
  readonly geometry?: Geometry;
}

/**
 * Machine proposals (auto-label, propagation, "label these") waiting for review, in their own table so
 * that nothing reaches the annotations until a person accepts it. The same geometry for the same image,
 * label and source is stored once (UNIQUE fingerprint), which is what makes a resumed job idempotent.
 */
export class ProposalsRepo {
  readonly #annotations: AnnotationsRepo;
  readonly #db: Db;
  readonly #insert: Statement;
  readonly #get: Statement;
  readonly #listByState: Statement;
  readonly #listAll: Statement;
  readonly #setState: Statement;
  readonly #pendingCount: Statement;
  readonly #setReview: Statement;
  readonly #imageRevision: Statement;
  readonly #queue: Statement;
  readonly #counts: Statement;
  readonly #rejectAll: Statement;
  readonly #leaveReview: Statement;

  constructor(db: Db, annotations: AnnotationsRepo) {
    this.#annotations = annotations;
    this.#db = db;
    this.#insert = this.#db.prepare(
      `INSERT OR IGNORE INTO proposals (image_id, label_id, job_id, source, geometry, score, area, fingerprint, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#get = this.#db.prepare('SELECT * FROM proposals WHERE id = ?');
    this.#listByState = this.#db.prepare(
      'SELECT * FROM proposals WHERE image_id = ? AND state = ? ORDER BY score DESC, id',
    );
    this.#listAll = this.#db.prepare('SELECT * FROM proposals WHERE image_id = ? ORDER BY score DESC, id');
    this.#setState = this.#db.prepare(`UPDATE proposals SET state = ? WHERE id = ? AND state = 'pending'`);
    this.#pendingCount = this.#db
      .prepare(`SELECT COUNT(*) FROM proposals WHERE image_id = ? AND state = 'pending'`)
      .pluck();
    this.#imageRevision = this.#db.prepare('SELECT revision FROM images WHERE id = ?').pluck();
    this.#setReview = this.#db.prepare(`UPDATE images SET status = 'review' WHERE id = ?`);
    this.#queue = this.#db.prepare(
      `SELECT image_id, COUNT(*) AS n FROM proposals WHERE state = 'pending'
       GROUP BY image_id ORDER BY image_id LIMIT ?`,
    );
    this.#counts = this.#db.prepare('SELECT state, COUNT(*) AS n FROM proposals GROUP BY state');
    this.#rejectAll = this.#db.prepare(
      `UPDATE proposals SET state = 'rejected' WHERE image_id = ? AND state = 'pending'`,
    );
    this.#leaveReview = this.#db.prepare(
      `UPDATE images SET status = 'in_progress' WHERE id = ? AND status = 'review'`,
    );
  }

  /**
   * Stores new proposals and puts their images in review status, in one transaction (a savepoint inside
   * a job item's own): what every proposing job commits. Exact repeats are ignored; returns how many
   * were new.
   */
  propose(proposals: readonly NewProposal[]): number {
    return this.#db.transaction(() => {
      const added = this.insertMany(proposals);
      for (const imageId of new Set(proposals.map((p) => p.imageId))) this.#setReview.run(imageId);
      return added;
    })();
  }

  /** Inserts, ignoring exact repeats; returns how many were new. Callers wrap it in their transaction. */
  insertMany(proposals: readonly NewProposal[]): number {
    let added = 0;
    const now = Date.now();
    for (const p of proposals) {
      const geometry = JSON.stringify(p.geometry);
      const fingerprint = createHash('sha1').update(geometry).digest('hex');
      added += this.#insert.run(
        p.imageId,
        p.labelId,
        p.jobId ?? null,
        p.source,
        geometry,
        p.score,
        p.areaPx,
        fingerprint,
        now,
      ).changes;
    }
    return added;
  }

  get(id: number): Proposal {
    const raw = this.#get.get(id) as RawProposal | undefined;
    if (!raw) throw new NotFoundError(`proposal ${id} does not exist in this project`, { proposalId: id });
    return toProposal(raw);
  }

  /** An image's proposals, best score first; `state` default 'pending' ('all' for every state). */
  list(imageId: ImageId, state: ProposalState | 'all' = 'pending'): Proposal[] {
    const rows = state === 'all' ? this.#listAll.all(imageId) : this.#listByState.all(imageId, state);
    return (rows as RawProposal[]).map(toProposal);
  }

  /** The review queue: images with pending proposals, in id order, with their counts. */
  reviewQueue(limit = 1000): { imageId: ImageId; pending: number }[] {
    return (this.#queue.all(limit) as { image_id: number; n: number }[]).map((r) => ({
      imageId: asImageId(r.image_id),
      pending: r.n,
    }));
  }

  counts(): Record<ProposalState, number> {
    const out: Record<ProposalState, number> = { pending: 0, accepted: 0, rejected: 0 };
    const rows = this.#counts.all() as { state: ProposalState; n: number }[];
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** Turns one pending proposal into an annotation (optionally edited) at the image's current revision. */
  accept(id: number, edits: AcceptEdits = {}): { annotationId: AnnotationId; revision: number } {
    return this.#db
      .transaction(() => {
        const p = this.#pending(id);
        const result = this.#addAnnotations(p.imageId, [{ ...p, ...edits }]);
        this.#setState.run('accepted', id);
        this.#afterReview(p.imageId);
        const added = result.ids[0];
        if (added === undefined) throw new Error(`accepting proposal ${id} added no annotation`);
        return { annotationId: added, revision: result.revision };
      })
      .immediate();
  }

  /** Accepts every pending proposal of an image in one patch (one revision). */
  acceptAll(imageId: ImageId): { annotationIds: AnnotationId[]; revision: number } {
    return this.#db
      .transaction(() => {
        const pending = this.list(imageId, 'pending');
        const result = this.#addAnnotations(imageId, pending);
        for (const p of pending) this.#setState.run('accepted', p.id);
        this.#afterReview(imageId);
        return { annotationIds: result.ids, revision: result.revision };
      })
      .immediate();
  }

  reject(id: number): void {
    this.#db
      .transaction(() => {
        const p = this.#pending(id);
        this.#setState.run('rejected', id);
        this.#afterReview(p.imageId);
      })
      .immediate();
  }

  rejectAll(imageId: ImageId): number {
    return this.#db
      .transaction(() => {
        const n = this.#rejectAll.run(imageId).changes;
        this.#afterReview(imageId);
        return n;
      })
      .immediate();
  }

  #pending(id: number): Proposal {
    const p = this.get(id);
    if (p.state !== 'pending')
      throw new ConflictError(`proposal ${id} was already ${p.state}`, { proposalId: id });
    return p;
  }

  #addAnnotations(
    imageId: ImageId,
    items: readonly {
      labelId: LabelId;
      geometry: Geometry;
      score: number;
      source: ProposalSource;
      id: number;
    }[],
  ): { ids: AnnotationId[]; revision: number } {
    const base = this.#imageRevision.get(imageId) as number | undefined;
    if (base === undefined)
      throw new NotFoundError(`image ${imageId} does not exist in this project`, { imageId });
    const patch = this.#annotations.applyPatch(
      imageId,
      {
        added: items.map((p) => ({
          clientId: `proposal-${p.id}`,
          labelId: p.labelId,
          geometry: p.geometry,
          score: Math.min(1, Math.max(0, p.score)),
          source: p.source,
        })),
      },
      base,
    );
    return { ids: patch.added.map((a) => a.id), revision: patch.revision };
  }

  /** Once an image has nothing left to review, it moves from 'review' to 'in_progress'. */
  #afterReview(imageId: ImageId): void {
    if ((this.#pendingCount.get(imageId) as number) > 0) return;
    this.#leaveReview.run(imageId);
  }
}

function toProposal(raw: RawProposal): Proposal {
  return {
    id: raw.id,
    imageId: asImageId(raw.image_id),
    labelId: asLabelId(raw.label_id),
    jobId: raw.job_id === null ? null : asJobId(raw.job_id),
    source: raw.source,
    geometry: GeometrySchema.parse(JSON.parse(raw.geometry)),
    score: raw.score,
    areaPx: raw.area,
    state: raw.state,
    createdAtMs: raw.created_at,
  };
}
