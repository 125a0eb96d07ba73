import { AppError } from '../errors';
import { type ItemFailure, type JobRecord } from '../db/jobs-repo';
import { JOB_LEASE_MS } from './job-lease';

/** How many failed files a job's summary names (the run report lists them all). */
const NAMED_FAILURES = 5;

/**
 * A finished job's note on its failed items, naming the files: `done with 2 of 6 failed: a.png (cannot
 * decode), b.png (…)`, the first few named and the rest counted. Null when every item went through.
 */
export function failureSummary(rec: JobRecord, failures: readonly ItemFailure[]): string | null {
  if (rec.failed === 0) return null;
  const named = failures.slice(0, NAMED_FAILURES).map((f) => `${f.name} (${f.error})`);
  const more = rec.failed - named.length;
  return `done with ${rec.failed} of ${rec.total} failed: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/** A stop reason (e.g. the cache budget) and the failure note together. */
export function withFailures(stopReason: string | undefined, summary: string | null): string | null {
  if (stopReason === undefined) return summary;
  return summary === null ? stopReason : `${stopReason}; ${summary}`;
}

/**
 * The reason a job cannot go on at all: the project cannot take its results (full disk, read-only, damaged
 * or locked file), as opposed to one image that fails. `e` is already translated from SQLite's codes.
 */
export function projectWriteFailure(e: unknown): string | undefined {
  if (e instanceof AppError) {
    switch (e.code) {
      case 'io_error':
      case 'read_only':
      case 'damaged_project':
        return e.message;
      default:
        return undefined;
    }
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return `the disk is full (${(e as Error).message}); free some space and retry`;
  return undefined;
}

/** A job's failure reason when it stopped at one image: what stopped it, where, and how far it got. */
export function stoppedAt(rec: JobRecord, imageName: string, reason: string): string {
  return `${reason} (stopped at ${imageName}, ${rec.done - rec.failed} of ${rec.total} done)`;
}

/** What a runner that lost its job (lease ran out, another process took it) says before it stops. */
export function takenOver(rec: JobRecord): string {
  const by = rec.owner ? `pid ${rec.owner.pid} on ${rec.owner.host}` : 'another process';
  return `job ${rec.id} was taken over by ${by} after this process's lease ran out (now ${rec.state}, ${rec.done}/${rec.total}): it stops here`;
}

/** Why a run of a job that another live process holds is refused. */
export function heldElsewhere(rec: JobRecord): string {
  const at = rec.owner ? `pid ${rec.owner.pid} on ${rec.owner.host}` : 'another process';
  return `job ${rec.id} (${rec.kind}) is ${rec.state} in another process (${at}), ${rec.done}/${rec.total} done: it is not computed twice; wait for it, or stop that process (its job is taken over ${JOB_LEASE_MS / 1000} s after it stops)`;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
