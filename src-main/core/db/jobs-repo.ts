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
import { type Db, writeTx } from './open-db';

/**
 * The job runner that holds a job (runs it, or will): a random id per runner, so that a reused pid or two
 * runners in one process are told apart; pid and host for people.
 */
export interface JobOwner {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
}

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
  /** Who holds the job while it is queued or running; null once it has ended or was let go. */
  readonly owner: JobOwner | null;
  readonly leaseExpiresAtMs: number | null;
}

/** A failed item with its image's file name (for a job's summary and the CLI's report). */
export interface ItemFailure {
  readonly imageId: ImageId;
  readonly name: string;
  readonly error: string;
}

/** What a completion attempt found: written, already written by an earlier run, or the job is no longer ours. */
export type ItemCompletion = 'written' | 'already' | 'lost';

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
  owner_id: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  lease_expires_at: number | null;
}

/** A job another owner may take: nobody holds it, or its holder's lease ran out. */
const TAKEABLE =
  '(owner_id IS NULL OR owner_id = @ownerId OR lease_expires_at IS NULL OR lease_expires_at <= @now)';
const OWNER_COLUMNS = 'owner_id = @ownerId, owner_pid = @pid, owner_host = @host, lease_expires_at = @until';
const NO_OWNER = 'owner_id = NULL, owner_pid = NULL, owner_host = NULL, lease_expires_at = NULL';

/**
 * The persisted job queue (tables `jobs` and `job_items`). Every image of a job has one item row; an item
 * turns `done` in the same transaction as the results it produced, so a job restarted after a crash redoes
 * exactly the items whose results never landed. A queued or running job is leased to one runner (owner,
 * lease expiry): another process takes it only once the lease has run out, and an item commits only while
 * its runner still holds the job.
 */
export class JobsRepo {
  readonly #db: Db;
  readonly #s: Record<
    | 'insertJob'
    | 'insertItem'
    | 'get'
    | 'list'
    | 'queued'
    | 'claim'
    | 'renew'
    | 'finish'
    | 'cancel'
    | 'releaseExpired'
    | 'release'
    | 'letGo'
    | 'failQueued'
    | 'ownerOf'
    | 'pending'
    | 'finishItem'
    | 'bumpDone'
    | 'bumpFailed'
    | 'skipPending'
    | 'itemStates'
    | 'findUnfinished'
    | 'failures',
    Statement
  >;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      insertJob: db.prepare(
        `INSERT INTO jobs (kind, params, state, total, created_at, owner_id, owner_pid, owner_host, lease_expires_at)
         VALUES (@kind, @params, 'queued', @total, @now, @ownerId, @pid, @host, @until)`,
      ),
      insertItem: db.prepare('INSERT OR IGNORE INTO job_items (job_id, image_id) VALUES (?, ?)'),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      list: db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?'),
      queued: db.prepare(`SELECT * FROM jobs WHERE state = 'queued' AND ${TAKEABLE} ORDER BY id`),
      claim: db.prepare(
        `UPDATE jobs SET state = 'running', ${OWNER_COLUMNS}, started_at = COALESCE(started_at, @now)
         WHERE id = @id AND state IN ('queued', 'running') AND ${TAKEABLE}`,
      ),
      renew: db.prepare(
        `UPDATE jobs SET lease_expires_at = @until WHERE owner_id = @ownerId AND state IN ('queued', 'running')`,
      ),
      // A job cancelled elsewhere while it ran here stays cancelled, whatever the run ended as.
      finish: db.prepare(
        `UPDATE jobs SET state = CASE WHEN state = 'cancelled' THEN 'cancelled' ELSE @state END,
           error = CASE WHEN state = 'cancelled' THEN error ELSE @error END,
           finished_at = CASE WHEN @state = 'queued' AND state <> 'cancelled' THEN NULL ELSE COALESCE(finished_at, @now) END,
           ${NO_OWNER}
         WHERE id = @id AND owner_id = @ownerId`,
      ),
      cancel: db.prepare(
        `UPDATE jobs SET state = 'cancelled', finished_at = @now WHERE id = @id AND state IN ('queued', 'running')`,
      ),
      releaseExpired: db.prepare(
        `UPDATE jobs SET state = 'queued', ${NO_OWNER} WHERE state = 'running' AND ${TAKEABLE}`,
      ),
      release: db.prepare(
        `UPDATE jobs SET state = 'queued', ${NO_OWNER} WHERE id = @id AND state = 'running' AND ${TAKEABLE}`,
      ),
      failQueued: db.prepare(
        `UPDATE jobs SET state = 'failed', error = @error, finished_at = @now, ${NO_OWNER}
         WHERE id = @id AND state = 'queued' AND ${TAKEABLE}`,
      ),
      letGo: db.prepare(`UPDATE jobs SET ${NO_OWNER} WHERE owner_id = @ownerId AND state = 'queued'`),
      ownerOf: db.prepare('SELECT owner_id FROM jobs WHERE id = ?').pluck(),
      pending: db.prepare(
        `SELECT image_id FROM job_items WHERE job_id = ? AND state = 'pending' AND image_id > ?
         ORDER BY image_id LIMIT ?`,
      ),
      finishItem: db.prepare(
        `UPDATE job_items SET state = ?, error = ?, finished_at = ? WHERE job_id = ? AND image_id = ? AND state = 'pending'`,
      ),
      bumpDone: db.prepare('UPDATE jobs SET done = done + 1 WHERE id = ?'),
      bumpFailed: db.prepare('UPDATE jobs SET done = done + 1, failed = failed + 1 WHERE id = ?'),
      skipPending: db.prepare(
        `UPDATE job_items SET state = 'skipped', error = ?, finished_at = ? WHERE job_id = ? AND state = 'pending'`,
      ),
      itemStates: db.prepare('SELECT state, COUNT(*) AS n FROM job_items WHERE job_id = ? GROUP BY state'),
      findUnfinished: db.prepare(
        `SELECT * FROM jobs WHERE kind = ? AND params = ? AND state IN ('queued', 'running') ORDER BY id DESC LIMIT 1`,
      ),
      failures: db.prepare(
        `SELECT j.image_id, i.name, j.error FROM job_items j JOIN images i ON i.id = j.image_id
         WHERE j.job_id = ? AND j.state = 'failed' ORDER BY j.finished_at, j.image_id LIMIT ?`,
      ),
    };
  }

  /**
   * Queues a job over `imageIds` (duplicates ignored), held by `owner` until `leaseUntilMs` so that no
   * other process starts it first; the job and all its items land in one transaction.
   */
  create(
    kind: JobKind,
    params: unknown,
    imageIds: readonly ImageId[],
    lease: { owner: JobOwner; untilMs: number; nowMs: number },
  ): JobRecord {
    const unique = [...new Set(imageIds)];
    const id = writeTx(this.#db, () => {
      const info = this.#s.insertJob.run({
        kind,
        params: JSON.stringify(params ?? {}),
        total: unique.length,
        now: lease.nowMs,
        ...ownerParams(lease.owner, lease.untilMs),
      });
      const jobId = Number(info.lastInsertRowid);
      for (const imageId of unique) this.#s.insertItem.run(jobId, imageId);
      return jobId;
    });
    return this.get(asJobId(id));
  }

  get(id: JobId): JobRecord {
    const raw = this.#s.get.get(id) as RawJob | undefined;
    if (!raw) throw new NotFoundError(`job ${id} does not exist in this project`, { jobId: id });
    return toRecord(raw);
  }

  list(limit = 100): JobRecord[] {
    return (this.#s.list.all(Math.max(1, Math.floor(limit))) as RawJob[]).map(toRecord);
  }

  /** The newest unfinished job of this kind with exactly these params (so a re-run command resumes it). */
  findUnfinished(kind: JobKind, params: unknown): JobRecord | undefined {
    const raw = this.#s.findUnfinished.get(kind, JSON.stringify(params ?? {})) as RawJob | undefined;
    return raw && toRecord(raw);
  }

  /** The oldest queued job that `owner` may take at `nowMs` and `accept` takes (default: any). */
  nextQueued(owner: JobOwner, nowMs: number, accept?: (job: JobRecord) => boolean): JobRecord | undefined {
    const rows = (this.#s.queued.all({ ownerId: owner.id, now: nowMs }) as RawJob[]).map(toRecord);
    return accept ? rows.find(accept) : rows[0];
  }

  /**
   * Marks the job running and held by `owner` until `untilMs`, unless another owner's lease is still live
   * at `nowMs` (or the job has ended). Returns whether `owner` now holds it.
   */
  claim(id: JobId, owner: JobOwner, nowMs: number, untilMs: number): boolean {
    const params = { id, now: nowMs, ...ownerParams(owner, untilMs) };
    return writeTx(this.#db, () => this.#s.claim.run(params)).changes === 1;
  }

  /** The heartbeat: extends the lease of every unfinished job `owner` holds; returns how many. */
  renewLeases(owner: JobOwner, untilMs: number): number {
    return writeTx(this.#db, () => this.#s.renew.run({ ownerId: owner.id, until: untilMs })).changes;
  }

  /**
   * Ends `owner`'s hold on a job: a final state, or back to 'queued' (let go, for anyone to resume). Does
   * nothing when the job is no longer `owner`'s (taken over after its lease ran out); returns the job.
   */
  finish(id: JobId, owner: JobOwner, state: JobState, error: string | null, nowMs: number): JobRecord {
    writeTx(this.#db, () => this.#s.finish.run({ id, ownerId: owner.id, state, error, now: nowMs }));
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

  /** Ends a queued job that `owner` may take as failed without running it (one write); returns the job. */
  failQueued(id: JobId, owner: JobOwner, error: string, nowMs: number): JobRecord {
    writeTx(this.#db, () => this.#s.failQueued.run({ id, ownerId: owner.id, error, now: nowMs }));
    return this.get(id);
  }

  /** Cancels a queued or running job; whoever runs it sees that at its next item or heartbeat. */
  cancel(id: JobId, nowMs: number): JobRecord {
    writeTx(this.#db, () => this.#s.cancel.run({ id, now: nowMs }));
    return this.get(id);
  }

  /**
   * Running jobs whose runner is gone (its lease ran out by `nowMs`, or it never had one: a crash before
   * leases) go back to the queue, held by nobody; returns how many.
   */
  releaseExpired(nowMs: number): number {
    return writeTx(this.#db, () => this.#s.releaseExpired.run({ ownerId: null, now: nowMs })).changes;
  }

  /** The same for one job; false when it is not running or its holder's lease is live. */
  releaseIfExpired(id: JobId, nowMs: number): boolean {
    return writeTx(this.#db, () => this.#s.release.run({ id, ownerId: null, now: nowMs })).changes === 1;
  }

  /** A closing runner's queued jobs go back to anyone (a running one is let go by finish). */
  letGo(owner: JobOwner): number {
    return writeTx(this.#db, () => this.#s.letGo.run({ ownerId: owner.id })).changes;
  }

  /** The next pending items after `afterImageId`, in image id order (pages through big jobs). */
  pendingItems(id: JobId, afterImageId = 0, limit = 256): ImageId[] {
    return (this.#s.pending.pluck().all(id, afterImageId, limit) as number[]).map(asImageId);
  }

  /**
   * Marks an item done and runs `write` (the item's results) in the same IMMEDIATE transaction, only while
   * `owner` holds the job. Writes nothing when the item was done by an earlier run ('already') or another
   * runner has taken the job over ('lost').
   */
  completeItem(id: JobId, imageId: ImageId, owner: JobOwner, write?: () => void): ItemCompletion {
    return writeTx(this.#db, (): ItemCompletion => {
      if (this.#s.ownerOf.get(id) !== owner.id) return 'lost';
      if (this.#s.finishItem.run('done', null, Date.now(), id, imageId).changes === 0) return 'already';
      write?.();
      this.#s.bumpDone.run(id);
      return 'written';
    });
  }

  /** Records an item's failure (counted in done and failed), under the same rule as completeItem. */
  failItem(id: JobId, imageId: ImageId, owner: JobOwner, message: string): ItemCompletion {
    return writeTx(this.#db, (): ItemCompletion => {
      if (this.#s.ownerOf.get(id) !== owner.id) return 'lost';
      if (this.#s.finishItem.run('failed', message, Date.now(), id, imageId).changes === 0) return 'already';
      this.#s.bumpFailed.run(id);
      return 'written';
    });
  }

  /** Marks every pending item skipped (e.g. the cache budget is full); returns how many. */
  skipPending(id: JobId, reason: string): number {
    return writeTx(this.#db, () => this.#s.skipPending.run(reason, Date.now(), id)).changes;
  }

  /** The job's failed items, first failures first, with their files' names. */
  failures(id: JobId, limit = 1000): ItemFailure[] {
    const rows = this.#s.failures.all(id, limit) as {
      image_id: number;
      name: string;
      error: string | null;
    }[];
    return rows.map((r) => ({
      imageId: asImageId(r.image_id),
      name: r.name,
      error: r.error ?? 'unknown error',
    }));
  }

  itemCounts(id: JobId): Record<'pending' | 'done' | 'failed' | 'skipped', number> {
    const out = { pending: 0, done: 0, failed: 0, skipped: 0 };
    for (const row of this.#s.itemStates.all(id) as { state: keyof typeof out; n: number }[])
      out[row.state] = row.n;
    return out;
  }
}

function ownerParams(owner: JobOwner, untilMs: number) {
  return { ownerId: owner.id, pid: owner.pid, host: owner.host, until: untilMs };
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
    owner:
      raw.owner_id === null
        ? null
        : { id: raw.owner_id, pid: raw.owner_pid ?? 0, host: raw.owner_host ?? '' },
    leaseExpiresAtMs: raw.lease_expires_at,
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
