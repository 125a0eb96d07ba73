import { truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/core/project';
import { radiolabel } from '../../fixtures/cli/radiolabel';
import { readProjectDb } from '../../fixtures/db/project-db';
import { tempDirs } from '../../fixtures/images/temp-dirs';
import { solid } from '../core/inference/synthetic-images';

const temp = tempDirs('embed-failures');
afterAll(() => temp.cleanup());

describe('radiolabel embed with images that fail', () => {
  it('names each failed image, counts only the embedded ones, records them on the job, and exits 3', async () => {
    const root = temp.make();
    const dir = path.join(root, 'proj');
    const files = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const file = path.join(root, `img-${i}.png`);
        await solid(file, 96, 64, [40 * i, 120, 200 - 30 * i]);
        return file;
      }),
    );
    const project = Project.create(dir);
    await project.importImages(files);
    project.close();
    // Damaged after import: the files are cut short, as by a failing disk or an interrupted copy.
    for (const i of [1, 3]) truncateSync(files[i]!, 60);

    const run = await radiolabel(path.join(root, 'data'), ['embed', dir]);
    expect(run.code, run.stderr).toBe(3);
    const report = run.json as {
      embedded: number;
      failed: number;
      failedImages: { imageId: number; name: string; error: string }[];
      job: { state: string; done: number; total: number; error: string };
    };
    expect(report).toMatchObject({ embedded: 3, failed: 2, job: { state: 'done', done: 5, total: 5 } });
    expect(report.failedImages.map((f) => [f.imageId, f.name])).toEqual([
      [2, 'img-1.png'],
      [4, 'img-3.png'],
    ]);
    expect(report.job.error).toMatch(/^done with 2 of 5 failed: img-1\.png \(.+\), img-3\.png \(.+\)$/);
    const lines = run.stderr.split('\n');
    expect(lines).toContain('radiolabel embed: 2 of 5 images failed:');
    expect(lines.filter((l) => l.startsWith('  failed: '))).toEqual([
      `  failed: img-1.png (image 2): ${report.failedImages[0]!.error}`,
      `  failed: img-3.png (image 4): ${report.failedImages[1]!.error}`,
    ]);

    const reopened = Project.open(dir);
    const stored = readProjectDb(reopened, (db) => ({
      embeddings: db.prepare('SELECT image_id FROM embeddings ORDER BY image_id').pluck().all(),
      items: db.prepare('SELECT image_id, state FROM job_items ORDER BY image_id').raw().all(),
    }));
    reopened.close();
    expect(stored.embeddings).toEqual([1, 3, 5]);
    expect(stored.items).toEqual([
      [1, 'done'],
      [2, 'failed'],
      [3, 'done'],
      [4, 'failed'],
      [5, 'done'],
    ]);
  });
});
