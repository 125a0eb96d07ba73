import { type Statement } from 'better-sqlite3';
import {
  asImageId,
  asJobId,
  type ImageId,
  type JobId,
  type Job,
  type JobKind,
  type JobState,
} from '@contract';
import { NotFoundError } from './errors';
import { type Db } from './open-db';

/** One job as stored: the contract's Job without the ETA (which only a running job knows). */
export interface JobRecord {
  readonly id: JobId;
  readonly kind: JobKind;
  readonly state: JobState;
  readonly params: unknown;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly error: string | null;
  /** Things the job skipped and went on without (each said once). */
  readonly warnings: readonly string[];
  readonly createdAtMs: number;
  readonly startedAtMs: number | null;
  readonly finishedAtMs: number | null;
}

interface RawJob {
  id: number;
  kind: JobKind;
  params: string;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  error: string | null;
  warnings: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/**
 * The persisted job queue (tables `jobs` and `job_items`, schema v2). Every image of a job has one item
 * row; an item turns `done` in the same transaction as the results it produced, so a job restarted
 * after a crash redoes exactly the items whose results never landed.
 */
export class JobsRepo {
  readonly #db: Db;
  readonly #insertJob: Statement;
  readonly #insertItem: Statement;
  readonly #get: Statement;
  readonly #list: Statement;
  readonly #nextQueued: Statement;
  readonly #setState: Statement;
  readonly #pending: Statement;
  readonly #finishItem: Statement;
  readonly #bumpDone: Statement;
  readonly #bumpFailed: Statement;
  readonly #skipPending: Statement;
  readonly #itemStates: Statement;
  readonly #findUnfinished: Statement;
  readonly #allQueued: Statement;
  readonly #requeue: Statement;
  readonly #firstFailure: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#insertJob = db.prepare(
      `INSERT INTO jobs (kind, params, state, total, created_at) VALUES (?, ?, 'queued', ?, ?)`,
    );
    this.#insertItem = db.prepare('INSERT OR IGNORE INTO job_items (job_id, image_id) VALUES (?, ?)');
    this.#get = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.#list = db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?');
    this.#nextQueued = db.prepare(`SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1`);
    this.#setState = db.prepare(
      `UPDATE jobs SET state = @state, error = @error,
         started_at = CASE WHEN @state = 'running' THEN COALESCE(started_at, @now) ELSE started_at END,
         finished_at = CASE WHEN @state IN ('done', 'failed', 'cancelled') THEN @now ELSE NULL END
       WHERE id = @id`,
    );
    this.#pending = db.prepare(
      `SELECT image_id FROM job_items WHERE job_id = ? AND state = 'pending' AND image_id > ?
       ORDER BY image_id LIMIT ?`,
    );
    this.#finishItem = db.prepare(
      `UPDATE job_items SET state = ?, error = ?, finished_at = ? WHERE job_id = ? AND image_id = ? AND state = 'pending'`,
    );
    this.#bumpDone = db.prepare('UPDATE jobs SET done = done + 1 WHERE id = ?');
    this.#bumpFailed = db.prepare('UPDATE jobs SET done = done + 1, failed = failed + 1 WHERE id = ?');
    this.#skipPending = db.prepare(
      `UPDATE job_items SET state = 'skipped', error = ?, finished_at = ? WHERE job_id = ? AND state = 'pending'`,
    );
    this.#itemStates = db.prepare(
      'SELECT state, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY state',
    );
    this.#findUnfinished = db.prepare(
      `SELECT * FROM jobs WHERE kind = ? AND params = ? AND state IN ('queued', 'running') ORDER BY id DESC LIMIT 1`,
    );
    this.#allQueued = db.prepare(`SELECT * FROM jobs WHERE state = 'queued' ORDER BY id`);
    this.#requeue = db.prepare(`UPDATE jobs SET state = 'queued' WHERE state = 'running'`);
    this.#firstFailure = db.prepare(
      `SELECT image_id, error FROM job_items WHERE job_id = ? AND state = 'failed' ORDER BY finished_at, image_id LIMIT 1`,
    );
  }

  /** Queues a job over `imageIds` (duplicates ignored); the job and all its items land in one transaction. */
  create(kind: JobKind, params: unknown, imageIds: readonly ImageId[]): JobRecord {
    const unique = [...new Set(imageIds)];
    const id = this.#db
      .transaction(() => {
        const info = this.#insertJob.run(kind, JSON.stringify(params ?? {}), unique.length, Date.now());
        const jobId = Number(info.lastInsertRowid);
        for (const imageId of unique) this.#insertItem.run(jobId, imageId);
        return jobId;
      })
      .immediate();
    return this.get(asJobId(id));
  }

  get(id: JobId): JobRecord {
    const raw = this.#get.get(id) as RawJob | undefined;
    if (!raw) throw new NotFoundError(`job ${id} does not exist in this project`, { jobId: id });
    return toRecord(raw);
  }

  list(limit = 100): JobRecord[] {
    return (this.#list.all(Math.max(1, Math.floor(limit))) as RawJob[]).map(toRecord);
  }

  /** The newest unfinished job of this kind with exactly these params (so a re-run command resumes it). */
  findUnfinished(kind: JobKind, params: unknown): JobRecord | undefined {
    const raw = this.#findUnfinished.get(kind, JSON.stringify(params ?? {})) as RawJob | undefined;
    return raw && toRecord(raw);
  }

  /** The oldest queued job that `accept` takes (default: any). */
  nextQueued(accept?: (job: JobRecord) => boolean): JobRecord | undefined {
    if (!accept) {
      const raw = this.#nextQueued.get() as RawJob | undefined;
      return raw && toRecord(raw);
    }
    const rows = this.#allQueued.all() as RawJob[];
    return rows.map(toRecord).find(accept);
  }

  setState(id: JobId, state: JobState, error: string | null = null): JobRecord {
    this.#setState.run({ id, state, error, now: Date.now() });
    return this.get(id);
  }

  /** Adds a warning to the job (a repeated one is kept once: a resumed run says it again). */
  addWarning(id: JobId, message: string): JobRecord {
    const current = this.get(id).warnings;
    if (!current.includes(message)) {
      this.#db
        .prepare('UPDATE jobs SET warnings = ? WHERE id = ?')
        .run(JSON.stringify([...current, message]), id);
    }
    return this.get(id);
  }

  /** Jobs left `running` by a crash or a quit go back to the queue; returns how many. */
  requeueInterrupted(): number {
    return this.#requeue.run().changes;
  }

  /** The next pending items after `afterImageId`, in image id order (pages through big jobs). */
  pendingItems(id: JobId, afterImageId = 0, limit = 256): ImageId[] {
    return (this.#pending.pluck().all(id, afterImageId, limit) as number[]).map(asImageId);
  }

  /**
   * Marks an item done and runs `write` (the item's results) in the same IMMEDIATE transaction. Returns
   * false, writing nothing, when the item was not pending (already done by an earlier run).
   */
  completeItem(id: JobId, imageId: ImageId, write?: () => void): boolean {
    return this.#db
      .transaction(() => {
        if (this.#finishItem.run('done', null, Date.now(), id, imageId).changes === 0) return false;
        write?.();
        this.#bumpDone.run(id);
        return true;
      })
      .immediate();
  }

  failItem(id: JobId, imageId: ImageId, message: string): void {
    this.#db
      .transaction(() => {
        if (this.#finishItem.run('failed', message, Date.now(), id, imageId).changes === 0) return;
        this.#bumpFailed.run(id);
      })
      .immediate();
  }

  /** Marks every pending item skipped (e.g. the cache budget is full); returns how many. */
  skipPending(id: JobId, reason: string): number {
    return this.#skipPending.run(reason, Date.now(), id).changes;
  }

  /** The first failed item of a job, for the job's summary error. */
  firstFailure(id: JobId): { imageId: ImageId; error: string } | undefined {
    const row = this.#firstFailure.get(id) as { image_id: number; error: string | null } | undefined;
    return row && { imageId: asImageId(row.image_id), error: row.error ?? 'unknown error' };
  }

  itemCounts(id: JobId): Record<'pending' | 'done' | 'failed' | 'skipped', number> {
    const out = { pending: 0, done: 0, failed: 0, skipped: 0 };
    for (const row of this.#itemStates.all(id) as { state: keyof typeof out; n: number }[])
      out[row.state] = row.n;
    return out;
  }
}

function toRecord(raw: RawJob): JobRecord {
  return {
    id: asJobId(raw.id),
    kind: raw.kind,
    state: raw.state,
    params: JSON.parse(raw.params) as unknown,
    total: raw.total,
    done: raw.done,
    failed: raw.failed,
    error: raw.error,
    warnings: raw.warnings === null ? [] : (JSON.parse(raw.warnings) as string[]),
    createdAtMs: raw.created_at,
    startedAtMs: raw.started_at,
    finishedAtMs: raw.finished_at,
  };
}

/** The contract's Job shape (what `jobs.list` returns and `job_progress` carries). */
export function toContractJob(r: JobRecord, etaMs: number | null = null): Job {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    done: r.done,
    total: r.total,
    etaMs,
    error: r.error,
    warnings: [...r.warnings],
  };
}
