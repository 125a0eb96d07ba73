import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRadioLabelService } from '../../../../src-main/core/api';

import { ROOT, serviceFixture } from './service-fixture';

describe('project handlers through the contract (real SQLite)', () => {
  const { service, call, raw, dispose } = serviceFixture('handlers');
  afterAll(async () => {
    await dispose();
  });

  it('answers no_project before a project is open', async () => {
    const r = await raw('labels', 'list');
    expect(r.ok ? null : r.error.code).toBe('no_project');
  });

  it('opens the sample project with its six images and four labels', async () => {
    const info = await call<{ images: number; labels: number; name: string }>('projects', 'openSample');
    expect(info).toMatchObject({ images: 6, labels: 4, name: 'Sample project' });
    const again = await call<{ images: number }>('projects', 'openSample');
    expect(again.images).toBe(6);
    const recent = await call<{ name: string }[]>('projects', 'recent');
    expect(recent.map((r) => r.name)).toContain('Sample project');
  });

  it('lists images and serves their media by id only', async () => {
    const page = await call<{
      total: number;
      items: { id: number; fileName: string; widthPx: number; mediaKey: string }[];
    }>('images', 'list', {
      limit: 3,
      sort: 'name',
    });
    expect(page.total).toBe(6);
    expect(page.items.map((i) => i.fileName)).toEqual(['sample-01.png', 'sample-02.png', 'sample-03.png']);
    expect(page.items[0]?.widthPx).toBe(640);
    const media = await service.openMedia(page.items[0]!.mediaKey);
    expect(media?.contentType).toBe('image/png');
    await media?.handle.close();
    expect(await service.openMedia(page.items[0]!.mediaKey.replace(/\/\d+\//, '/9999/'))).toBeUndefined();
  });

  it('applies annotation patches with revisions and rejects stale ones', async () => {
    const labels = await call<{ id: number; name: string }[]>('labels', 'list');
    const red = labels.find((l) => l.name === 'red')!;
    const imageId = (await call<{ items: { id: number }[] }>('images', 'list', { limit: 1 })).items[0]!.id;
    const first = await call<{ revision: number; added: { clientId: string; id: number }[] }>(
      'annotations',
      'applyPatch',
      {
        imageId,
        baseRevision: 0,
        patch: {
          added: [
            {
              clientId: 'a',
              labelId: red.id,
              geometry: { kind: 'box', x: 1, y: 2, widthPx: 30, heightPx: 40 },
              score: null,
              source: 'manual',
            },
          ],
        },
      },
    );
    expect(first.revision).toBe(1);
    expect(first.added).toHaveLength(1);
    const stale = await raw('annotations', 'applyPatch', { imageId, baseRevision: 0, patch: {} });
    expect(stale.ok ? null : stale.error.code).toBe('conflict');
    const listed = await call<{ revision: number; items: { geometry: unknown }[] }>('annotations', 'list', {
      imageId,
    });
    expect(listed.revision).toBe(1);
    expect(listed.items[0]?.geometry).toEqual({ kind: 'box', x: 1, y: 2, widthPx: 30, heightPx: 40 });
  });
});

describe('missing images through the service', () => {
  it('flags files that vanished since the last session, and relinks a moved folder by content', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-missing-'));
    const photos = path.join(dataDir, 'photos');
    mkdirSync(photos);
    for (const f of ['sample-01.png', 'sample-02.png'])
      copyFileSync(path.join(ROOT, 'resources/sample', f), path.join(photos, f));
    const service = createRadioLabelService({ dataDir, mode: 'browser', version: 't', appRoot: ROOT });
    const events: unknown[] = [];
    service.events.subscribe((e) => events.push(e));
    try {
      const dir = path.join(dataDir, 'proj');
      await service.handlers.projects.create({ dir });
      expect((await service.handlers.images.import({ paths: [photos] })).added).toBe(2);
      await service.handlers.projects.close({});
      const moved = path.join(dataDir, 'moved');
      renameSync(photos, moved);
      await service.handlers.projects.open({ dir });
      await expect
        .poll(() => events.some((e) => (e as { kind: string }).kind === 'images_changed'))
        .toBe(true);
      expect(events).toContainEqual({ kind: 'images_changed', missing: 2 });
      const list = await service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
      expect(list.items.map((i) => i.missing)).toEqual([true, true]);
      expect(await service.handlers.images.relink({ folder: moved })).toEqual({ relinked: 2 });
      const after = await service.handlers.images.list({ offset: 0, limit: 10, sort: 'name' });
      expect(after.items.map((i) => i.missing)).toEqual([false, false]);
    } finally {
      await service.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('export through the service', () => {
  const { service, call, dispose } = serviceFixture('export-progress');
  afterAll(dispose);

  it('writes the dataset and reports progress as events', async () => {
    const events: { kind: string; done?: number; total?: number }[] = [];
    service.events.subscribe((e) => events.push(e));
    await call('projects', 'openSample');
    const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'radiolabel-export-')), 'yolo');
    const r = await call<{ images: number; outDir: string }>('exports', 'run', {
      format: 'yolo-detect',
      outDir,
    });
    expect(r.images).toBe(6);
    expect(readdirSync(outDir).sort()).toEqual(['data.yaml', 'images', 'labels']);
    const progress = events.filter((e) => e.kind === 'transfer_progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((e) => e.done === e.total && e.total! > 0)).toBe(true);
  });
});
