import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, type InferenceEngine } from '../../../../src-main/core/inference';
import { cacheStatus } from '../../../../src-main/core/intelligence/embeddings';
import { precomputeHandler } from '../../../../src-main/core/intelligence/precompute';
import { JobRunner } from '../../../../src-main/core/jobs/job-runner';
import { Project } from '../../../../src-main/core/project';
import { radiolabel } from '../../../fixtures/cli/radiolabel';
import { createSyntheticProject, randomScene, type SyntheticProject } from './helpers/synthetic-project';

let dir: string;
let engine: InferenceEngine;
let sp: SyntheticProject;
let projectDir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rl-precompute-cli-'));
  engine = createInferenceEngine({ dataDir: path.join(dir, 'data') });
  projectDir = path.join(dir, 'project');
  const scenes = Array.from({ length: 6 }, (_, i) => ({
    ...randomScene(300 + i, 96, 80, ['red', 'blue']),
    name: `c${i}.png`,
  }));
  sp = await createSyntheticProject(projectDir, scenes);
});

afterAll(async () => {
  if (sp.project.isOpen) sp.project.close();
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...argv: string[]) => radiolabel(path.join(dir, 'data'), argv);

describe('precompute within the cache budget', () => {
  it('stops before its own writes would exceed the budget, and says so', async () => {
    const { project, images } = sp;
    const spec = { modelId: 'starter', resolution: 96 };
    const runner = new JobRunner({ project, handlers: [precomputeHandler(engine)] });
    runner.submit(
      { kind: 'embed', params: spec },
      images.slice(0, 1).map((i) => i.id),
    );
    await runner.whenIdle();
    const one = project.embeddings.totalBytes();
    expect(one).toBeGreaterThan(0);
    project.embeddings.setBudgetBytes(Math.floor(one * 3.5));
    const job = runner.submit(
      { kind: 'embed', params: spec },
      images.map((i) => i.id),
    );
    await runner.whenIdle();
    const done = runner.get(job.id);
    expect(done.state).toBe('done');
    expect(done.error).toMatch(/^the embedding cache budget \(\d+ bytes\) is full after 3 new embeddings/);
    expect(cacheStatus(project, spec).cached).toHaveLength(3);
    // The first image was already cached (done, no write); three new ones fit in 3.5 embeddings' worth.
    expect(runner.store.itemCounts(job.id)).toEqual({ pending: 0, done: 4, failed: 0, skipped: 2 });
    expect(project.embeddings.totalBytes()).toBeLessThanOrEqual(project.embeddings.budgetBytes);
    project.embeddings.setBudgetBytes(4 * 1024 ** 3);
    project.close();
  });
});

describe('precompute with a missing image file', () => {
  it('fails that image with a message naming the file, and finishes the others', async () => {
    const project = Project.open(projectDir);
    const victim = sp.images[5]!;
    try {
      renameSync(path.join(projectDir, victim.scene.name), path.join(dir, 'moved.png'));
      const runner = new JobRunner({ project, handlers: [precomputeHandler(engine)] });
      const job = runner.submit(
        { kind: 'embed', params: { modelId: 'starter', resolution: 48 } },
        sp.images.map((i) => i.id),
      );
      await runner.whenIdle();
      const done = runner.get(job.id);
      expect(done).toMatchObject({ state: 'done', done: 6, total: 6 });
      expect(done.error).toContain(`done with 1 of 6 failed: ${victim.scene.name} (cannot open image `);
      expect(runner.store.itemCounts(job.id)).toEqual({ pending: 0, done: 5, failed: 1, skipped: 0 });
    } finally {
      renameSync(path.join(dir, 'moved.png'), path.join(projectDir, victim.scene.name));
      project.close();
    }
  });
});

describe('intelligence CLI commands', () => {
  it('auto-label → review → propagate → similar → duplicates → jobs, all JSON on stdout', async () => {
    const auto = await cli(
      'auto-label',
      projectDir,
      '--prompt',
      'red=red',
      '--prompt',
      'blue=blue',
      '--resolution',
      '128',
    );
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.json).toMatchObject({
      job: { kind: 'auto_label', state: 'done', done: 6, total: 6 },
      resumed: false,
    });
    expect(auto.stderr).toMatch(/job \d+ auto_label done: 6\/6/);
    const again = await cli(
      'auto-label',
      projectDir,
      '--prompt',
      'red=red',
      '--prompt',
      'blue=blue',
      '--resolution',
      '128',
    );
    expect(again.json).toMatchObject({ proposalsAdded: 0 });

    const queue = (await cli('review', 'list', projectDir)).json as {
      queue: { imageId: number; pending: number }[];
    };
    expect(queue.queue.length).toBeGreaterThan(0);
    const first = queue.queue[0]!;
    const accepted = await cli('review', 'accept', projectDir, '--image', String(first.imageId));
    expect(accepted.json).toMatchObject({ revision: 1 });
    expect((accepted.json as { annotationIds: number[] }).annotationIds).toHaveLength(first.pending);

    const prop = await cli('propagate', projectDir, '--label', 'red', '--resolution', '128');
    expect(prop.code, prop.stderr).toBe(0);
    expect(prop.json).toMatchObject({
      job: { kind: 'propagate', state: 'done' },
      label: { name: 'red' },
      exemplarImages: 1,
    });

    const similar = await cli(
      'similar',
      projectDir,
      '--image',
      String(first.imageId),
      '--top',
      '2',
      '--resolution',
      '128',
    );
    expect(similar.json).toMatchObject({ mode: 'image' });
    expect((similar.json as { hits: unknown[] }).hits).toHaveLength(2);
    const annotationId = (accepted.json as { annotationIds: number[] }).annotationIds[0]!;
    const objects = await cli(
      'similar',
      projectDir,
      '--image',
      String(first.imageId),
      '--annotation',
      String(annotationId),
      '--top',
      '3',
      '--resolution',
      '128',
    );
    expect(objects.code, objects.stderr).toBe(0);
    const hit = (objects.json as { hits: { heatmap: { gridW: number; gridH: number; base64: string } }[] })
      .hits[0]!;
    expect(Buffer.from(hit.heatmap.base64, 'base64')).toHaveLength(hit.heatmap.gridW * hit.heatmap.gridH);

    const dupes = await cli('duplicates', projectDir, '--threshold', '0.9999', '--resolution', '128');
    expect(dupes.json).toMatchObject({ model: 'starter', threshold: 0.9999 });

    const jobs = (await cli('jobs', projectDir)).json as { kind: string; state: string }[];
    expect(jobs.map((j) => `${j.kind}:${j.state}`)).toEqual([
      'propagate:done',
      'auto_label:done',
      'auto_label:done',
      'embed:done',
      'embed:done',
      'embed:done',
    ]);
  });

  it('bad input: clear messages and exit code 2', async () => {
    const noEq = await cli('auto-label', projectDir, '--prompt', 'red');
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toContain('--prompt "red" must look like <label>=<text>');
    const unknown = await cli('propagate', projectDir, '--label', 'zebra');
    expect(unknown.stderr).toContain('no label "zebra" in this project');
    const noExamples = await cli('propagate', projectDir, '--label', 'green');
    expect(noExamples.stderr).toContain('label "green" has no annotations yet');
    const images = await cli('auto-label', projectDir, '--prompt', 'red=red', '--images', 'some');
    expect(images.stderr).toContain(
      '--images: expected "all", "new", "uncached" or a list of image ids (got "some")',
    );
    const propose = await cli('similar', projectDir, '--image', '1', '--propose', 'red');
    expect(propose.stderr).toContain('--propose turns object hits into proposals, so it needs --annotation');
    const uncached = await cli('similar', projectDir, '--image', '1');
    expect(uncached.code).not.toBe(0);
    expect(uncached.stderr).toContain('has no cached embedding for model "starter": precompute it first');
  });
});
