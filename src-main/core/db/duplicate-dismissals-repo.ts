import { type Statement } from 'better-sqlite3';
import { asImageId, type ImageId } from '@contract';
import { type Db, writeTx } from './open-db';

/**
 * Images the user marked as not duplicates of each other (table duplicate_dismissals, schema v5): each
 * mark is a set; two images are a dismissed pair when they share a set.
 */
export class DuplicateDismissalsRepo {
  readonly #db: Db;
  readonly #nextSet: Statement;
  readonly #insert: Statement;
  readonly #all: Statement;
  readonly #fingerprint: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#nextSet = db.prepare('SELECT COALESCE(MAX(set_id), 0) + 1 FROM duplicate_dismissals').pluck();
    this.#insert = db.prepare(
      'INSERT OR IGNORE INTO duplicate_dismissals (set_id, image_id) SELECT ?, id FROM images WHERE id = ?',
    );
    this.#all = db.prepare('SELECT set_id, image_id FROM duplicate_dismissals ORDER BY image_id, set_id');
    this.#fingerprint = db
      .prepare("SELECT COUNT(*) || ':' || COALESCE(MAX(set_id), 0) FROM duplicate_dismissals")
      .pluck();
  }

  /** Marks the images as pairwise not duplicates; returns how many of them exist (unknown ids are ignored). */
  dismiss(imageIds: readonly ImageId[]): number {
    return writeTx(this.#db, () => {
      const set = this.#nextSet.get() as number;
      let n = 0;
      for (const id of new Set(imageIds)) n += this.#insert.run(set, id).changes;
      return n;
    });
  }

  /** Image → the sets it belongs to (only images with a mark appear). */
  sets(): Map<ImageId, number[]> {
    const out = new Map<ImageId, number[]>();
    for (const row of this.#all.all() as { set_id: number; image_id: number }[]) {
      const id = asImageId(row.image_id);
      const list = out.get(id);
      if (list) list.push(row.set_id);
      else out.set(id, [row.set_id]);
    }
    return out;
  }

  /** Changes whenever a mark is added or an image with marks is removed. */
  fingerprint(): string {
    return this.#fingerprint.get() as string;
  }
}
