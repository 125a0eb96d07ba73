import { randomBytes } from 'node:crypto';
import { type Statement } from 'better-sqlite3';
import { type Db, writeTx } from './open-db';

/** The project's own key/value facts (table project_meta): its name, when it was created. */
export class ProjectMetaRepo {
  readonly #db: Db;
  readonly #get: Statement;
  readonly #set: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare('SELECT value FROM project_meta WHERE key = ?').pluck();
    this.#set = db.prepare('INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)');
  }

  get(key: string): string | undefined {
    return this.#get.get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    writeTx(this.#db, () => this.#set.run(key, value));
  }

  /**
   * A random key per project database: two projects never share media addresses, even when their image
   * ids and folders coincide. A read-only project that has none gets one per session.
   */
  mediaKey(): string {
    const stored = this.get('media_key');
    if (stored !== undefined && /^[0-9a-f]{16}$/.test(stored)) return stored;
    const key = randomBytes(8).toString('hex');
    try {
      this.#set.run('media_key', key);
    } catch {
      // Read-only: the key lives as long as this session, which is all a cache partition needs.
    }
    return key;
  }
}
