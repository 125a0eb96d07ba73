import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job, type Label, type RegionHit } from '@contract';
import { serviceFixture } from './service-fixture';

/** Auto-label with the labels the user picks; a label the model cannot read is skipped, not fatal. */
describe('auto-label per label, prompts and capabilities (sample project, starter bundle)', () => {
  const { call, dispose } = serviceFixture('auto-label-labels');
  let labels: Label[] = [];
  const waitJob = async (id: number): Promise<Job> => {
    for (let i = 0; i < 600; i++) {
      const job = (await call<Job[]>('jobs', 'list')).find((j) => j.id === id);
      if (job && ['done', 'failed', 'cancelled'].includes(job.state)) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not finish`);
  };
  beforeAll(async () => {
    await call('projects', 'openSample');
    await call('labels', 'create', { name: 'person' });
    labels = await call<Label[]>('labels', 'list');
  });
  afterAll(async () => {
    await dispose();
  });
  const byName = (name: string) => labels.find((l) => l.name === name)!;

  it('shows what the model understands: the starter names its closed vocabulary', async () => {
    const status = await call<{ capabilities: { text: boolean; isStarter: boolean; vocabulary: string[] } }>(
      'inference',
      'status',
    );
    expect(status.capabilities).toMatchObject({ text: true, isStarter: true, maskDecoder: false });
    expect(status.capabilities.vocabulary).toContain('red');
    expect(status.capabilities.vocabulary).not.toContain('[UNK]');
    expect(status.capabilities.vocabulary).not.toContain('person');
  });

  it('skips a label whose prompt the model cannot use, with a warning, and labels the others', async () => {
    const job = await call<Job>('jobs', 'start', {
      kind: 'auto_label',
      params: {
        images: 'all',
        prompts: [
          { labelId: byName('red').id, texts: ['red'] },
          { labelId: byName('person').id, texts: ['person'] },
        ],
      },
    });
    const done = await waitJob(job.id);
    expect(done.state).toBe('done');
    expect(done.error).toBeNull();
    expect(done.warnings).toHaveLength(1);
    expect(done.warnings[0]).toMatch(/^label "person" skipped: "person" is not in the .* vocabulary/);
    const queue = await call<{ imageId: number; pending: number }[]>('review', 'queue');
    expect(queue.reduce((n, q) => n + q.pending, 0)).toBe(5);
  });

  it('fails, naming the prompts, only when no chosen label can be used', async () => {
    const job = await call<Job>('jobs', 'start', {
      kind: 'auto_label',
      params: { images: 'all', prompts: [{ labelId: byName('person').id, texts: ['person'] }] },
    });
    const done = await waitJob(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/can use none of the labels' prompts: label "person" skipped/);
  });

  it('a label prompting with another word works under its own name', async () => {
    await call('labels', 'update', { labelId: byName('person').id, prompt: 'pink' });
    const job = await call<Job>('jobs', 'start', {
      kind: 'auto_label',
      params: { images: 'all', prompts: [{ labelId: byName('person').id, texts: ['pink'] }] },
    });
    const done = await waitJob(job.id);
    expect(done).toMatchObject({ state: 'done', warnings: [] });
  });

  it('keeps object hits above the threshold, with file names', async () => {
    const queue = await call<{ imageId: number }[]>('review', 'queue');
    const accepted = await call<{ annotationIds: number[] }>('review', 'acceptAll', {
      imageId: queue[0]!.imageId,
    });
    const annotationId = accepted.annotationIds[0]!;
    const loose = await call<RegionHit[]>('search', 'similarObjects', {
      annotationId,
      topK: 50,
      minScore: -1,
      maxPerImage: 3,
    });
    const strict = await call<RegionHit[]>('search', 'similarObjects', {
      annotationId,
      topK: 50,
      minScore: 0.9,
    });
    expect(loose.length).toBeGreaterThan(strict.length);
    expect(strict.every((h) => h.score >= 0.9)).toBe(true);
    expect(loose.every((h) => /^sample-0\d\.png$/.test(h.fileName))).toBe(true);
    // Several hits may come from one image, but only as different regions.
    const keys = loose.map((h) => `${h.imageId}:${h.bbox.join(',')}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(loose.some((h, i) => loose.findIndex((o) => o.imageId === h.imageId) !== i)).toBe(true);
  });
});
