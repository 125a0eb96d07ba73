import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  IoError,
  NotAProjectError,
  NotFoundError,
  ReadOnlyProjectError,
  SchemaTooNewError,
  translateSqliteError,
} from './errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, RADIOLABEL_APPLICATION_ID } from './schema';

export type Db = Database.Database;

export const PROJECT_DB_FILE = 'project.radiolabel.sqlite';
const BUSY_TIMEOUT_MS = 5_000;

export interface OpenDbOptions {
  /** Create the file (and its folder) when absent. Opening never creates. */
  readonly create: boolean;
}

/** What a read-only look at an existing file found, before anything is written to it. */
type Probe = { kind: 'fresh' } | { kind: 'project'; version: number };

/**
 * Opens (or creates) a project database. An existing file is first inspected through a read-only
 * connection, so that a foreign SQLite file, a non-SQLite file or a newer schema is rejected without a
 * single byte written (not even the WAL switch).
 */
export function openProjectDb(file: string, options: OpenDbOptions): Db {
  const exists = existsSync(file);
  if (!exists && !options.create)
    throw new NotFoundError(`no RadioLabel project here: ${file} does not exist`);
  if (exists) {
    if (statSync(file).isDirectory()) throw new NotAProjectError(file, 'it is a folder, not a file');
    const probe = probeExisting(file);
    if (probe.kind === 'fresh' && !options.create) {
      throw new NotAProjectError(
        file,
        'the database is empty (an interrupted create?); create the project again',
      );
    }
  } else {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      throw new IoError(
        'read_only',
        `cannot create the project folder ${path.dirname(file)}: ${(e as Error).message}`,
      );
    }
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL + NORMAL: a committed transaction survives a killed process (not necessarily a power cut).
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    return db;
  } catch (e) {
    db?.close();
    const failure = translateSqliteError(e, file);
    // A project on read-only media or in a folder without write access is still opened, read-only.
    if (exists && failure instanceof ReadOnlyProjectError) return openReadOnly(file);
    throw failure;
  }
}

/**
 * The read-only connection: no WAL switch, no migration. A project closed by RadioLabel is in rollback
 * mode on disk (see closeProjectDb), which SQLite can read without creating -wal/-shm files.
 */
function openReadOnly(file: string): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = schemaVersion(db);
    if (version !== LATEST_SCHEMA_VERSION) {
      throw new ReadOnlyProjectError(
        file,
        `its schema version ${version} must be upgraded to ${LATEST_SCHEMA_VERSION}, which needs write access`,
      );
    }
    db.prepare('SELECT COUNT(*) FROM project_meta').pluck().get();
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof ReadOnlyProjectError) throw e;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
      throw new ReadOnlyProjectError(
        file,
        'it was not closed cleanly (its write-ahead log is still in use), and the folder is not writable; open it once where it can be written',
      );
    }
    throw translateSqliteError(e, file);
  }
}

/**
 * Checkpoints the WAL into the main file and leaves the file in rollback-journal mode, so that it can be
 * opened read-only later (a WAL file needs its -shm beside it, which a read-only folder cannot hold). Never
 * waits for other connections: if another process has the project open, it stays in WAL mode.
 */
export function closeProjectDb(db: Db): void {
  if (!db.readonly) {
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
    } catch {
      // A full disk or another connection must not prevent closing; the WAL is replayed on the next open.
    }
  }
  db.close();
}

function probeExisting(file: string): Probe {
  let ro: Db | undefined;
  try {
    ro = new Database(file, { readonly: true, fileMustExist: true });
    const appId = ro.pragma('application_id', { simple: true }) as number;
    const version = ro.pragma('user_version', { simple: true }) as number;
    const tables = ro
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    if (appId === RADIOLABEL_APPLICATION_ID) {
      if (version > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(file, version, LATEST_SCHEMA_VERSION);
      return { kind: 'project', version };
    }
    if (appId === 0 && version === 0 && tables.length === 0) return { kind: 'fresh' };
    const what =
      appId === 0 ? 'an SQLite database of another application' : `application id 0x${appId.toString(16)}`;
    const listed = tables.slice(0, 5).join(', ');
    throw new NotAProjectError(file, `${what}${listed ? ` (tables: ${listed})` : ''}`);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB') throw new NotAProjectError(file, 'it is not an SQLite database');
    throw translateSqliteError(e, file);
  } finally {
    ro?.close();
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(file, current, LATEST_SCHEMA_VERSION);
  if (current === LATEST_SCHEMA_VERSION) return;
  // Migrations that rebuild a table drop the old one: with foreign keys on, that would cascade-delete
  // every row referring to it. The switch only takes effect outside a transaction, so it wraps the
  // migration, and the keys are checked before the migration commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (let v = current + 1; v <= LATEST_SCHEMA_VERSION; v++) {
        const sql = MIGRATIONS[v - 1];
        if (sql === undefined) throw new Error(`migration ${v} is missing`);
        db.exec(sql);
        db.pragma(`user_version = ${v}`);
      }
      const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
      if (broken.length > 0) {
        const first = broken[0]!;
        throw new Error(
          `migrating ${file} to schema ${LATEST_SCHEMA_VERSION} would leave ${broken.length} broken reference(s) (first: ${first.table} row ${first.rowid} → ${first.parent}); nothing was changed`,
        );
      }
    }).immediate();
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys === 1 ? 'ON' : 'OFF'}`);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs `fn` in one IMMEDIATE transaction (nested calls become savepoints) and turns SQLite failures the
 * user can act on (disk full, read-only, locked) into IoError naming the database file.
 */
export function writeTx<T>(db: Db, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (e) {
    throw translateSqliteError(e, db.name);
  }
}
