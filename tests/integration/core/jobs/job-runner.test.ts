import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImageId, type Job } from '@contract';
import { InvalidInputError } from '../../../../src-main/core/db/errors';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { type ItemOutcome, type JobHandler } from '../../../../src-main/core/jobs/job-types';
import { Project } from '../../../../src-main/core/project';

let dir: string;
let project: Project;
let ids: ImageId[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-jobs-'));
  project = Project.create(dir);
  ids = Array.from(
    { length: 6 },
    (_, i) =>
      project.images.insert({
        path: `img-${i}.png`,
        name: `img-${i}.png`,
        sha256: `sha-${i}`,
        format: 'png',
        bytes: 10,
        widthPx: 8,
        heightPx: 8,
      }).id,
  );
  project.db.exec('CREATE TABLE seen (image_id INTEGER NOT NULL)');
});

afterEach(() => {
  project.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A handler whose items record themselves in the `seen` table in the completion transaction. */
function recordingHandler(
  behaviour: (id: ImageId) => Promise<ItemOutcome | 'record'> = () => Promise.resolve('record'),
): JobHandler {
  return {
    kind: 'export',
    validate(params) {
      if (typeof params !== 'object' || params === null)
        throw new InvalidInputError('params', 'must be an object');
    },
    start(_params, ctx) {
      const insert = ctx.project.db.prepare('INSERT INTO seen (image_id) VALUES (?)');
      return Promise.resolve({
        async process(id: ImageId): Promise<ItemOutcome> {
          const b = await behaviour(id);
          if (b !== 'record') return b;
          return { kind: 'done', commit: () => void insert.run(id) };
        },
      });
    },
  };
}

const seen = (): number[] =>
  project.db.prepare('SELECT image_id FROM seen ORDER BY rowid').pluck().all() as number[];

describe('JobRunner', () => {
  it('runs a job to the end with progress events carrying counts and an ETA', async () => {
    const runner = new JobRunner({ project, handlers: [recordingHandler()], progressIntervalMs: 0 });
    const events: Job[] = [];
    runner.onProgress((j) => events.push(j));
    const job = runner.submit('export', {}, [...ids, ids[0]!]);
    expect(job).toMatchObject({
      kind: 'export',
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
    expect(() => runner.submit('export', null, ids)).toThrow('params: must be an object');
    expect(() => runner.submit('embed', {}, ids)).toThrow(
      'kind: no handler for job kind "embed" is registered',
    );
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
    const job = runner.submit('export', {}, ids);
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({
      state: 'done',
      done: 6,
      error: `1 of 6 images failed; image ${bad}: cannot decode`,
    });
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
    const job = runner.submit('export', {}, ids);
    await runner.whenIdle();
    expect(runner.get(job.id)).toMatchObject({ state: 'done', done: 3, error: 'budget full' });
    expect(runner.store.itemCounts(job.id)).toEqual({ pending: 0, done: 3, failed: 0, skipped: 3 });
  });

  it('cancels a running job between items, and a queued one before it starts', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const runner = new JobRunner({
      project,
      handlers: [recordingHandler(async (id) => (id === ids[1] ? (await hold, 'record') : 'record'))],
    });
    const first = runner.submit('export', {}, ids);
    const second = runner.submit('export', {}, ids);
    while (seen().length < 1) await new Promise((r) => setTimeout(r, 5));
    expect(runner.cancel(first.id).state).toBe('cancelled');
    expect(runner.cancel(second.id).state).toBe('cancelled');
    release();
    await runner.whenIdle();
    expect(runner.get(first.id)).toMatchObject({ state: 'cancelled', done: 2 });
    expect(runner.get(second.id)).toMatchObject({ state: 'cancelled', done: 0 });
    expect(seen()).toEqual([ids[0], ids[1]]);
  });

  it('resumes an interrupted job in a new runner without redoing finished items', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const first = new JobRunner({
      project,
      handlers: [recordingHandler(async (id) => (id === ids[3] ? (await hold, 'record') : 'record'))],
    });
    const job = first.submit('export', {}, ids);
    while (seen().length < 3) await new Promise((r) => setTimeout(r, 5));
    // Simulate a quit: the job stays resumable (queued), the in-flight item is dropped.
    const closing = first.close();
    release();
    await closing;
    expect(first.store.get(job.id).state).toBe('queued');
    const before = seen().length;
    expect(before).toBeGreaterThanOrEqual(3);
    // A crash leaves it 'running': the next start puts it back in the queue.
    project.db.prepare(`UPDATE jobs SET state = 'running' WHERE id = ?`).run(job.id);
    const second = new JobRunner({ project, handlers: [recordingHandler()] });
    expect(second.resumeInterrupted()).toBe(1);
    await second.whenIdle();
    expect(second.get(job.id)).toMatchObject({ state: 'done', done: 6 });
    expect(seen().sort((a, b) => a - b)).toEqual(ids);
  });

  it('a runner with an accept filter leaves other queued jobs alone (the CLI runs only its own job)', async () => {
    const mine = { tag: 'mine' };
    const other = new JobRunner({ project, handlers: [recordingHandler()], accept: () => false });
    const foreign = other.submit('export', { tag: 'app' }, ids.slice(0, 2));
    const cli = new JobRunner({
      project,
      handlers: [recordingHandler()],
      accept: (j) => JSON.stringify(j.params) === JSON.stringify(mine),
    });
    const { job, resumed } = cli.submitOrResume('export', mine, ids.slice(2, 4));
    expect(resumed).toBe(false);
    await cli.whenIdle();
    expect(cli.get(job.id).state).toBe('done');
    expect(cli.get(foreign.id).state).toBe('queued');
    expect(seen()).toEqual(ids.slice(2, 4));
    // Run again with the same params after a crash: the unfinished job is resumed, not duplicated.
    project.db.prepare(`UPDATE jobs SET state = 'running' WHERE id = ?`).run(foreign.id);
    const appRunner = new JobRunner({ project, handlers: [recordingHandler()] });
    const again = appRunner.submitOrResume('export', { tag: 'app' }, []);
    expect(again).toMatchObject({ resumed: true, job: { id: foreign.id } });
    await appRunner.whenIdle();
    expect(appRunner.get(foreign.id)).toMatchObject({ state: 'done', done: 2 });
  });

  it('runs one job at a time, in submission order', async () => {
    const order: string[] = [];
    const runner = new JobRunner({
      project,
      handlers: [
        recordingHandler(async (id) => {
          order.push(`${runner.list().find((j) => j.state === 'running')?.id}:${id}`);
          await new Promise((r) => setTimeout(r, 1));
          return 'record';
        }),
      ],
    });
    const a = runner.submit('export', {}, ids.slice(0, 2));
    const b = runner.submit('export', {}, ids.slice(2, 4));
    await runner.whenIdle();
    expect(order).toEqual([
      `${a.id}:${ids[0]}`,
      `${a.id}:${ids[1]}`,
      `${b.id}:${ids[2]}`,
      `${b.id}:${ids[3]}`,
    ]);
  });
});
