import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuplicateGroup, type ImageId, type Label } from '@contract';
import { Project } from '../../../../src-main/core/project';
import { tinyPng } from '../../../fixtures/images/make-images';
import { readProjectDb } from '../../../fixtures/db/project-db';
import { jittered, putSummary, seededUnit } from '../../../fixtures/inference/synthetic-embeddings';
import { serviceFixture } from './service-fixture';

type Page = { totalGroups: number; totalImages: number; groups: DuplicateGroup[] };

/**
 * images.remove / images.locate, label prompts and order, duplicate groups: through the contract on a
 * project of 40 tiny images, with synthetic cached summaries for the duplicates.
 */
describe('curation through the contract', () => {
  const { call, raw, dispose } = serviceFixture('curation');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-curation-'));
  const files: string[] = [];
  let ids: ImageId[] = [];
  beforeAll(async () => {
    await call('projects', 'create', { dir });
    for (let i = 0; i < 40; i++) {
      const file = path.join(dir, 'images', `img-${String(i).padStart(3, '0')}.png`);
      files.push(file);
    }
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    files.forEach((f, i) => writeFileSync(f, tinyPng(i)));
    await call('images', 'import', { paths: [path.join(dir, 'images')] });
    ids = (
      await call<{ items: { id: ImageId }[] }>('images', 'list', { limit: 100, sort: 'name' })
    ).items.map((r) => r.id);
    // Summaries: images 0–2 one near-identical group, 3–12 another, the rest unrelated.
    const modelId = (await call<{ modelId: string }>('inference', 'status')).modelId;
    const project = Project.open(dir);
    const a = seededUnit(256, 1);
    const b = seededUnit(256, 2);
    ids.forEach((id, i) => {
      const v =
        i < 3 ? jittered(a, 0.01, 100 + i) : i < 13 ? jittered(b, 0.05, 100 + i) : seededUnit(256, 500 + i);
      putSummary(project, id, modelId, v);
    });
    project.close();
  });
  afterAll(async () => {
    await dispose();
  });

  it('locates an image in the filtered, sorted list ("68 / 2000")', async () => {
    expect(await call('images', 'locate', { imageId: ids[7], sort: 'name' })).toEqual({
      index: 7,
      total: 40,
    });
    expect(await call('images', 'locate', { imageId: ids[17], nameContains: 'img-01' })).toEqual({
      index: 7,
      total: 10,
    });
    expect(await call('images', 'locate', { imageId: ids[3], nameContains: 'img-01' })).toEqual({
      index: null,
      total: 10,
    });
  });

  it('keeps label prompts (null: the name), renames and reorders labels', async () => {
    const person = await call<Label>('labels', 'create', { name: 'person' });
    const car = await call<Label>('labels', 'create', { name: 'car', prompt: 'red' });
    expect([person.prompt, car.prompt]).toEqual([null, 'red']);
    await call('labels', 'update', { labelId: person.id, name: 'pedestrian', prompt: 'pink' });
    const order = await call<Label[]>('labels', 'reorder', { labelIds: [car.id] });
    expect(order.map((l) => [l.name, l.prompt])).toEqual([
      ['car', 'red'],
      ['pedestrian', 'pink'],
    ]);
  });

  it('pages duplicate groups, bounded, best first', async () => {
    const first = await call<Page>('search', 'duplicateGroups', {
      threshold: 0.97,
      limit: 1,
      memberLimit: 4,
    });
    expect(first.totalGroups).toBe(2);
    expect(first.totalImages).toBe(13);
    expect(first.groups).toHaveLength(1);
    // The tighter group (noise 0.01) scores highest.
    expect(first.groups[0]!.size).toBe(3);
    const second = await call<Page>('search', 'duplicateGroups', {
      threshold: 0.97,
      offset: 1,
      limit: 1,
      memberLimit: 4,
    });
    expect(second.groups[0]!.size).toBe(10);
    expect(second.groups[0]!.members).toHaveLength(4);
    expect(second.groups[0]!.members[0]).toMatchObject({
      fileName: expect.stringMatching(/^img-0(0[3-9]|1[0-2])\.png$/),
    });
  });

  it('remembers "not duplicates" and takes removed images out of their group', async () => {
    const groupA = ids.slice(0, 3);
    expect(await call('search', 'dismissDuplicates', { imageIds: groupA })).toEqual({ dismissed: 3 });
    const after = await call<Page>('search', 'duplicateGroups', { threshold: 0.97 });
    expect(after.groups.map((g) => g.size)).toEqual([10]);
    await call('images', 'remove', { imageIds: ids.slice(4, 13) });
    const kept = await call<Page>('search', 'duplicateGroups', { threshold: 0.97 });
    expect(kept.totalGroups).toBe(0);
  });

  it('removes images with their annotations, proposals and cache, never the files, never reusing ids', async () => {
    const victim = ids[20]!;
    const label = (await call<Label[]>('labels', 'list'))[0]!;
    await call('annotations', 'applyPatch', {
      imageId: victim,
      baseRevision: 0,
      patch: {
        added: [
          {
            clientId: 'c1',
            labelId: label.id,
            geometry: { kind: 'box', x: 0, y: 0, widthPx: 2, heightPx: 2 },
            score: null,
            source: 'manual',
          },
        ],
      },
    });
    expect(await call('images', 'remove', { imageIds: [victim, 999_999] })).toEqual({ removed: 1 });
    expect((await raw('annotations', 'list', { imageId: victim })).ok).toBe(false);
    const project = Project.open(dir);
    const left = readProjectDb(project, (db) =>
      ['annotations', 'embeddings', 'proposals'].map(
        (table) =>
          db.prepare(`SELECT COUNT(*) FROM ${table} WHERE image_id = ?`).pluck().get(victim) as number,
      ),
    );
    expect(left).toEqual([0, 0, 0]);
    project.close();
    expect(existsSync(files[20]!)).toBe(true);
    expect(files.slice(4, 13).every((f) => existsSync(f))).toBe(true);
    // The largest id removed is never handed out again.
    const lastId = ids.at(-1);
    await call('images', 'remove', { imageIds: [lastId] });
    writeFileSync(path.join(dir, 'images', 'new.png'), tinyPng(777));
    await call('images', 'import', { paths: [path.join(dir, 'images', 'new.png')] });
    const newest = (
      await call<{ items: { id: number; fileName: string }[] }>('images', 'list', { limit: 1000 })
    ).items.find((r) => r.fileName === 'new.png')!;
    expect(newest.id).toBeGreaterThan(lastId);
  });
});
