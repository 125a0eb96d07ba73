import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImageId, type Job } from '@contract';
import { JOB_LEASE_MS } from '../../../../src-main/core/jobs/job-lease';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { type ItemOutcome, type JobHandler } from '../../../../src-main/core/jobs/job-types';
import { Project } from '../../../../src-main/core/project';
import { fakeImages, gate } from '../../../fixtures/jobs/job-fixtures';
import { ManualClock } from '../../../fixtures/jobs/manual-clock';

let dir: string;
let project: Project;
let ids: ImageId[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-jobs-'));
  project = Project.create(dir);
  ids = fakeImages(project, 6);
});

afterEach(() => {
  project.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A job of some kind, with the params the runner validates for it. */
const embedJob = (tag = 'x') => ({ kind: 'embed', params: { modelId: `fake-${tag}` } }) as const;

/** A handler whose items mark their image 'done' in the completion transaction (so a commit is visible). */
function recordingHandler(
  behaviour: (id: ImageId) => Promise<ItemOutcome | 'record'> = () => Promise.resolve('record'),
): JobHandler<'embed'> {
  return {
    kind: 'embed',
    start(_params, ctx) {
      return Promise.resolve({
        async process(id: ImageId): Promise<ItemOutcome> {
          const b = await behaviour(id);
          if (b !== 'record') return b;
          return { kind: 'done', commit: () => ctx.project.images.setStatus(id, 'done') };
        },
      });
    },
  };
}

/** Images whose item committed, in id order. */
const seen = (): number[] =>
  project.images
    .list({ status: 'done', limit: 100 })
    .items.map((i) => i.id)
    .sort((a, b) => a - b);

describe('JobRunner', () => {
  it('runs a job to the end with progress events carrying counts and an ETA', async () => {
    const runner = new JobRunner({ project, handlers: [recordingHandler()], progressIntervalMs: 0 });
    const events: Job[] = [];
    runner.onProgress((j) => events.push(j));
    const job = runner.submit(embedJob(), [...ids, ids[0]!]);
    expect(job).toMatchObject({
      kind: 'embed',
      state: 'queued',
      done: 0,
      total: 6,
      etaMs: null,
      error: null,
    });
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({ state: 'done', done: 6, total: 6, error: null });
    expect(seen()).toEqual(ids);
    expect(events.map((e) => e.state)).toEqual(['queued', 'running', ...ids.map(() => 'running'), 'done']);
    expect(events.map((e) => e.done)).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 6]);
    expect(events[3]!.etaMs).not.toBeNull();
  });

  it('rejects bad params and unknown kinds before storing anything', () => {
    const runner = new JobRunner({ project, handlers: [recordingHandler()] });
    expect(() => runner.submit({ kind: 'embed', params: { modelId: 'm', resolution: 8 } }, ids)).toThrow(
      'params.resolution: Too small: expected number to be >=16',
    );
    expect(() => runner.submit({ kind: 'embed', params: {} as never }, ids)).toThrow(
      'params.modelId: a job must name its model',
    );
    expect(() =>
      runner.submit({ kind: 'propagate', params: { modelId: 'm', labelId: 1 as never } }, ids),
    ).toThrow('kind: no handler for job kind "propagate" is registered');
    expect(runner.list()).toEqual([]);
  });

  it('records failed items, finishes the rest, and names the first failure', async () => {
    const bad = ids[2]!;
    const runner = new JobRunner({
      project,
      handlers: [
        recordingHandler((id) =>
          id === bad ? Promise.reject(new Error('cannot decode')) : Promise.resolve('record'),
        ),
      ],
    });
    const job = runner.submit(embedJob(), ids);
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({
      state: 'done',
      done: 6,
      error: 'done with 1 of 6 failed: img-2.png (cannot decode)',
    });
    expect(runner.store.failures(job.id)).toEqual([
      { imageId: bad, name: 'img-2.png', error: 'cannot decode' },
    ]);
    expect(seen()).toEqual(ids.filter((i) => i !== bad));
  });

  it('a stop outcome skips the rest and says why', async () => {
    const runner = new JobRunner({
      project,
      handlers: [
        recordingHandler((id) =>
          Promise.resolve(id === ids[3] ? { kind: 'stop', reason: 'budget full' } : 'record'),
        ),
      ],
    });
    const job = runner.submit(embedJob(), ids);
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({ state: 'done', done: 3, error: 'budget full' });
    expect(runner.store.itemCounts(job.id)).toEqual({ pending: 0, done: 3, failed: 0, skipped: 3 });
  });

  it('cancels a running job between items, and a queued one before it starts', async () => {
    // The second item waits at the gate: cancel lands while it is in flight, never before the first commit.
    const second = gate();
    const runner = new JobRunner({
      project,
      handlers: [
        recordingHandler(async (id) => (id === ids[1] ? (await second.wait(), 'record') : 'record')),
      ],
    });
    const first = runner.submit(embedJob('a'), ids);
    const queued = runner.submit(embedJob('b'), ids);
    await second.reached;
    expect(seen()).toEqual([ids[0]]);
    expect(runner.cancel(first.id).state).toBe('cancelled');
    expect(runner.cancel(queued.id).state).toBe('cancelled');
    second.release();
    await runner.whenIdle();
    // The item in flight when cancel came still commits; nothing after it runs.
    expect(runner.get(first.id)).toMatchObject({ state: 'cancelled', done: 2 });
    expect(runner.get(queued.id)).toMatchObject({ state: 'cancelled', done: 0 });
    expect(seen()).toEqual([ids[0], ids[1]]);
  });

  it('resumes an interrupted job in a new runner without redoing finished items', async () => {
    const fourth = gate();
    const first = new JobRunner({
      project,
      handlers: [
        recordingHandler(async (id) => (id === ids[3] ? (await fourth.wait(), 'record') : 'record')),
      ],
    });
    const job = first.submit(embedJob(), ids);
    await fourth.reached;
    expect(seen()).toEqual(ids.slice(0, 3));
    // Simulate a quit: the job stays resumable (queued); the item in flight still commits.
    const closing = first.close();
    fourth.release();
    await closing;
    expect(first.store.get(job.id).state).toBe('queued');
    // A crash leaves it 'running', held by a runner whose lease then runs out: the next start takes it.
    const now = Date.now();
    expect(first.store.claim(job.id, { id: 'crashed', pid: 1, host: 'h' }, now, now - 1)).toBe(true);
    const processed: ImageId[] = [];
    const second = new JobRunner({
      project,
      handlers: [
        recordingHandler((id) => {
          processed.push(id);
          return Promise.resolve('record');
        }),
      ],
    });
    expect(second.resumeInterrupted()).toBe(1);
    await second.whenIdle();
    expect(second.get(job.id)).toMatchObject({ state: 'done', done: 6 });
    expect(seen()).toEqual(ids);
    expect(processed).toEqual(ids.slice(4));
  });

  it('a runner with an accept filter leaves other queued jobs alone (the CLI runs only its own job)', async () => {
    // `other` stands for a process that queued a job and then died: its clock (and heartbeat) stops.
    const t0 = Date.now();
    const otherClock = new ManualClock(t0);
    const clock = new ManualClock(t0);
    const other = new JobRunner({
      project,
      handlers: [recordingHandler()],
      accept: () => false,
      clock: otherClock,
    });
    const foreign = other.submit(embedJob('app'), ids.slice(0, 2));
    const cli = new JobRunner({
      project,
      handlers: [recordingHandler()],
      accept: (j) => JSON.stringify(j.params) === JSON.stringify(embedJob('mine').params),
      clock,
    });
    const { job, resumed } = cli.submitOrResume(embedJob('mine'), ids.slice(2, 4));
    expect(resumed).toBe(false);
    await cli.whenIdle();
    expect(cli.get(job.id).state).toBe('done');
    expect(cli.get(foreign.id)).toMatchObject({ state: 'queued', runningElsewhere: { pid: process.pid } });
    expect(seen()).toEqual(ids.slice(2, 4));
    // The same command again while the other process's lease is live: refused, not computed twice.
    const appRunner = new JobRunner({ project, handlers: [recordingHandler()], clock });
    expect(() => appRunner.submitOrResume(embedJob('app'), [])).toThrow(
      `job ${foreign.id} (embed) is queued in another process (pid ${process.pid} on ${other.owner.host}), 0/2 done`,
    );
    // Once its lease has run out, the unfinished job is resumed, not duplicated.
    clock.advance(JOB_LEASE_MS);
    const again = appRunner.submitOrResume(embedJob('app'), []);
    expect(again).toMatchObject({ resumed: true, job: { id: foreign.id } });
    await appRunner.whenIdle();
    expect(appRunner.get(foreign.id)).toMatchObject({ state: 'done', done: 2 });
    expect(appRunner.list().map((j) => j.id)).toEqual([job.id, foreign.id]);
  });

  it('runs one job at a time, in submission order', async () => {
    const order: string[] = [];
    const runner = new JobRunner({
      project,
      handlers: [
        recordingHandler(async (id) => {
          order.push(`${runner.list().find((j) => j.state === 'running')?.id}:${id}`);
          await Promise.resolve();
          return 'record';
        }),
      ],
    });
    const a = runner.submit(embedJob('a'), ids.slice(0, 2));
    const b = runner.submit(embedJob('b'), ids.slice(2, 4));
    await runner.whenIdle();
    expect(order).toEqual([
      `${a.id}:${ids[0]}`,
      `${a.id}:${ids[1]}`,
      `${b.id}:${ids[2]}`,
      `${b.id}:${ids[3]}`,
    ]);
  });
});
