import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageId, type LabelId } from '@contract';
import { type Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { readProjectDb } from '../../../fixtures/db/project-db';
import { projectWithImages } from './helpers/seed';

const temp = tempDirs('list');
let project: Project;
let ids: ImageId[];
let cat: LabelId;

beforeAll(() => {
  ({ project, ids } = projectWithImages(temp.make(), 500));
  cat = project.labels.create({ name: 'cat' }).id;
  // Every 10th image is done; images 3, 13, 23… carry a cat.
  ids.forEach((id, i) => {
    if (i % 10 === 0) project.images.setStatus(id, 'done');
    if (i % 10 === 3) {
      project.annotations.applyPatch(
        id,
        {
          added: [
            {
              clientId: 'c',
              labelId: cat,
              geometry: { kind: 'point', x: 1, y: 1 },
              score: null,
              source: 'manual',
            },
          ],
        },
        0,
      );
    }
  });
});
afterAll(() => {
  project.close();
  temp.cleanup();
});

describe('image list', () => {
  it('pages in added order with totals and per-row counts', () => {
    const page = project.images.list({ offset: 200, limit: 200 });
    expect(page.total).toBe(500);
    expect(page.items).toHaveLength(200);
    expect(page.items[0]).toEqual({
      id: ids[200],
      fileName: '000200.png',
      widthPx: 64,
      heightPx: 48,
      status: 'done',
      annotationCount: 0,
      missing: false,
      cached: false,
      mediaKey: `${project.mediaKey}/${ids[200]}/${project.images.get(ids[200]!).sha256.slice(0, 16)}`,
    });
    expect(project.images.list({ offset: 400, limit: 200 }).items).toHaveLength(100);
  });

  it('filters by status, name and label, and sorts by name and status', () => {
    const done = project.images.list({ status: 'done', sort: 'name', limit: 5 });
    expect(done.total).toBe(50);
    expect(done.items.map((r) => r.fileName)).toEqual([
      '000000.png',
      '000010.png',
      '000020.png',
      '000030.png',
      '000040.png',
    ]);
    const named = project.images.list({ nameContains: '0049', sort: 'name' });
    expect(named.items.map((r) => r.fileName)).toEqual([
      '000049.png',
      '000490.png',
      '000491.png',
      '000492.png',
      '000493.png',
      '000494.png',
      '000495.png',
      '000496.png',
      '000497.png',
      '000498.png',
      '000499.png',
    ]);
    const withCat = project.images.list({ labelId: cat, limit: 3 });
    expect(withCat.total).toBe(50);
    expect(withCat.items.map((r) => [r.fileName, r.annotationCount])).toEqual([
      ['000003.png', 1],
      ['000013.png', 1],
      ['000023.png', 1],
    ]);
    const byStatus = project.images.list({ sort: 'status', limit: 1, offset: 50 });
    expect(byStatus.items[0]?.status).toBe('new');
    expect(project.images.list({ nameContains: '%' }).total).toBe(0); // LIKE wildcards are literal
    expect(project.images.list({ status: 'review' })).toEqual({ total: 0, items: [] });
  });

  it('uses indexes for the sorted, filtered page', () => {
    const plan = readProjectDb(project, (db) =>
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id FROM images i WHERE i.status = 'done' ORDER BY i.name, i.id LIMIT 200`,
        )
        .all(),
    ) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX images_status_name/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });
});
