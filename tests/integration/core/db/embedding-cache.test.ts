import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ImageId } from '@contract';
import { type StoredEmbedding } from '../../../../src-main/core/embedding-types';
import { Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { projectWithImages } from './helpers/seed';
import { openProjectDb } from '../../../../src-main/core/db/open-db';
import { SqliteEmbeddingCache } from '../../../../src-main/core/db/embedding-cache';
import { readProjectDb } from '../../../fixtures/db/project-db';

const temp = tempDirs('emb');
afterAll(() => temp.cleanup());

const mapping = { imageWidthPx: 64, imageHeightPx: 48, inputWidthPx: 64, inputHeightPx: 48, patchPx: 16 };

function embedding(seed: number, channels = 8): StoredEmbedding {
  const features = new Uint16Array(3 * 4 * channels).map((_, i) => (seed * 1000 + i) & 0xffff);
  const summary = new Uint16Array(5).map((_, i) => seed + i);
  return {
    mapping,
    tensors: { features: { dims: [3, 4, channels], data: features }, summary: { dims: [5], data: summary } },
  };
}

let project: Project;
let ids: ImageId[];
beforeEach(() => {
  ({ project, ids } = projectWithImages(temp.make(), 6));
  return () => project.close();
});

describe('embedding cache', () => {
  it('round-trips several fp16 tensors and the mapping as one row, keyed by image, model and resolution', () => {
    const key = { imageId: ids[0]!, modelId: 'starter', resolution: '64x48' };
    expect(project.embeddings.get(key)).toBeUndefined();
    project.embeddings.put(key, embedding(1));
    const got = project.embeddings.get(key)!;
    expect(got.mapping).toEqual(mapping);
    expect(Object.keys(got.tensors).sort()).toEqual(['features', 'summary']);
    expect(got.tensors.features!.dims).toEqual([3, 4, 8]);
    expect(Array.from(got.tensors.features!.data)).toEqual(Array.from(embedding(1).tensors.features!.data));
    expect(Array.from(got.tensors.summary!.data)).toEqual([1, 2, 3, 4, 5]);
    expect(got.tensors.features!.data).toBeInstanceOf(Uint16Array);
    expect(project.embeddings.get({ ...key, resolution: '128x96' })).toBeUndefined();
    expect(project.embeddings.totalBytes()).toBe((3 * 4 * 8 + 5) * 2);
    expect(project.images.row(ids[0]!).cached).toBe(true);
    expect(project.info().cacheBytes).toBe((3 * 4 * 8 + 5) * 2);
  });

  it('evicts least recently used rows beyond the byte budget', () => {
    const rowBytes = (3 * 4 * 8 + 5) * 2;
    project.embeddings.setBudgetBytes(rowBytes * 3);
    const key = (i: number) => ({ imageId: ids[i]!, modelId: 'm', resolution: 'r' });
    for (let i = 0; i < 3; i++) project.embeddings.put(key(i), embedding(i));
    expect(project.embeddings.get(key(0))).toBeDefined(); // 0 is now the most recent
    project.embeddings.put(key(3), embedding(3));
    expect([0, 1, 2, 3].map((i) => project.embeddings.has(key(i)))).toEqual([true, false, true, true]);
    project.embeddings.setBudgetBytes(rowBytes);
    expect([0, 1, 2, 3].map((i) => project.embeddings.has(key(i)))).toEqual([false, false, false, true]);
    expect(project.embeddings.totalBytes()).toBe(rowBytes);
    expect(() => project.embeddings.setBudgetBytes(-1)).toThrow(
      /cacheBudgetBytes: must be a non-negative number/,
    );
  });

  it('drops an image’s embeddings with the image (foreign key cascade)', () => {
    project.embeddings.put({ imageId: ids[1]!, modelId: 'm', resolution: 'r' }, embedding(1));
    const db = openProjectDb(project.dbFile, { create: false });
    db.prepare('DELETE FROM images WHERE id = ?').run(ids[1]);
    db.close();
    expect(project.embeddings.totalBytes()).toBe(0);
  });

  it('stores text embeddings as float32', () => {
    const v = new Float32Array([0.25, -1.5, 3e-8, 7]);
    project.embeddings.putText('starter', 'a red car', v);
    expect(Array.from(project.embeddings.getText('starter', 'a red car')!)).toEqual(Array.from(v));
    expect(project.embeddings.getText('starter', 'a blue car')).toBeUndefined();
    expect(project.embeddings.getText('other', 'a red car')).toBeUndefined();
  });

  it('refuses tensors whose dims do not match their data', () => {
    const bad: StoredEmbedding = { mapping, tensors: { f: { dims: [2, 2], data: new Uint16Array(3) } } };
    expect(() => project.embeddings.put({ imageId: ids[0]!, modelId: 'm', resolution: 'r' }, bad)).toThrow(
      'tensors.f: dims [2,2] need 4 values, got 3',
    );
  });

  it('records reads in memory: no write per read, yet eviction still follows the reads', () => {
    const rowBytes = (3 * 4 * 8 + 5) * 2;
    // A cache over a connection of the test's own: total_changes() counts that connection's writes.
    const db = openProjectDb(project.dbFile, { create: false });
    try {
      const cache = new SqliteEmbeddingCache(db, rowBytes * 3);
      const key = (i: number) => ({ imageId: ids[i]!, modelId: 'm', resolution: 'r' });
      for (let i = 0; i < 3; i++) cache.put(key(i), embedding(i));
      const changes = db.prepare('SELECT total_changes()').pluck();
      const lastUsed = db
        .prepare('SELECT last_used FROM embeddings WHERE image_id = ? ORDER BY image_id')
        .pluck();
      const before = changes.get() as number;
      const rank0 = lastUsed.get(ids[0]) as number;
      for (let n = 0; n < 100; n++) expect(cache.get(key(n % 2 === 0 ? 0 : 2))).toBeDefined();
      expect(changes.get()).toBe(before);
      expect(lastUsed.get(ids[0])).toBe(rank0);
      // Key 1 is now the least recently read: it goes first, although the table has not seen the reads.
      cache.put(key(3), embedding(3));
      expect([0, 1, 2, 3].map((i) => cache.has(key(i)))).toEqual([true, false, true, true]);
      cache.put(key(4), embedding(4));
      expect([0, 2, 3, 4].map((i) => cache.has(key(i)))).toEqual([false, true, true, true]);
    } finally {
      db.close();
    }
  });

  it('writes the recorded ranks on close, and in a batch after many reads', () => {
    const key = (i: number) => ({ imageId: ids[i]!, modelId: 'm', resolution: 'r' });
    for (let i = 0; i < 3; i++) project.embeddings.put(key(i), embedding(i));
    const order = (p: Project) =>
      readProjectDb(p, (db) =>
        db.prepare('SELECT image_id FROM embeddings ORDER BY last_used').pluck().all(),
      );
    expect(order(project)).toEqual([ids[0], ids[1], ids[2]]);
    project.embeddings.get(key(0));
    expect(order(project)).toEqual([ids[0], ids[1], ids[2]]);
    const dir = project.dir;
    project.close();
    project = Project.open(dir);
    expect(order(project)).toEqual([ids[1], ids[2], ids[0]]);
    for (let n = 0; n < 256; n++) project.embeddings.get(key(n < 255 ? 2 : 1));
    expect(order(project)).toEqual([ids[0], ids[2], ids[1]]);
  });
});
