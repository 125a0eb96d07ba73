import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DB_FILE, openProjectDb } from '../../../../src-main/core/db/open-db';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  RADIOLABEL_APPLICATION_ID,
} from '../../../../src-main/core/db/schema';
import { Project } from '../../../../src-main/core/project';
import { tempDirs } from '../../../fixtures/images/temp-dirs';
import { readProjectDb } from '../../../fixtures/db/project-db';

const temp = tempDirs('open');
afterAll(() => temp.cleanup());

function fingerprint(file: string): { sha: string; mtimeMs: number; siblings: boolean } {
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  let siblings = false;
  for (const suffix of ['-wal', '-shm', '-journal']) {
    try {
      statSync(file + suffix);
      siblings = true;
    } catch {
      // absent, as expected
    }
  }
  return { sha, mtimeMs: statSync(file).mtimeMs, siblings };
}

function expectRejectedUnchanged(dir: string, code: string, messagePart: RegExp): void {
  const file = path.join(dir, PROJECT_DB_FILE);
  const before = fingerprint(file);
  let thrown: unknown;
  try {
    Project.open(dir);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toMatchObject({ code });
  expect((thrown as Error).message).toMatch(messagePart);
  expect((thrown as Error).message).toContain(file);
  expect(fingerprint(file)).toEqual(before);
}

describe('opening project databases', () => {
  it('creates a WAL database with the schema, foreign keys and application id, and reopens it', () => {
    const dir = path.join(temp.make(), 'proj');
    const created = Project.create(dir, { name: 'Birds' });
    const db = openProjectDb(created.dbFile, { create: false });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('application_id', { simple: true })).toBe(RADIOLABEL_APPLICATION_ID);
    db.close();
    expect(created.info()).toMatchObject({
      name: 'Birds',
      images: 0,
      labels: 0,
      schemaVersion: LATEST_SCHEMA_VERSION,
    });
    created.close();
    const reopened = Project.open(dir);
    expect(reopened.name).toBe('Birds');
    expect(reopened.info().schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    reopened.close();
  });

  it('migrates a version-1 project to the latest schema, keeping its data', () => {
    const dir = temp.make();
    const v1 = new Database(path.join(dir, PROJECT_DB_FILE));
    v1.exec(MIGRATIONS[0]!);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO labels (name, color, hotkey, sort) VALUES ('old', '#000000', NULL, 0)").run();
    v1.close();
    const project = Project.open(dir);
    expect(project.info()).toMatchObject({ schemaVersion: LATEST_SCHEMA_VERSION, labels: 1 });
    expect(project.labels.list().map((l) => l.name)).toEqual(['old']);
    expect(readProjectDb(project, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
    project.close();
  });

  it('refuses a folder without a project, naming the file', () => {
    const dir = temp.make();
    expect(() => Project.open(dir)).toThrow(
      /no RadioLabel project here: .*project\.radiolabel\.sqlite does not exist/,
    );
  });

  it('refuses a non-SQLite file without modifying it', () => {
    const dir = temp.make();
    writeFileSync(path.join(dir, PROJECT_DB_FILE), 'this is a text file, not a database'.repeat(20));
    expectRejectedUnchanged(
      dir,
      'not_a_project',
      /is not a RadioLabel project: it is not an SQLite database/,
    );
  });

  it('refuses a foreign SQLite database without modifying it', () => {
    const dir = temp.make();
    const foreign = new Database(path.join(dir, PROJECT_DB_FILE));
    foreign.exec(
      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a');",
    );
    foreign.close();
    expectRejectedUnchanged(
      dir,
      'not_a_project',
      /SQLite database of another application \(tables: customers\)/,
    );
    // Creating there must refuse too: it is someone else's file.
    expect(() => Project.create(dir)).toThrow(/not a RadioLabel project/);
  });

  it('refuses a project from a newer schema without modifying it', () => {
    const dir = path.join(temp.make(), 'newer');
    Project.create(dir).close();
    const raw = new Database(path.join(dir, PROJECT_DB_FILE));
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    expectRejectedUnchanged(
      dir,
      'schema_too_new',
      new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 5}.*supports up to ${LATEST_SCHEMA_VERSION}`),
    );
  });

  it('refuses a folder where the database file should be', () => {
    const dir = temp.make();
    mkdirSync(path.join(dir, PROJECT_DB_FILE));
    expect(() => Project.open(dir)).toThrow(/it is a folder, not a file/);
  });

  it('creating over an existing project keeps its data', () => {
    const dir = path.join(temp.make(), 'again');
    const p = Project.create(dir, { name: 'One' });
    p.labels.create({ name: 'cat' });
    p.close();
    const again = Project.create(dir);
    expect(again.name).toBe('One');
    expect(again.labels.list().map((l) => l.name)).toEqual(['cat']);
    again.close();
  });
});
