import { type JobId } from '@contract';
import { IoError, translateSqliteError } from '../db/errors';
import { type JobOwner, type JobRecord, type JobsRepo } from '../db/jobs-repo';
import { type DiskReserve } from './disk-reserve';
import { type JobClock } from './job-lease';
import { messageOf } from './job-report';

type EndState = 'done' | 'failed' | 'cancelled' | 'queued';

interface UnsavedEnd {
  readonly state: Exclude<EndState, 'queued'>;
  readonly error: string | null;
  /** Why it could not be written. */
  readonly why: string;
}

/**
 * How a runner's jobs end, written to the project. On a disk so full that not even that write fits, the
 * reserve beside the database is given up for it; failing that, the end is kept in memory (and reported
 * from there, see `overlay`) and written at a later heartbeat once there is room.
 */
export class JobEnds {
  readonly #unsaved = new Map<JobId, UnsavedEnd>();

  constructor(
    private readonly store: JobsRepo,
    private readonly owner: JobOwner,
    private readonly reserve: DiskReserve,
    private readonly clock: JobClock,
    private readonly dbFile: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Writes how a run ended (if `owner` still holds the job); returns the job as it now reads. */
  write(jobId: JobId, state: EndState, error: string | null): JobRecord {
    const write = () => this.store.finish(jobId, this.owner, state, error, this.clock.nowMs());
    try {
      try {
        return write();
      } catch (e) {
        if (!(e instanceof IoError && e.failure === 'disk_full') || !this.reserve.release()) throw e;
        return write();
      }
    } catch (e) {
      const why = messageOf(translateSqliteError(e, this.dbFile));
      this.log(`job ${jobId}: how it ended could not be saved in the project: ${why}`);
      if (state !== 'queued') this.#unsaved.set(jobId, { state, error, why });
      return this.store.get(jobId);
    }
  }

  /** A job that could not even be claimed (nothing written): it is over for this runner. */
  couldNotStart(jobId: JobId, e: unknown): void {
    const why = messageOf(translateSqliteError(e, this.dbFile));
    this.#unsaved.set(jobId, { state: 'failed', error: `${why} (the job could not start)`, why });
  }

  has(jobId: JobId): boolean {
    return this.#unsaved.has(jobId);
  }

  /** Writes the ends that found no room before; throws while there still is none. */
  saveUnsaved(): JobRecord[] {
    const saved: JobRecord[] = [];
    for (const [jobId, end] of this.#unsaved) {
      saved.push(this.store.finish(jobId, this.owner, end.state, end.error, this.clock.nowMs()));
      this.#unsaved.delete(jobId);
    }
    return saved;
  }

  /** The job as this runner knows it ended, when the file could not be told yet. */
  overlay(stored: JobRecord): JobRecord {
    const end = this.#unsaved.get(stored.id);
    if (!end || (stored.state !== 'queued' && stored.state !== 'running')) return stored;
    return {
      ...stored,
      state: end.state,
      error: `${end.error ?? end.state} (not saved in the project: ${end.why})`,
    };
  }
}
