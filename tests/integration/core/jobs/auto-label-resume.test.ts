import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { JOB_LEASE_MS } from '../../../../src-main/core/jobs/job-lease';
import { builtChild, removeBuiltChildren } from '../../../fixtures/child/built-child';
import { firstEvent } from '../../../fixtures/wait';
import { createSyntheticProject, randomScene } from '../intelligence/helpers/synthetic-project';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'auto-label-child.ts');
const WORKER = path.resolve(import.meta.dirname, '../../../../src-main/core/inference/inference.worker.ts');
const IMAGES = 200;

let root: string;
let projectDir: string;
// The child and its inference worker are bundled once: the two starts are plain node, with no transpiler.
let child: string;
let worker: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rl-resume-'));
  projectDir = path.join(root, 'project');
  const scenes = Array.from({ length: IMAGES }, (_, i) => ({
    ...randomScene(1000 + i, 64, 64),
    name: `s${i}.png`,
  }));
  const { project } = await createSyntheticProject(projectDir, scenes);
  project.close();
  [child, worker] = await Promise.all([builtChild(CHILD), builtChild(WORKER)]);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  removeBuiltChildren();
});

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
  /** Resolves once the child reports `done` items committed (its job progress lines on stdout). */
  readonly reached: (done: number) => Promise<void>;
}

/** `lateByMs`: the child's lease time runs that far ahead (a start after the killed run's lease ran out). */
function startChild(lateByMs = 0): Child {
  const proc = spawn(process.execPath, [child, projectDir, path.join(root, 'data'), String(lateByMs)], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RADIOLABEL_INFERENCE_WORKER: worker },
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: proc.stdout });
  const reached = (done: number): Promise<void> =>
    firstEvent<string>(
      (l) => {
        lines.on('line', l);
        return () => lines.off('line', l);
      },
      (line) => (JSON.parse(line) as { done: number }).done >= done,
      `the auto-label child reporting ${done} images done (stderr: ${err})`,
      { timeoutMs: 120_000 },
    ).then(() => undefined);
  return { process: proc, exited, stderr: () => err, reached };
}

function countProcessed(): number {
  const db = new Database(path.join(projectDir, PROJECT_DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'processed'`).get();
    return hasTable ? (db.prepare('SELECT COUNT(*) FROM processed').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

describe('auto-label resume after SIGKILL', () => {
  // Two child starts and 200 auto-labelled images: well under a minute idle, more under a full load; the
  // wait for the kill has its own bound (the child's progress, 120 s).
  it(
    'processes every image exactly once across a kill and a restart, with no duplicate proposals',
    {
      timeout: 240_000,
    },
    async () => {
      const first = startChild();
      await first.reached(40);
      first.process.kill('SIGKILL');
      await first.exited;
      const atKill = countProcessed();
      expect(atKill, first.stderr()).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(IMAGES);

      // The killed child's job stays leased to it until the lease runs out; the second starts after that.
      const second = startChild(JOB_LEASE_MS);
      expect(await second.exited, second.stderr()).toBe(0);

      const db = new Database(path.join(projectDir, PROJECT_DB_FILE), { readonly: true });
      try {
        const perImage = db
          .prepare(
            'SELECT image_id, COUNT(*) AS n, COUNT(DISTINCT pid) AS pids FROM processed GROUP BY image_id',
          )
          .all() as { image_id: number; n: number }[];
        expect(perImage).toHaveLength(IMAGES);
        expect(perImage.filter((r) => r.n !== 1)).toEqual([]);
        expect(db.prepare('SELECT COUNT(DISTINCT pid) FROM processed').pluck().get()).toBe(2);
        const job = db.prepare('SELECT state, done, total, failed FROM jobs').all();
        expect(job).toEqual([{ state: 'done', done: IMAGES, total: IMAGES, failed: 0 }]);
        const dupes = db
          .prepare(
            `SELECT COUNT(*) FROM (SELECT image_id, label_id, geometry FROM proposals
           GROUP BY image_id, label_id, geometry HAVING COUNT(*) > 1)`,
          )
          .pluck()
          .get();
        expect(dupes).toBe(0);
        const proposals = db.prepare('SELECT COUNT(*) FROM proposals').pluck().get() as number;
        expect(proposals).toBeGreaterThan(IMAGES / 4);
        const reviewWithout = db
          .prepare(
            `SELECT COUNT(*) FROM images i WHERE i.status = 'review'
           AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.image_id = i.id)`,
          )
          .pluck()
          .get();
        expect(reviewWithout).toBe(0);
      } finally {
        db.close();
      }
    },
  );
});
