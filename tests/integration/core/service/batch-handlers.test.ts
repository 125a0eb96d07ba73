import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job } from '@contract';
import { firstEvent } from '../../../fixtures/wait';
import { serviceFixture } from './service-fixture';

describe('jobs, review and search through the contract (sample project, starter bundle)', () => {
  const { service, call, dispose } = serviceFixture('batch-handlers');
  /** The job once it has ended: from its progress events, or from the list if it has ended already. */
  const waitJob = (id: number): Promise<Job> =>
    firstEvent<Job>(
      (l) => service.events.subscribe((e) => e.kind === 'job_progress' && l(e.job)),
      (j) => j.id === id && ['done', 'failed', 'cancelled'].includes(j.state),
      `job ${id} ended`,
      { current: async () => (await call<Job[]>('jobs', 'list')).find((j) => j.id === id) },
    );
  const progress: string[] = [];
  let red = 0;
  beforeAll(async () => {
    service.events.subscribe((e) => e.kind === 'job_progress' && progress.push(e.job.state));
    await call('projects', 'openSample');
    red = (await call<{ id: number; name: string }[]>('labels', 'list')).find((l) => l.name === 'red')!.id;
  });
  afterAll(async () => {
    await dispose();
  });

  it('precomputes every embedding as a job, with progress events', async () => {
    const job = await call<{ id: number; total: number }>('jobs', 'start', {
      kind: 'embed',
      params: { images: 'all' },
    });
    expect(job.total).toBe(6);
    const done = await waitJob(job.id);
    expect(done).toMatchObject({ state: 'done', done: 6, total: 6 });
    expect(progress).toContain('done');
  });

  it('auto-labels "red" into reviewable proposals, then accepts them', async () => {
    const job = await call<{ id: number }>('jobs', 'start', {
      kind: 'auto_label',
      params: { images: 'all', prompts: [{ labelId: red, texts: ['red'] }] },
    });
    expect((await waitJob(job.id)).state).toBe('done');
    const queue = await call<{ imageId: number; pending: number }[]>('review', 'queue');
    // Red shapes are in sample images 1, 2, 3, 4 and 6 (one each, the ring in 6 included).
    expect(queue.map((q) => q.pending).reduce((a, b) => a + b, 0)).toBe(5);
    const first = queue[0]!;
    const proposals = await call<{ id: number; labelId: number; source: string }[]>('review', 'list', {
      imageId: first.imageId,
    });
    expect(proposals.every((p) => p.labelId === red && p.source === 'text')).toBe(true);
    const accepted = await call<{ annotationIds: number[] }>('review', 'acceptAll', {
      imageId: first.imageId,
    });
    expect(accepted.annotationIds).toHaveLength(proposals.length);
    const stored = await call<{ items: { source: string }[] }>('annotations', 'list', {
      imageId: first.imageId,
    });
    expect(stored.items.filter((a) => a.source === 'text')).toHaveLength(proposals.length);
    const second = queue[1]!;
    expect(
      (await call<{ rejected: number }>('review', 'rejectAll', { imageId: second.imageId })).rejected,
    ).toBe(1);
    expect((await call<{ imageId: number }[]>('review', 'queue')).map((q) => q.imageId)).not.toContain(
      second.imageId,
    );
  });

  it('finds similar images and objects on the cache', async () => {
    const images = await call<{ items: { id: number }[] }>('images', 'list', { sort: 'name' });
    const hits = await call<{ imageId: number; score: number }[]>('search', 'similarImages', {
      imageId: images.items[0]!.id,
      topK: 3,
    });
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.imageId)).not.toContain(images.items[0]!.id);
    const annotationId = (
      await call<{ items: { id: number }[] }>('annotations', 'list', { imageId: images.items[0]!.id })
    ).items[0]?.id;
    if (annotationId === undefined) return; // the first image in the review queue may be another one
    const objects = await call<{ imageId: number }[]>('search', 'similarObjects', { annotationId, topK: 3 });
    expect(objects.length).toBeGreaterThan(0);
  });
});

describe('zero-shot tags as an image filter', () => {
  const { service, dispose } = serviceFixture('tags');
  afterAll(async () => {
    await dispose();
  });

  it('picks the images whose content matches a label name, and the list pages over them', async () => {
    await service.handlers.projects.openSample({});
    const all = await service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
    for (const image of all.items) await service.handlers.inference.embed({ imageId: image.id });
    const byName = new Map(all.items.map((i) => [i.id, i.fileName]));
    const tagged = await service.handlers.search.imagesWithTag({ label: 'yellow', minProbability: 0.3 });
    const withYellow = ['sample-02.png', 'sample-04.png', 'sample-06.png'];
    expect(tagged.imageIds.length).toBeGreaterThan(0);
    expect(tagged.imageIds.every((id) => withYellow.includes(byName.get(id)!))).toBe(true);
    const page = await service.handlers.images.list({
      offset: 0,
      limit: 10,
      sort: 'name',
      ids: tagged.imageIds,
    });
    expect(page.total).toBe(tagged.imageIds.length);
    expect(page.items.map((i) => i.id).sort()).toEqual([...tagged.imageIds].sort());
  });
});
