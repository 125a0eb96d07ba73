import { type Statement } from 'better-sqlite3';
import { type ImageStatus, asImageId, type ImageId, type LabelId, type ImageRow } from '@contract';
import { mediaKey } from '../images/media-key';
import { NotFoundError } from './errors';
import { type Db, writeTx } from './open-db';

/** One image as stored (the path is project-relative where possible; never sent to the renderer). */
export interface ImageRecord {
  readonly id: ImageId;
  readonly path: string;
  readonly name: string;
  readonly sha256: string;
  readonly format: string;
  readonly bytes: number;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly status: ImageStatus;
  readonly missing: boolean;
  readonly revision: number;
  readonly addedAtMs: number;
  /** The file's mtime when imported or last verified by hash; null for rows from before schema v5. */
  readonly mtimeMs: number | null;
}

export interface NewImage {
  readonly path: string;
  readonly name: string;
  readonly sha256: string;
  readonly format: string;
  readonly bytes: number;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly mtimeMs?: number;
}

/** `duplicate`: this very file (same path and content) is already an image of the project. */
export type InsertImageResult = { kind: 'added'; id: ImageId } | { kind: 'duplicate'; id: ImageId };

export type ImageSort = 'added' | 'name' | 'status';

export interface ImageQuery {
  readonly offset?: number;
  readonly limit?: number;
  readonly status?: ImageStatus;
  readonly nameContains?: string;
  readonly labelId?: LabelId;
  /** Only these images (e.g. the ones a zero-shot tag or a search picked). */
  readonly ids?: readonly ImageId[];
  readonly sort?: ImageSort;
}

export const MAX_PAGE_ROWS = 1000;

interface RawImage {
  id: number;
  path: string;
  name: string;
  sha256: string;
  format: string;
  bytes: number;
  width: number;
  height: number;
  status: ImageStatus;
  missing: number;
  revision: number;
  added_at: number;
  mtime_ms: number | null;
}

interface RawRow {
  id: number;
  sha256: string;
  name: string;
  width: number;
  height: number;
  status: ImageStatus;
  missing: number;
  annotation_count: number;
  cached: number;
}

const ORDER_BY: Record<ImageSort, string> = {
  added: 'i.id',
  name: 'i.name, i.id',
  status: 'i.status, i.name, i.id',
};
/** The same sort keys, unqualified, for a row-value comparison against one image. */
const SORT_KEY: Record<ImageSort, string> = {
  added: 'id',
  name: 'name, id',
  status: 'status, name, id',
};
/** project_meta key: the largest image id ever removed (new ids stay above it). */
const REMOVED_ID_KEY = 'max_removed_image_id';

/** Image rows: insert (a file already imported, same path and content, is not added twice), lookups and the paged, indexed list the image panel shows. */
export class ImagesRepo {
  readonly #db: Db;
  readonly #insert: Statement;
  readonly #byId: Statement;
  readonly #bySha: Statement;
  readonly #byPathSha: Statement;
  readonly #setStatus: Statement;
  readonly #setMissing: Statement;
  readonly #relink: Statement;
  readonly #setMtime: Statement;
  readonly #projectKey: string;
  readonly #count: Statement;
  readonly #rowById: Statement;
  readonly #after: Statement;
  readonly #missing: Statement;
  readonly #presentIds: Statement;
  readonly #presentIdsWithStatus: Statement;
  readonly #pages = new Map<string, { items: Statement; total: Statement }>();

  /** `projectKey` goes into each row's media key, so that no two projects share a media address. */
  constructor(db: Db, projectKey = '') {
    this.#db = db;
    this.#projectKey = projectKey;
    // Ids are never reused after a removal: caches and open editors keyed by image id stay truthful.
    this.#insert = db.prepare(
      `INSERT INTO images (id, path, name, sha256, format, bytes, width, height, added_at, mtime_ms)
       VALUES (
         MAX(COALESCE((SELECT MAX(id) FROM images), 0),
             COALESCE((SELECT CAST(value AS INTEGER) FROM project_meta WHERE key = '${REMOVED_ID_KEY}'), 0)) + 1,
         @path, @name, @sha256, @format, @bytes, @widthPx, @heightPx, @addedAtMs, @mtimeMs)
       ON CONFLICT (path, sha256) DO NOTHING`,
    );
    this.#byId = db.prepare('SELECT * FROM images WHERE id = ?');
    this.#bySha = db.prepare('SELECT * FROM images WHERE sha256 = ? ORDER BY id LIMIT 1');
    this.#byPathSha = db.prepare('SELECT * FROM images WHERE path = ? AND sha256 = ?');
    this.#setStatus = db.prepare('UPDATE images SET status = ? WHERE id = ?');
    this.#setMissing = db.prepare('UPDATE images SET missing = ? WHERE id = ?');
    this.#relink = db.prepare('UPDATE images SET path = ?, name = ?, missing = 0, mtime_ms = ? WHERE id = ?');
    this.#setMtime = db.prepare('UPDATE images SET mtime_ms = ? WHERE id = ?');
    this.#count = db.prepare('SELECT COUNT(*) FROM images').pluck();
    this.#missing = db.prepare('SELECT * FROM images WHERE missing = 1');
    this.#after = db.prepare('SELECT * FROM images WHERE id > ? ORDER BY id LIMIT ?');
    this.#rowById = db.prepare(`SELECT ${ROW_COLUMNS} FROM images i WHERE i.id = ?`);
    this.#presentIds = db.prepare('SELECT id FROM images WHERE missing = 0 ORDER BY id').pluck();
    this.#presentIdsWithStatus = db
      .prepare('SELECT id FROM images WHERE missing = 0 AND status = ? ORDER BY id')
      .pluck();
  }

  insert(image: NewImage, addedAtMs = Date.now()): InsertImageResult {
    const info = writeTx(this.#db, () =>
      this.#insert.run({ ...image, mtimeMs: image.mtimeMs ?? null, addedAtMs }),
    );
    if (info.changes === 1) return { kind: 'added', id: asImageId(Number(info.lastInsertRowid)) };
    const existing = this.findByPathAndSha(image.path, image.sha256);
    if (!existing) throw new Error(`insert of ${image.path} neither added nor found a duplicate`);
    return { kind: 'duplicate', id: existing.id };
  }

  /** The image imported from this stored path with this content, if any. */
  findByPathAndSha(storedPath: string, sha256: string): ImageRecord | undefined {
    const raw = this.#byPathSha.get(storedPath, sha256) as RawImage | undefined;
    return raw && toRecord(raw);
  }

  /**
   * Inserts a batch in one IMMEDIATE transaction (a killed import leaves whole batches only), each image
   * added, or found as a duplicate when the same path with the same content is already there.
   */
  insertMany(images: readonly NewImage[], addedAtMs = Date.now()): InsertImageResult[] {
    return writeTx(this.#db, () => images.map((image) => this.insert(image, addedAtMs)));
  }

  /** Ids of the images whose file is present (optionally of one status), in id order. */
  presentIds(status?: ImageStatus): ImageId[] {
    const rows = status === undefined ? this.#presentIds.all() : this.#presentIdsWithStatus.all(status);
    return (rows as number[]).map(asImageId);
  }

  get(id: ImageId): ImageRecord {
    const raw = this.#byId.get(id) as RawImage | undefined;
    if (!raw) throw new NotFoundError(`image ${id} does not exist in this project`, { imageId: id });
    return toRecord(raw);
  }

  tryGet(id: ImageId): ImageRecord | undefined {
    const raw = this.#byId.get(id) as RawImage | undefined;
    return raw && toRecord(raw);
  }

  /** The first image (lowest id) with this content; byte-identical files may be several images. */
  findBySha(sha256: string): ImageRecord | undefined {
    const raw = this.#bySha.get(sha256) as RawImage | undefined;
    return raw && toRecord(raw);
  }

  count(): number {
    return this.#count.get() as number;
  }

  setStatus(id: ImageId, status: ImageStatus): void {
    if (writeTx(this.#db, () => this.#setStatus.run(status, id)).changes === 0) {
      throw new NotFoundError(`image ${id} does not exist in this project`, { imageId: id });
    }
  }

  setMissing(id: ImageId, missing: boolean): void {
    writeTx(this.#db, () => this.#setMissing.run(missing ? 1 : 0, id));
  }

  /** Points the image at a file found elsewhere with the same content (its mtime verified with it). */
  relink(id: ImageId, storedPath: string, name: string, mtimeMs: number | null = null): void {
    writeTx(this.#db, () => this.#relink.run(storedPath, name, mtimeMs, id));
  }

  /** Records that the file, at this mtime, was checked against the stored hash. */
  setMtime(id: ImageId, mtimeMs: number): void {
    writeTx(this.#db, () => this.#setMtime.run(mtimeMs, id));
  }

  /**
   * Takes images out of the project in one transaction: their annotations, proposals, job items and
   * cached embeddings go with them (foreign keys cascade). Returns the removed records (their files are
   * the caller's to leave alone; their thumbnails its to drop). Unknown ids are ignored.
   */
  remove(ids: readonly ImageId[]): ImageRecord[] {
    return writeTx(this.#db, () => {
      const removed = ids.flatMap((id) => {
        const rec = this.tryGet(id);
        return rec ? [rec] : [];
      });
      if (removed.length === 0) return [];
      const json = JSON.stringify(removed.map((r) => r.id));
      this.#db.prepare('DELETE FROM images WHERE id IN (SELECT value FROM json_each(?))').run(json);
      const maxId = Math.max(...removed.map((r) => r.id));
      this.#db
        .prepare(
          `INSERT INTO project_meta (key, value) VALUES ('${REMOVED_ID_KEY}', ?)
           ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
        )
        .run(String(maxId));
      return removed;
    });
  }

  /**
   * Where `imageId` sits in the list that `query` (without offset/limit) describes: its 0-based index,
   * or null when the filter leaves it out; and that list's length.
   */
  locate(
    imageId: ImageId,
    query: Omit<ImageQuery, 'offset' | 'limit'> = {},
  ): { index: number | null; total: number } {
    const total = this.list({ ...query, limit: 1 }).total;
    const nameContains = query.nameContains?.trim() ?? '';
    const where: string[] = [];
    if (query.status !== undefined) where.push('i.status = @status');
    if (nameContains.length > 0) where.push(`i.name LIKE @name ESCAPE '\\'`);
    if (query.labelId !== undefined)
      where.push('i.id IN (SELECT a.image_id FROM annotations a WHERE a.label_id = @labelId)');
    if (query.ids !== undefined) where.push('i.id IN (SELECT value FROM json_each(@ids))');
    const params = Object.fromEntries(
      Object.entries({
        status: query.status,
        name: nameContains.length > 0 ? `%${escapeLike(nameContains)}%` : undefined,
        labelId: query.labelId,
        ids: query.ids === undefined ? undefined : JSON.stringify(query.ids),
        imageId,
      }).filter(([, v]) => v !== undefined),
    );
    const filter = where.length > 0 ? `AND ${where.join(' AND ')}` : '';
    const self = `(SELECT ${SORT_KEY[query.sort ?? 'added']} FROM images WHERE id = @imageId)`;
    const inList = this.#db.prepare(`SELECT 1 FROM images i WHERE i.id = @imageId ${filter}`).get(params);
    if (!inList) return { index: null, total };
    const before = this.#db
      .prepare(`SELECT COUNT(*) FROM images i WHERE (${ORDER_BY[query.sort ?? 'added']}) < ${self} ${filter}`)
      .pluck()
      .get(params) as number;
    return { index: before, total };
  }

  /** Up to `limit` images after `afterId`, in id order: walk all images without holding a cursor open. */
  pageAfter(afterId: number, limit: number): ImageRecord[] {
    return (this.#after.all(afterId, limit) as RawImage[]).map(toRecord);
  }

  missingBySize(): Map<number, ImageRecord[]> {
    const out = new Map<number, ImageRecord[]>();
    for (const raw of this.#missing.all() as RawImage[]) {
      const rec = toRecord(raw);
      const list = out.get(rec.bytes) ?? [];
      list.push(rec);
      out.set(rec.bytes, list);
    }
    return out;
  }

  /** One page of the image list. Filters and sort orders are all backed by indexes (see schema). */
  list(query: ImageQuery = {}): { total: number; items: ImageRow[] } {
    const sort = query.sort ?? 'added';
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 200)), MAX_PAGE_ROWS);
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const nameContains = query.nameContains?.trim() ?? '';
    const hasName = nameContains.length > 0;
    const stmts = this.#pageStatements(
      sort,
      query.status !== undefined,
      hasName,
      query.labelId !== undefined,
      query.ids !== undefined,
    );
    const params = {
      status: query.status,
      name: hasName ? `%${escapeLike(nameContains)}%` : undefined,
      labelId: query.labelId,
      ids: query.ids === undefined ? undefined : JSON.stringify(query.ids),
      limit,
      offset,
    };
    const bound = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const { limit: _l, offset: _o, ...filterOnly } = bound;
    const total = stmts.total.get(filterOnly) as number;
    const items = (stmts.items.all(bound) as RawRow[]).map((r) => toImageRow(r, this.#projectKey));
    return { total, items };
  }

  row(id: ImageId): ImageRow {
    const raw = this.#rowById.get(id) as RawRow | undefined;
    if (!raw) throw new NotFoundError(`image ${id} does not exist in this project`, { imageId: id });
    return toImageRow(raw, this.#projectKey);
  }

  #pageStatements(sort: ImageSort, status: boolean, name: boolean, label: boolean, ids: boolean) {
    const key = `${sort}|${status}|${name}|${label}|${ids}`;
    const cached = this.#pages.get(key);
    if (cached) return cached;
    const where: string[] = [];
    if (status) where.push('i.status = @status');
    if (name) where.push(`i.name LIKE @name ESCAPE '\\'`);
    if (label) where.push('i.id IN (SELECT a.image_id FROM annotations a WHERE a.label_id = @labelId)');
    if (ids) where.push('i.id IN (SELECT value FROM json_each(@ids))');
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const stmts = {
      items: this.#db.prepare(
        `SELECT ${ROW_COLUMNS} FROM images i ${whereSql} ORDER BY ${ORDER_BY[sort]} LIMIT @limit OFFSET @offset`,
      ),
      // Label-only filter: count in the covering annotation index instead of probing 100k image rows.
      total: (label && !status && !name && !ids
        ? this.#db.prepare('SELECT COUNT(DISTINCT image_id) FROM annotations WHERE label_id = @labelId')
        : this.#db.prepare(`SELECT COUNT(*) FROM images i ${whereSql}`)
      ).pluck(),
    };
    this.#pages.set(key, stmts);
    return stmts;
  }
}

const ROW_COLUMNS = `i.id, i.sha256, i.name, i.width, i.height, i.status, i.missing,
  (SELECT COUNT(*) FROM annotations a WHERE a.image_id = i.id) AS annotation_count,
  EXISTS (SELECT 1 FROM embeddings e WHERE e.image_id = i.id) AS cached`;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toRecord(raw: RawImage): ImageRecord {
  return {
    id: asImageId(raw.id),
    path: raw.path,
    name: raw.name,
    sha256: raw.sha256,
    format: raw.format,
    bytes: raw.bytes,
    widthPx: raw.width,
    heightPx: raw.height,
    status: raw.status,
    missing: raw.missing === 1,
    revision: raw.revision,
    addedAtMs: raw.added_at,
    mtimeMs: raw.mtime_ms,
  };
}

function toImageRow(raw: RawRow, projectKey: string): ImageRow {
  return {
    id: asImageId(raw.id),
    mediaKey: mediaKey(projectKey, raw.id, raw.sha256),
    fileName: raw.name,
    widthPx: raw.width,
    heightPx: raw.height,
    status: raw.status,
    annotationCount: raw.annotation_count,
    missing: raw.missing === 1,
    cached: raw.cached === 1,
  };
}
