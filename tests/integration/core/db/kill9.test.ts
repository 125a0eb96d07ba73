import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { Project } from '../../../../src-main/core/project';
import { tinyPng, writeBuffer } from '../../../fixtures/images/make-images';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { builtChild, removeBuiltChildren } from '../../../fixtures/child/built-child';
import { runAndKill } from './helpers/kill-child';

const temp = tempDirs('kill');
const helpers = path.join(import.meta.dirname, 'helpers');
// Each child is bundled once: 26 starts of plain node, not 26 tsx transpiles (seconds each under load).
let patchWriter: string;
let importWriter: string;
beforeAll(async () => {
  patchWriter = await builtChild(path.join(helpers, 'patch-writer.ts'));
  importWriter = await builtChild(path.join(helpers, 'import-writer.ts'));
});
afterAll(() => {
  temp.cleanup();
  removeBuiltChildren();
});

/** Deterministic pseudo-random delays, so that a failure can be replayed. */
function delays(n: number, seed: number, maxMs: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % maxMs;
  });
}

/**
 * Every kill is a child start (plain node, no transpiler): about half a second idle, two or three under
 * a full load on two cores. The bound is the work's, not a race: each child has its own first-line limit.
 */
const KILLS_TIMEOUT_MS = 180_000;

describe('kill -9', () => {
  it(
    'never loses a reported revision nor shows half a patch (20 kills)',
    { timeout: KILLS_TIMEOUT_MS },
    async () => {
      const dir = path.join(temp.make(), 'proj');
      const setup = Project.create(dir);
      setup.images.insert({
        path: 'a.png',
        name: 'a.png',
        sha256: 'a'.repeat(64),
        format: 'png',
        bytes: 1,
        widthPx: 64,
        heightPx: 64,
      });
      setup.labels.create({ name: 'thing' });
      setup.close();
      let highest = 0;
      let totalReported = 0;
      for (const ms of delays(20, 7, 120)) {
        const run = await runAndKill(patchWriter, [dir], ms);
        expect(run.killed).toBe(true);
        const reported = run.lines.map(Number);
        totalReported += reported.length;
        highest = Math.max(highest, ...reported);

        const db = new Database(path.join(dir, PROJECT_DB_FILE), { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          const revision = db.prepare('SELECT revision FROM images WHERE id = 1').pluck().get() as number;
          expect(revision).toBeGreaterThanOrEqual(highest);
          const rows = db
            .prepare('SELECT kind, geometry, revision FROM annotations WHERE image_id = 1')
            .all() as {
            kind: string;
            geometry: string;
            revision: number;
          }[];
          expect(rows).toHaveLength((revision % 5) + 1);
          for (const row of rows) {
            expect(row.revision).toBe(revision);
            const g = JSON.parse(row.geometry) as { kind: string; x?: number; rings?: number[][] };
            expect(g.kind === 'box' ? g.x : g.rings?.[0]?.[0]).toBe(revision);
          }
          highest = revision;
        } finally {
          db.close();
        }
      }
      expect(totalReported).toBeGreaterThan(20);
    },
  );

  it(
    'a killed import leaves only whole rows, and a rerun finishes it',
    { timeout: KILLS_TIMEOUT_MS },
    async () => {
      const root = temp.make();
      const folder = path.join(root, 'pngs');
      const count = 300;
      const shaOf = new Map<string, string>();
      for (let i = 0; i < count; i++) {
        const buf = tinyPng(i, 24);
        const file = writeBuffer(folder, `img-${String(i).padStart(4, '0')}.png`, buf);
        shaOf.set(file, createHash('sha256').update(buf).digest('hex'));
      }
      const dir = path.join(root, 'proj');
      Project.create(dir).close();
      const reportedAll = new Set<string>();
      let interrupted = 0;
      for (const ms of delays(6, 11, 60)) {
        const run = await runAndKill(importWriter, [dir, folder], ms);
        if (!run.lines.includes('DONE')) interrupted++;
        for (const line of run.lines) if (line !== 'DONE') reportedAll.add(line);
        const db = new Database(path.join(dir, PROJECT_DB_FILE), { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          const rows = db.prepare('SELECT path, sha256, width, height FROM images').all() as {
            path: string;
            sha256: string;
            width: number;
            height: number;
          }[];
          const stored = new Map(rows.map((r) => [path.resolve(dir, r.path), r]));
          for (const file of reportedAll) expect(stored.has(file)).toBe(true);
          for (const [file, row] of stored) {
            expect(row.sha256).toBe(shaOf.get(file));
            expect([row.width, row.height]).toEqual([24, 24]);
          }
        } finally {
          db.close();
        }
      }
      expect(interrupted, 'every import finished before its kill: make the import slower').toBeGreaterThan(0);
      const project = Project.open(dir);
      try {
        const before = project.images.count();
        const result = await project.importImages([folder]);
        expect(result.report.added + result.report.duplicates).toBe(count);
        expect(result.report.duplicates).toBe(before);
        expect(project.images.count()).toBe(count);
        expect(readFileSync(path.join(dir, PROJECT_DB_FILE)).length).toBeGreaterThan(0);
      } finally {
        project.close();
      }
    },
  );
});
