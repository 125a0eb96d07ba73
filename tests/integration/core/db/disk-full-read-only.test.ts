import { chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asImageId, asLabelId } from '@contract';
import { IoError } from '../../../../src-main/core/db/errors';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { Project } from '../../../../src-main/core/project';
import { projectOverDb, readProjectDb } from '../../../fixtures/db/project-db';
import { tinyPng, writeBuffer } from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { runToEnd } from './helpers/kill-child';

const temp = tempDirs('full');
afterAll(() => temp.cleanup());
const NOBODY = 65534;

function bigPolygonPatch(n: number) {
  const ring = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 1000);
  return {
    added: Array.from({ length: n }, (_, i) => ({
      clientId: `p${i}`,
      labelId: asLabelId(1),
      geometry: { kind: 'polygon' as const, rings: [ring] },
      score: null,
      source: 'manual' as const,
    })),
  };
}

describe('disk full and read-only folders', () => {
  it('a full disk gives a clear io_error, applies nothing, and the project stays usable', async () => {
    const root = temp.make();
    const { project, db } = projectOverDb(path.join(root, 'proj'), { create: true });
    try {
      project.images.insert({
        path: 'a.png',
        name: 'a.png',
        sha256: 'b'.repeat(64),
        format: 'png',
        bytes: 1,
        widthPx: 1000,
        heightPx: 1000,
      });
      project.labels.create({ name: 'thing' });
      const pages = db.pragma('page_count', { simple: true }) as number;
      // SQLite's own quota: writes beyond it fail exactly like a full disk (SQLITE_FULL).
      db.pragma(`max_page_count = ${pages + 20}`);
      const image = asImageId(1);
      let thrown: unknown;
      try {
        project.annotations.applyPatch(image, bigPolygonPatch(10), 0);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(IoError);
      expect(thrown).toMatchObject({ code: 'io_error', failure: 'disk_full' });
      expect((thrown as Error).message).toContain(`the disk is full: cannot write ${project.dbFile}`);
      expect(project.annotations.list(image)).toEqual({ revision: 0, items: [] });

      const pngs = path.join(root, 'pngs');
      for (let i = 0; i < 1200; i++) writeBuffer(pngs, `p${i}.png`, tinyPng(i, 4));
      await expect(project.importImages([pngs], { batchSize: 400 })).rejects.toMatchObject({
        code: 'io_error',
        failure: 'disk_full',
      });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

      // Space comes back: the same project, same connection, carries on.
      db.pragma('max_page_count = 1073741823');
      expect(project.annotations.applyPatch(image, bigPolygonPatch(10), 0).revision).toBe(1);
      const rerun = await project.importImages([pngs]);
      expect(rerun.report.added + rerun.report.duplicates).toBe(1200);
    } finally {
      project.close();
    }
  });

  it('a read-only project folder opens read-only: a write gives a clear read_only error, the project stays usable', async () => {
    const root = temp.make();
    chmodSync(root, 0o755);
    const dir = path.join(root, 'proj');
    const setup = Project.create(dir);
    setup.labels.create({ name: 'before' });
    setup.close();
    const isRoot = process.getuid?.() === 0;
    // Root ignores permissions, so the writer runs as "nobody" there; as a normal user, as itself.
    chmodSync(dir, 0o555);
    chmodSync(path.join(dir, PROJECT_DB_FILE), 0o444);
    try {
      const res = await runToEnd(
        path.join(import.meta.dirname, 'helpers', 'open-and-write.ts'),
        [dir],
        isRoot ? { uid: NOBODY, gid: NOBODY } : {},
      );
      const outcome = JSON.parse(res.stdout) as { ok: boolean; error?: { code: string; message: string } };
      expect(outcome.ok, res.stderr).toBe(false);
      expect(outcome.error?.code).toBe('read_only');
      expect(outcome.error?.message).toContain(path.join(dir, PROJECT_DB_FILE));
      expect(outcome.error?.message).toMatch(/changes are not saved; copy the project to a writable folder/);
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(path.join(dir, PROJECT_DB_FILE), 0o644);
    }
    const project = Project.open(dir);
    try {
      expect(readProjectDb(project, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
      project.labels.create({ name: 'after' });
      expect(project.labels.list().map((l) => l.name)).toEqual(['before', 'after']);
    } finally {
      project.close();
    }
  });
});
