import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { asImageId } from '@contract';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../../src-main/core/db/schema';
import { Project } from '../../../../src-main/core/project';
import { readProjectDb } from '../../../fixtures/db/project-db';
import { tempDirs } from '../../../fixtures/images/temp-dirs';

const temp = tempDirs('migration-v6');
afterAll(() => temp.cleanup());

/** A project as schema v5 (the released one before this) left it: labels, an image, an annotation, a job. */
function v5Project(dir: string): void {
  const db = new Database(path.join(dir, PROJECT_DB_FILE));
  db.pragma('foreign_keys = ON');
  for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
  db.pragma('user_version = 5');
  db.exec(`
    INSERT INTO project_meta (key, value) VALUES ('name', 'Old');
    INSERT INTO labels (name, color, hotkey, sort) VALUES ('person', '#ff0000', '1', 0), ('car', '#00ff00', '2', 1);
    INSERT INTO images (path, name, sha256, format, bytes, width, height, added_at, mtime_ms)
      VALUES ('a.png', 'a.png', '${'a'.repeat(64)}', 'png', 10, 4, 3, 0, 1700000000000);
    INSERT INTO annotations (image_id, label_id, kind, geometry, score, source, created_at, updated_at, revision)
      VALUES (1, 1, 'box', '{"kind":"box","x":0,"y":0,"widthPx":1,"heightPx":1}', NULL, 'manual', 0, 0, 1);
    INSERT INTO jobs (kind, params, state, total, done, created_at) VALUES ('embed', '{}', 'done', 1, 1, 0);
  `);
  db.close();
}

describe('schema v6 (label prompts, job warnings, duplicate dismissals)', () => {
  it('opens a v5 project, keeping everything, with prompts that default to the name', () => {
    const dir = temp.make();
    v5Project(dir);
    const project = Project.open(dir);
    expect(project.info()).toMatchObject({
      schemaVersion: LATEST_SCHEMA_VERSION,
      labels: 2,
      images: 1,
      annotations: 1,
    });
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    expect(project.labels.list().map((l) => [l.name, l.prompt, l.annotationCount])).toEqual([
      ['person', null, 1],
      ['car', null, 0],
    ]);
    expect(project.jobs.list().map((j) => [j.kind, j.state, j.warnings])).toEqual([['embed', 'done', []]]);
    project.close();
    const checks = readProjectDb(project, (db) => ({
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeys: db.pragma('foreign_key_check'),
    }));
    expect(checks).toEqual({ integrity: 'ok', foreignKeys: [] });
  });

  it('stores prompts, renames, reorders, job warnings and dismissals in the migrated file', () => {
    const dir = temp.make();
    v5Project(dir);
    const project = Project.open(dir);
    const [person, car] = project.labels.list();
    project.labels.update(person!.id, { name: 'pedestrian', prompt: 'pink' });
    expect(project.labels.reorder([car!.id]).map((l) => [l.name, l.prompt, l.sort])).toEqual([
      ['car', null, 0],
      ['pedestrian', 'pink', 1],
    ]);
    // An empty prompt goes back to the name.
    expect(project.labels.update(person!.id, { prompt: '  ' }).prompt).toBeNull();
    const jobs = project.jobs;
    const job = jobs.list()[0]!;
    jobs.addWarning(job.id, 'label "person" skipped');
    jobs.addWarning(job.id, 'label "person" skipped');
    expect(jobs.get(job.id).warnings).toEqual(['label "person" skipped']);
    const dismissals = project.duplicateDismissals;
    expect(dismissals.dismiss([asImageId(1), asImageId(999)])).toBe(1);
    expect([...dismissals.sets()]).toEqual([[1, [1]]]);
    project.close();
    const again = Project.open(dir);
    expect(again.labels.list().map((l) => l.name)).toEqual(['car', 'pedestrian']);
    again.close();
  });
});
