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
}
