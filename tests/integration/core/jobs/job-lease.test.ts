import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import Database from 'better-sqlite3';
import { JobsRepo } from '../../../../src-main/core/db/jobs-repo';
import { type Db } from '../../../../src-main/core/db/open-db';
import { JOB_HEARTBEAT_MS, JOB_LEASE_MS, systemClock } from '../../../../src-main/core/jobs/job-lease';
import { DiskReserve } from '../../../../src-main/core/jobs/disk-reserve';
import { JobEnds } from '../../../../src-main/core/jobs/job-ends';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { type ItemOutcome } from '../../../../src-main/core/jobs/job-types';
import { type Project } from '../../../../src-main/core/project';
import { projectOverDb } from '../../../fixtures/db/project-db';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { fakeImages, gate } from '../../../fixtures/jobs/job-fixtures';
import { ManualClock } from '../../../fixtures/jobs/manual-clock';
import { createResultsTable, LEASED_JOB, resultRows, resultsHandler } from './fixtures/results-handler';

const temp = tempDirs('job-lease');
let project: Project;
let db: Db;
let ids: ImageId[];

beforeEach(() => {
  ({ project, db } = projectOverDb(path.join(temp.make(), 'p'), { create: true }));
  ids = fakeImages(project, 4);
  createResultsTable(db);
});

afterEach(() => {
  project.close();
  temp.cleanup();
});

/** A runner whose second item waits at a gate: its job stays running, held, until the gate opens. */
function heldRunner(clock: ManualClock, log?: (message: string) => void) {
  const g = gate();
  const runner = new JobRunner({
    project,
    clock,
    handlers: [resultsHandler(db, { holdAt: 1, hold: g.wait })],
    ...(log ? { log } : {}),
  });
  return { runner, gate: g };
}

describe('job leases in one process', () => {
  it("the heartbeat keeps a running job's lease live for as long as its runner lives", async () => {
    const clock = new ManualClock();
    const { runner: holder, gate: g } = heldRunner(clock);
    const job = holder.submit(LEASED_JOB, ids);
    await g.reached;
    const t0 = clock.nowMs();
    expect(holder.store.get(job.id)).toMatchObject({ state: 'running', leaseExpiresAtMs: t0 + JOB_LEASE_MS });

    // Far past the first lease: every heartbeat has renewed it.
    clock.advance(3 * JOB_LEASE_MS);
    expect(holder.store.get(job.id).leaseExpiresAtMs).toBe(clock.nowMs() + JOB_LEASE_MS);
    const started: number[] = [];
    const other = new JobRunner({
      project,
      clock,
      handlers: [resultsHandler(db, { onStart: (id) => started.push(id) })],
    });
    expect(other.resumeInterrupted()).toBe(0);
    clock.advance(JOB_HEARTBEAT_MS);
    await other.whenIdle();
    expect(started).toEqual([]);
    expect(other.get(job.id).runningElsewhere).toEqual({ pid: process.pid, host: holder.owner.host });
    expect(holder.get(job.id).runningElsewhere).toBeUndefined();

    g.release();
    await holder.whenIdle();
    expect(holder.get(job.id)).toMatchObject({ state: 'done', done: 4 });
    expect(holder.store.get(job.id)).toMatchObject({ owner: null, leaseExpiresAtMs: null });
    expect(resultRows(db).map((r) => r.image_id)).toEqual(ids);
    await Promise.all([holder.close(), other.close()]);
    expect(clock.liveTimers()).toBe(0);
  });

  it('a runner that stalls past its lease loses the job: the taker finishes it, the staller writes nothing more', async () => {
    // Two clocks: the stalled runner's heartbeat never fires (its clock stands still), the taker's moves on.
    const t0 = Date.now();
    const stalledClock = new ManualClock(t0);
    const clock = new ManualClock(t0);
    const log: string[] = [];
    const { runner: stalled, gate: g } = heldRunner(stalledClock, (m) => log.push(m));
    const job = stalled.submit(LEASED_JOB, ids);
    await g.reached;

    const taker = new JobRunner({ project, clock, handlers: [resultsHandler(db)] });
    clock.advance(JOB_LEASE_MS - 1);
    expect(taker.resumeInterrupted()).toBe(0);
    clock.advance(1);
    expect(taker.resumeInterrupted()).toBe(1);
    await taker.whenIdle();
    expect(taker.get(job.id)).toMatchObject({ state: 'done', done: 4 });

    // The stalled item finishes after all: its commit is refused, and the run stops without a write.
    g.release();
    await stalled.whenIdle();
    expect(log).toEqual([
      `job ${job.id} was taken over by another process after this process's lease ran out (now done, 4/4): it stops here`,
    ]);
    expect(stalled.get(job.id)).toMatchObject({ state: 'done', done: 4 });
    const rows = resultRows(db);
    expect(rows.map((r) => r.image_id)).toEqual(ids);
    await Promise.all([stalled.close(), taker.close()]);
  });

  it('a job cancelled from another process stops at the running side’s next heartbeat', async () => {
    const clock = new ManualClock();
    const { runner: runner, gate: g } = heldRunner(clock);
    const job = runner.submit(LEASED_JOB, ids);
    await g.reached;
    const other = new JobRunner({ project, clock, handlers: [] });
    expect(other.cancel(job.id).state).toBe('cancelled');
    clock.advance(JOB_HEARTBEAT_MS);
    g.release();
    await runner.whenIdle();
    // The item in flight still commits; nothing after it runs.
    expect(runner.store.get(job.id)).toMatchObject({ state: 'cancelled', done: 2, owner: null });
    expect(resultRows(db)).toHaveLength(2);
  });

  it('closing lets go of every job the runner holds, so another process resumes them at once', async () => {
    const clock = new ManualClock();
    const { runner: closing, gate: g } = heldRunner(clock);
    const running = closing.submit(LEASED_JOB, ids);
    const queued = closing.submit({ kind: 'embed', params: { modelId: 'other' } }, ids);
    await g.reached;
    const closed = closing.close();
    g.release();
    await closed;
    for (const id of [running.id, queued.id])
      expect(closing.store.get(id)).toMatchObject({ state: 'queued', owner: null, leaseExpiresAtMs: null });
    expect(clock.liveTimers()).toBe(0);

    const next = new JobRunner({ project, clock, handlers: [resultsHandler(db)] });
    next.resumeInterrupted();
    await next.whenIdle();
    expect(next.list().map((j) => [j.id, j.state, j.done])).toEqual([
      [queued.id, 'done', 4],
      [running.id, 'done', 4],
    ]);
    expect(resultRows(db)).toHaveLength(8);
    await next.close();
  });
});

describe('a project that cannot take results', () => {
  /** A runner of 'embed' jobs whose items do `process`. */
  const runnerOf = (process: (imageId: ImageId) => Promise<ItemOutcome>) =>
    new JobRunner({
      project,
      handlers: [{ kind: 'embed', start: () => Promise.resolve({ process }) }],
    });

  it('a full disk stops the job at that image: failed with the reason, nothing half-written, the file intact', async () => {
    db.exec('CREATE TABLE blobs (image_id INTEGER NOT NULL, data BLOB NOT NULL)');
    const put = db.prepare('INSERT INTO blobs (image_id, data) VALUES (?, ?)');
    // Like the embedding cache: each image's result written straight to the project.
    const runner = runnerOf((imageId) => {
      put.run(imageId, Buffer.alloc(64 * 1024, imageId));
      return Promise.resolve({ kind: 'done' });
    });
    // SQLite's own quota: room for about two results; writes beyond it fail exactly like a full disk.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 40}`);
    const job = runner.submit(LEASED_JOB, ids);
    await runner.whenIdle();
    const stored = runner.store.get(job.id);
    expect(stored).toMatchObject({ state: 'failed', done: 2, failed: 0, owner: null });
    expect(stored.error).toBe(
      `the disk is full: cannot write ${project.dbFile} (database or disk is full); free some space and retry (stopped at img-2.png (image ${ids[2]}), 2 of 4 done)`,
    );
    expect(runner.store.itemCounts(job.id)).toEqual({ pending: 2, done: 2, failed: 0, skipped: 0 });
    expect(db.prepare('SELECT image_id FROM blobs ORDER BY image_id').pluck().all()).toEqual(ids.slice(0, 2));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // A failed job is over: opening the project again does not restart it.
    expect(new JobRunner({ project, handlers: [] }).resumeInterrupted()).toBe(0);
  });

  it('failed images are recorded and named; the job finishes the rest', async () => {
    const bad = new Set([ids[1], ids[3]]);
    const runner = runnerOf((id) =>
      bad.has(id) ? Promise.reject(new Error('unsupported image format')) : Promise.resolve({ kind: 'done' }),
    );
    const job = runner.submit(LEASED_JOB, ids);
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({
      state: 'done',
      done: 4,
      error:
        'done with 2 of 4 failed: img-1.png (unsupported image format), img-3.png (unsupported image format)',
    });
    expect(runner.store.failures(job.id).map((f) => f.name)).toEqual(['img-1.png', 'img-3.png']);
  });

  it('an end that cannot be written is reported from memory, and written later', () => {
    const owner = { id: 'this-runner', pid: process.pid, host: 'here' };
    const job = project.jobs.create('embed', LEASED_JOB.params, ids, {
      owner,
      untilMs: Date.now() + 1000,
      nowMs: Date.now(),
    });
    // A second connection that cannot write, as the disk that has just filled up.
    const readOnly = new Database(project.dbFile, { readonly: true, fileMustExist: true });
    const log: string[] = [];
    try {
      const ends = new JobEnds(
        new JobsRepo(readOnly),
        owner,
        new DiskReserve(temp.make()),
        systemClock,
        project.dbFile,
        (m) => log.push(m),
      );
      const stored = ends.write(job.id, 'failed', 'the disk is full');
      expect(stored.state).toBe('queued');
      expect(ends.overlay(stored)).toMatchObject({ state: 'failed' });
      expect(ends.overlay(stored).error).toMatch(/^the disk is full \(not saved in the project: .*read-only/);
      expect(log).toHaveLength(1);
      expect(() => ends.saveUnsaved()).toThrow(/read-only/);
      expect(ends.has(job.id)).toBe(true);
    } finally {
      readOnly.close();
    }
    // Where it can be written, the same end is.
    const ends = new JobEnds(
      project.jobs,
      owner,
      new DiskReserve(temp.make()),
      systemClock,
      project.dbFile,
      () => {},
    );
    ends.couldNotStart(job.id, new Error('no room'));
    expect(ends.saveUnsaved().map((r) => [r.state, r.error])).toEqual([
      ['failed', 'no room (the job could not start)'],
    ]);
    expect(ends.has(job.id)).toBe(false);
  });
});
