import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtChild, removeBuiltChildren } from '../../fixtures/child/built-child';
import { tempDirs } from '../../fixtures/images/temp-dirs';
import { solid } from '../core/inference/synthetic-images';

const REPO = path.resolve(import.meta.dirname, '../../..');
const HELPER = path.join(import.meta.dirname, 'fixtures', 'small-disk-project.ts');
const IMAGES = 8;
const temp = tempDirs('disk-full');

/**
 * A real full filesystem: a small tmpfs mounted in a user + mount namespace of its own (no root needed
 * where unprivileged user namespaces are allowed; it vanishes with the namespace). Where they are not,
 * this test is skipped; the same stop is tested on SQLite's page quota in job-lease.test.ts.
 */
function canMountTmpfs(): boolean {
  const dir = temp.make();
  const probe = spawnSync(
    'unshare',
    ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs "$0"', dir],
    { stdio: 'ignore' },
  );
  return probe.status === 0;
}

/** Inside the namespace: prepare a nearly full disk, embed, look, free the space, embed again, look. */
const SCRIPT = `
set -e
mnt="$1"; helper="$2"; images="$3"; out="$4"; node="$5"
mount -t tmpfs -o size=8m tmpfs "$mnt"
"$node" "$helper" prepare "$mnt/proj" "$images" 300
set +e
for run in 1 2; do
  "$node" --import tsx src-main/cli/index.ts embed "$mnt/proj" >"$out/embed$run.out" 2>"$out/embed$run.err"
  echo $? >"$out/embed$run.code"
  "$node" "$helper" inspect "$mnt/proj" >"$out/inspect$run.json"
  rm -f "$mnt/filler"
done
`;

let helper: string;
beforeAll(async () => {
  helper = await builtChild(HELPER);
});
afterAll(() => {
  temp.cleanup();
  removeBuiltChildren();
});

interface Inspect {
  jobs: { id: number; state: string; done: number; failed: number; total: number; error: string | null }[];
  embeddings: number;
  integrity: string;
}

describe.skipIf(!canMountTmpfs())('radiolabel embed on a full disk (a real small filesystem)', () => {
  it(
    'ends the job failed with "the disk is full", exits 1, keeps the project intact, and carries on once there is room',
    { timeout: 180_000 },
    async () => {
      const root = temp.make();
      const images = path.join(root, 'images');
      const out = path.join(root, 'out');
      const mnt = path.join(root, 'mnt');
      for (const dir of [images, out, mnt]) mkdirSync(dir);
      for (let i = 0; i < IMAGES; i++)
        await solid(path.join(images, `img-${i}.png`), 96, 64, [30 * i, 120, 220 - 25 * i]);

      const child = spawn(
        'unshare',
        [
          '--user',
          '--map-root-user',
          '--mount',
          'sh',
          '-c',
          SCRIPT,
          'sh',
          mnt,
          helper,
          images,
          out,
          process.execPath,
        ],
        {
          cwd: REPO,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, RADIOLABEL_DATA_DIR: path.join(out, 'data') },
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, stderr).toBe(0);
      const read = (name: string) => readFileSync(path.join(out, name), 'utf8');
      const inspect = (run: number) => JSON.parse(read(`inspect${run}.json`)) as Inspect;

      // The full disk: exit 1, the reason on stderr, the job failed with it, nothing half-written.
      expect(read('embed1.code').trim(), read('embed1.err')).toBe('1');
      const first = inspect(1);
      expect(first.integrity).toBe('ok');
      expect(first.jobs).toHaveLength(1);
      const failed = first.jobs[0]!;
      expect(failed).toMatchObject({ state: 'failed', failed: 0 });
      expect(failed.error).toMatch(/^the disk is full: /);
      expect(failed.done).toBeLessThan(IMAGES);
      expect(first.embeddings).toBe(failed.done);
      expect(read('embed1.err')).toContain(`radiolabel embed: job ${failed.id} failed: the disk is full: `);
      const report = JSON.parse(read('embed1.out')) as { embedded: number; job: { state: string } };
      expect(report).toMatchObject({ embedded: failed.done, job: { state: 'failed' } });

      // Space back: the same command embeds the rest.
      expect(read('embed2.code').trim(), read('embed2.err')).toBe('0');
      const second = inspect(2);
      expect(second.integrity).toBe('ok');
      expect(second.embeddings).toBe(IMAGES);
      expect(second.jobs.map((j) => [j.state, j.done, j.total])).toEqual([
        ['failed', failed.done, IMAGES],
        ['done', IMAGES - failed.done, IMAGES - failed.done],
      ]);
    },
  );
});
