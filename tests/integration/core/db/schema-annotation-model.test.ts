import { cpSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { asImageId } from '@contract';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../../src-main/core/db/schema';
import { Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('schema');
afterAll(() => temp.cleanup());

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/db/project-v4');

type Row = Record<string, unknown>;
const rows = (db: Database.Database, sql: string): Row[] => db.prepare(sql).all() as Row[];

/** Everything a schema-4 project holds, table by table, in a stable order. */
function snapshotV4(file: string): Record<string, Row[]> {
  const db = new Database(file, { readonly: true });
  try {
    return {
      images: rows(
        db,
        'SELECT id, path, name, sha256, format, bytes, width, height, status, missing, revision, added_at FROM images ORDER BY id',
      ),
      labels: rows(db, 'SELECT id, name, color, hotkey, sort FROM labels ORDER BY id'),
      annotations: rows(
        db,
        'SELECT id, image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision, client_id FROM annotations ORDER BY id',
      ),
      embeddings: rows(
        db,
        'SELECT image_id, model_id, resolution, dtype, dims, bytes, last_used, hex(data) AS data FROM embeddings',
      ),
      text_embeddings: rows(db, 'SELECT model_id, text, hex(data) AS data FROM text_embeddings'),
      image_descriptors: rows(
        db,
        'SELECT image_id, model_id, resolution, kind, hex(data) AS data FROM image_descriptors',
      ),
      // Schema-4 columns only: later migrations may add some.
      jobs: rows(
        db,
        'SELECT id, kind, params, state, total, done, failed, error, created_at, started_at, finished_at FROM jobs ORDER BY id',
      ),
      job_items: rows(
        db,
        'SELECT job_id, image_id, state, error, finished_at FROM job_items ORDER BY job_id, image_id',
      ),
      proposals: rows(
        db,
        'SELECT id, image_id, label_id, job_id, source, geometry, score, area, fingerprint, state, created_at FROM proposals ORDER BY id',
      ),
      // Opening a project gives it a media key when it has none (not a migration's doing).
      project_meta: rows(db, "SELECT * FROM project_meta WHERE key <> 'media_key' ORDER BY key"),
    };
  } finally {
    db.close();
  }
}

describe('migration to the annotation model', () => {
  it('opens a project written by schema 4 (main before this change) and keeps every row', () => {
    const dir = path.join(temp.make(), 'project');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = path.join(dir, 'project.radiolabel.sqlite');
    const before = snapshotV4(file);
    expect(before.images).toHaveLength(3);
    expect(before.annotations).toHaveLength(5);

    const project = Project.open(dir);
    try {
      expect(project.info()).toMatchObject({
        schemaVersion: LATEST_SCHEMA_VERSION,
        images: 3,
        labels: 3,
        annotations: 5,
      });
      expect(snapshotV4(file)).toEqual(before);
      expect(project.labels.list().map((l) => [l.name, l.supercategory, l.categoryId, l.attributes])).toEqual(
        [
          ['cat', '', null, []],
          ['dog', '', null, []],
          ['unused', '', null, []],
        ],
      );
      const listed = project.annotations.list(asImageId(1)).items;
      expect(listed.map((a) => [a.geometry.kind, a.iscrowd, a.attributes, a.groupId])).toEqual([
        ['box', false, {}, null],
        ['polygon', false, {}, null],
        ['mask', false, {}, null],
        ['point', false, {}, null],
      ]);
      // Byte-identical content may now be several images; the same file (path and bytes) only once.
      const sha = before.images![1]!.sha256 as string;
      const copy = {
        path: 'elsewhere/b.png',
        name: 'b.png',
        sha256: sha,
        format: 'png',
        bytes: 1,
        widthPx: 32,
        heightPx: 32,
      };
      expect(project.images.insert(copy).kind).toBe('added');
      expect(project.images.insert(copy).kind).toBe('duplicate');
    } finally {
      project.close();
    }
    // The rebuilt tables keep their references: nothing dangles, and removing an image still takes its
    // rows with it.
    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      expect(rows(db, 'SELECT DISTINCT iscrowd, attributes, group_id FROM annotations')).toEqual([
        { iscrowd: 0, attributes: '{}', group_id: null },
      ]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.prepare('DELETE FROM images WHERE id = 1').run();
      expect(rows(db, 'SELECT COUNT(*) AS n FROM annotations WHERE image_id = 1')).toEqual([{ n: 0 }]);
      expect(rows(db, 'SELECT COUNT(*) AS n FROM embeddings')).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
    // A second open finds nothing to migrate.
    const again = Project.open(dir);
    expect(again.info().images).toBe(3);
    again.close();
  });

  it('keeps the file times of a schema-5 project (media checks need them)', () => {
    const dir = path.join(temp.make(), 'project');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = path.join(dir, 'project.radiolabel.sqlite');
    const raw = new Database(file);
    raw.exec(MIGRATIONS[4]!);
    raw.pragma('user_version = 5');
    raw.prepare('UPDATE images SET mtime_ms = 1700000000000 + id WHERE id <> 2').run();
    raw.close();

    Project.open(dir).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(rows(db, 'SELECT id, mtime_ms FROM images ORDER BY id')).toEqual([
        { id: 1, mtime_ms: 1700000000001 },
        { id: 2, mtime_ms: null },
        { id: 3, mtime_ms: 1700000000003 },
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps the duplicate dismissals of a schema-6 project, still tied to their images', () => {
    const dir = path.join(temp.make(), 'project');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = path.join(dir, 'project.radiolabel.sqlite');
    const raw = new Database(file);
    raw.exec(MIGRATIONS[4]!);
    raw.exec(MIGRATIONS[5]!);
    raw.pragma('user_version = 6');
    raw.exec('INSERT INTO duplicate_dismissals (set_id, image_id) VALUES (1, 1), (1, 2), (2, 3)');
    raw.close();

    Project.open(dir).close();
    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      const dismissals = 'SELECT set_id, image_id FROM duplicate_dismissals ORDER BY set_id, image_id';
      expect(rows(db, dismissals)).toEqual([
        { set_id: 1, image_id: 1 },
        { set_id: 1, image_id: 2 },
        { set_id: 2, image_id: 3 },
      ]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.prepare('DELETE FROM images WHERE id = 2').run();
      expect(rows(db, dismissals)).toEqual([
        { set_id: 1, image_id: 1 },
        { set_id: 2, image_id: 3 },
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses to migrate when a reference is already broken, and changes nothing', () => {
    const dir = path.join(temp.make(), 'project');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = path.join(dir, 'project.radiolabel.sqlite');
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    db.prepare('UPDATE annotations SET label_id = 999 WHERE id = 1').run();
    db.close();
    expect(() => Project.open(dir)).toThrow(
      /would leave 1 broken reference\(s\) \(first: annotations row 1 → labels\); nothing was changed/,
    );
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(4);
    check.close();
  });
});
