import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asJobId, type ImageId } from '@contract';
import { createRadioLabelService } from '../../../../src-main/core/api';
import { JOB_HEARTBEAT_MS } from '../../../../src-main/core/jobs/job-lease';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { builtChild, removeBuiltChildren } from '../../../fixtures/child/built-child';
import { projectOverDb } from '../../../fixtures/db/project-db';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { fakeImages } from '../../../fixtures/jobs/job-fixtures';
import { ManualClock } from '../../../fixtures/jobs/manual-clock';
import { firstEvent } from '../../../fixtures/wait';
import { ROOT } from '../service/service-fixture';
import { createResultsTable, LEASED_JOB, resultRows, resultsHandler } from './fixtures/results-handler';

const CHILD = path.join(import.meta.dirname, 'fixtures', 'lease-child.ts');
const IMAGES = 6;
/** The child commits this many items, then stays busy on the next until it is killed. */
const HOLD_AT = 2;

const temp = tempDirs('lease');
let child: string;

beforeAll(async () => {
  child = await builtChild(CHILD);
});
afterAll(() => {
  temp.cleanup();
  removeBuiltChildren();
});

interface Holding {
  readonly holding: ImageId;
  readonly jobId: number;
  readonly nowMs: number;
}

/** Starts the child runner and resolves once it reports the item it stays busy on. */
function startHolder(projectDir: string) {
  const proc = spawn(process.execPath, [child, projectDir, String(HOLD_AT)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const lines = createInterface({ input: proc.stdout });
  const holding = firstEvent<string>(
    (l) => {
      lines.on('line', l);
      return () => lines.off('line', l);
    },
    (line) => line.startsWith('{'),
    `the lease child reporting the item it holds (stderr: ${stderr})`,
  ).then((line) => JSON.parse(line) as Holding);
  return { proc, exited, holding, stderr: () => stderr };
}

describe('job leases across processes', () => {
  it(
    "a second process leaves a live process's running job alone, and takes it over exactly once after that process is killed and its lease runs out",
    { timeout: 120_000 },
    async () => {
      const dir = path.join(temp.make(), 'project');
      const { project, db } = projectOverDb(dir, { create: true });
      let first: ReturnType<typeof startHolder> | undefined;
      try {
        const ids = fakeImages(project, IMAGES);
        createResultsTable(db);

        first = startHolder(dir);
        const held = await first.holding;
        const jobId = asJobId(held.jobId);
        expect(held.holding).toBe(ids[HOLD_AT]);
        // This process's clock starts where the child last was seen at work.
        const clock = new ManualClock(held.nowMs);

        // The app or the server opening the project, and a second CLI asking for the same job: the live
        // child's job is shown as running there, and not run here.
        for (const mode of ['browser', 'cli'] as const) {
          const service = createRadioLabelService({
            dataDir: path.join(path.dirname(dir), `data-${mode}`),
            mode,
            version: 't',
            appRoot: ROOT,
            jobClock: clock,
          });
          try {
            expect((await service.call('projects', 'open', { dir })).ok).toBe(true);
            expect(await service.call('jobs', 'list', {})).toMatchObject({
              ok: true,
              value: [{ id: jobId, state: 'running', runningElsewhere: { pid: first.proc.pid } }],
            });
            const run = await service.call('jobs', 'run', { kind: 'embed', params: { images: 'uncached' } });
            expect(run).toMatchObject({ ok: false, error: { code: 'conflict' } });
            expect(!run.ok && run.error.message).toContain(
              `job ${jobId} (embed) is running in another process (pid ${first.proc.pid} on`,
            );
          } finally {
            await service.dispose();
          }
        }
        const started: number[] = [];
        const second = new JobRunner({
          project,
          clock,
          handlers: [resultsHandler(db, { onStart: (id) => started.push(id) })],
        });

        // Opening the project in the app (or the server): the live child's job is not requeued.
        expect(second.resumeInterrupted()).toBe(0);
        await second.whenIdle();
        expect(second.get(jobId)).toMatchObject({
          state: 'running',
          done: HOLD_AT,
          runningElsewhere: { pid: first.proc.pid },
        });
        // A second CLI asking for the same job is refused with who holds it.
        expect(() => second.submitOrResume(LEASED_JOB, ids)).toThrow(
          `job ${jobId} (embed) is running in another process (pid ${first.proc.pid} on`,
        );
        // Heartbeats of this process while the child lives change nothing either.
        clock.advance(1);
        await second.whenIdle();
        expect(started).toEqual([]);
        expect(resultRows(db).map((r) => r.pid)).toEqual(Array(HOLD_AT).fill(first.proc.pid));

        first.proc.kill('SIGKILL');
        expect(await first.exited).toBe('SIGKILL');
        const lease = second.store.get(jobId);
        expect(lease.owner?.pid).toBe(first.proc.pid);
        // Until the lease has run out, nothing moves; the first heartbeat after it has takes the job.
        clock.advanceTo(lease.leaseExpiresAtMs! - 1);
        await second.whenIdle();
        expect(started).toEqual([]);
        expect(second.get(jobId).runningElsewhere).toEqual({ pid: first.proc.pid, host: lease.owner?.host });
        clock.advance(JOB_HEARTBEAT_MS);
        await second.whenIdle();
        expect(started).toEqual([jobId]);

        expect(second.get(jobId)).toMatchObject({ state: 'done', done: IMAGES, total: IMAGES, error: null });
        expect(second.get(jobId).runningElsewhere).toBeUndefined();
        const rows = resultRows(db);
        expect(rows.map((r) => r.image_id)).toEqual(ids);
        expect(rows.map((r) => r.pid)).toEqual([
          ...Array<number>(HOLD_AT).fill(first.proc.pid!),
          ...Array<number>(IMAGES - HOLD_AT).fill(process.pid),
        ]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        await second.close();
      } finally {
        if (first?.proc.exitCode === null && first.proc.signalCode === null) first.proc.kill('SIGKILL');
        project.close();
      }
    },
  );
});
