import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type JobOwner } from '../db/jobs-repo';

export type { JobOwner };

/**
 * How long a job stays with the process that holds it without a heartbeat. Another process (the app, the
 * browser-mode server, a second CLI) takes a job over only once its lease has run out, so a killed CLI's
 * job is picked up this long after the kill, and a live one's is never computed twice.
 */
export const JOB_LEASE_MS = 30_000;

/** How often a runner renews the leases of the jobs it holds: several renewals fit in one lease. */
export const JOB_HEARTBEAT_MS = 5_000;

/** Another process holds the job and its lease is live: it runs there, not here. */
export interface JobElsewhere {
  readonly pid: number;
  readonly host: string;
  readonly leaseExpiresAtMs: number;
}

/** A fresh owner for one runner of this process. */
export function newJobOwner(): JobOwner {
  return { id: randomBytes(8).toString('hex'), pid: process.pid, host: os.hostname() };
}

/**
 * Time as leases see it: wall-clock milliseconds (comparable between processes), and a periodic tick for
 * the heartbeat. Injectable so that tests move time by hand instead of waiting for it.
 */
export interface JobClock {
  nowMs(): number;
  /** Calls `tick` every `periodMs` until the returned function is called; never keeps the process alive. */
  every(periodMs: number, tick: () => void): () => void;
}

export const systemClock: JobClock = {
  nowMs: () => Date.now(),
  every(periodMs, tick) {
    const timer = setInterval(tick, periodMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** The stored holder of a job and its lease, as a job record has them. */
interface Held {
  readonly owner: JobOwner | null;
  readonly leaseExpiresAtMs: number | null;
}

/** What a job's stored owner and lease mean to `self` (null: a process that holds no jobs) at `nowMs`. */
export function leaseHolder(job: Held, self: JobOwner | null, nowMs: number): 'none' | 'self' | 'elsewhere' {
  if (!job.owner) return 'none';
  if (job.owner.id === self?.id) return 'self';
  return job.leaseExpiresAtMs !== null && job.leaseExpiresAtMs > nowMs ? 'elsewhere' : 'none';
}

/** The contract's `runningElsewhere` of a job: present when another live process holds it. */
export function runningElsewhere(
  job: Held,
  self: JobOwner | null,
  nowMs: number,
): { runningElsewhere?: { pid: number; host: string } } {
  return job.owner && leaseHolder(job, self, nowMs) === 'elsewhere'
    ? { runningElsewhere: { pid: job.owner.pid, host: job.owner.host } }
    : {};
}
