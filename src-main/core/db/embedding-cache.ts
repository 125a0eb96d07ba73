import { type Statement } from 'better-sqlite3';
import {
  type EmbeddingCacheStore,
  type EmbeddingKey,
  type HalfTensor,
  type PixelPatchMapping,
  type StoredEmbedding,
} from '../embedding-types';
import { asImageId, type ImageId } from '@contract';
import { InvalidInputError } from './errors';
import { type Db, writeTx } from './open-db';

export const DEFAULT_CACHE_BUDGET_BYTES = 4 * 1024 ** 3;

/** Reads between two writes of the recorded LRU ranks (also written before an eviction and on close). */
const TOUCH_FLUSH_EVERY = 256;

/** The `dims` column: where each named fp16 tensor lies inside the one BLOB, plus the pixel mapping. */
interface BlobHeader {
  readonly v: 1;
  readonly mapping: PixelPatchMapping;
  readonly tensors: readonly { name: string; dims: number[]; offsetBytes: number; length: number }[];
}

interface RawEmbedding {
  dims: string;
  data: Buffer;
}

/**
 * The embedding cache in the project DB: one row per (image, model, resolution) holding every tensor of
 * one encoder pass as a single fp16 BLOB, with an LRU byte budget. Reads return Uint16Array views onto the
 * Buffer that SQLite hands back (no further copy unless it is misaligned).
 *
 * A read does not write: it records the row's new LRU rank in memory, and the ranks reach the table in
 * one transaction every TOUCH_FLUSH_EVERY reads, before any eviction, and on close. A crash loses only
 * recency, never data.
 */
export class SqliteEmbeddingCache implements EmbeddingCacheStore {
  readonly #db: Db;
  #budgetBytes: number;
  #clock: number;
  readonly #get: Statement;
  readonly #touch: Statement;
  readonly #put: Statement;
  readonly #total: Statement;
  readonly #oldest: Statement;
  readonly #delete: Statement;
  readonly #has: Statement;
  readonly #getText: Statement;
  readonly #putText: Statement;
  readonly #deleteImage: Statement;
  readonly #imageIds: Statement;
  readonly #tensorSlices: Statement;
  /** LRU ranks recorded by reads and not yet written, by row key. */
  readonly #touched = new Map<string, { key: EmbeddingKey; rank: number }>();
  #readsSinceFlush = 0;

  constructor(db: Db, budgetBytes = DEFAULT_CACHE_BUDGET_BYTES) {
    this.#db = db;
    this.#budgetBytes = checkBudget(budgetBytes);
    this.#get = db.prepare(
      'SELECT dims, data FROM embeddings WHERE image_id = ? AND model_id = ? AND resolution = ?',
    );
    this.#touch = db.prepare(
      'UPDATE embeddings SET last_used = ? WHERE image_id = ? AND model_id = ? AND resolution = ?',
    );
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO embeddings (image_id, model_id, resolution, dtype, dims, bytes, last_used, data)
       VALUES (?, ?, ?, 'f16', ?, ?, ?, ?)`,
    );
    this.#total = db.prepare('SELECT COALESCE(SUM(bytes), 0) FROM embeddings').pluck();
    this.#oldest = db.prepare(
      'SELECT image_id, model_id, resolution, bytes FROM embeddings ORDER BY last_used LIMIT 64',
    );
    this.#delete = db.prepare(
      'DELETE FROM embeddings WHERE image_id = ? AND model_id = ? AND resolution = ?',
    );
    this.#has = db
      .prepare('SELECT 1 FROM embeddings WHERE image_id = ? AND model_id = ? AND resolution = ?')
      .pluck();
    this.#getText = db.prepare('SELECT data FROM text_embeddings WHERE model_id = ? AND text = ?').pluck();
    this.#putText = db.prepare(
      'INSERT OR REPLACE INTO text_embeddings (model_id, text, data) VALUES (?, ?, ?)',
    );
    this.#deleteImage = db.prepare('DELETE FROM embeddings WHERE image_id = ?');
    this.#imageIds = db
      .prepare('SELECT image_id FROM embeddings WHERE model_id = ? AND resolution = ? ORDER BY image_id')
      .pluck();
    // One statement for all rows: the header (JSON) says where the tensor lies; a statement per row cost
    // three times as much on 10,000 images.
    this.#tensorSlices = db
      .prepare(
        `SELECT e.image_id, substr(e.data, json_extract(t.value, '$.offsetBytes') + 1,
                  json_extract(t.value, '$.length') * 2), json_extract(t.value, '$.length')
           FROM embeddings e, json_each(e.dims, '$.tensors') t
          WHERE e.model_id = ? AND e.resolution = ? AND json_extract(t.value, '$.name') = ?
          ORDER BY e.image_id`,
      )
      .raw();
    const newest = db.prepare('SELECT COALESCE(MAX(last_used), 0) FROM embeddings').pluck().get() as number;
    // A logical clock, not wall time: two touches within one millisecond must still be ordered.
    this.#clock = Math.max(newest, Date.now());
  }

  get budgetBytes(): number {
    return this.#budgetBytes;
  }

  /** Changes the budget and evicts least-recently-used rows right away if the cache is now over it. */
  setBudgetBytes(bytes: number): void {
    this.#budgetBytes = checkBudget(bytes);
    writeTx(this.#db, () => this.#evict(undefined));
  }

  totalBytes(): number {
    return this.#total.get() as number;
  }

  has(key: EmbeddingKey): boolean {
    return this.#has.get(key.imageId, key.modelId, key.resolution) !== undefined;
  }

  get(key: EmbeddingKey): StoredEmbedding | undefined {
    const raw = this.#get.get(key.imageId, key.modelId, key.resolution) as RawEmbedding | undefined;
    if (!raw) return undefined;
    this.#touched.set(`${key.imageId}\u0000${key.modelId}\u0000${key.resolution}`, {
      key,
      rank: ++this.#clock,
    });
    if (++this.#readsSinceFlush >= TOUCH_FLUSH_EVERY) this.flushTouches();
    return decodeEmbedding(raw.dims, raw.data);
  }

  put(key: EmbeddingKey, value: StoredEmbedding): void {
    const { header, blob } = encodeEmbedding(value);
    writeTx(this.#db, () => {
      this.#put.run(
        key.imageId,
        key.modelId,
        key.resolution,
        JSON.stringify(header),
        blob.byteLength,
        ++this.#clock,
        blob,
      );
      this.#evict(key);
    });
  }

  /** Ids of the images cached for a model and resolution, ascending. */
  imageIds(modelId: string, resolution: string): ImageId[] {
    return (this.#imageIds.all(modelId, resolution) as number[]).map(asImageId);
  }

  /**
   * One named tensor (fp16 bits) of every image cached for a model and resolution, read with substr() on
   * the blob so that the other tensors (the patch grids: megabytes per image) never leave SQLite.
   */
  *tensorOfEach(
    modelId: string,
    resolution: string,
    tensorName: string,
  ): IterableIterator<{ imageId: ImageId; bits: Uint16Array }> {
    // all(), not iterate(): a caller may query the DB between two rows.
    const rows = this.#tensorSlices.all(modelId, resolution, tensorName) as [number, Buffer | null, number][];
    for (const [imageId, buf, length] of rows) {
      if (!buf || buf.byteLength !== length * 2) continue;
      // A view when aligned (the Buffer is this row's own), else a copy.
      const bits =
        buf.byteOffset % 2 === 0
          ? new Uint16Array(buf.buffer, buf.byteOffset, length)
          : copyBits(buf, length);
      yield { imageId: asImageId(imageId), bits };
    }
  }

  /** Writes the LRU ranks that reads recorded. A failed write (disk full, read-only) must not fail a read. */
  flushTouches(): void {
    this.#readsSinceFlush = 0;
    if (this.#touched.size === 0) return;
    try {
      writeTx(this.#db, () => this.#writeTouches());
    } catch {
      this.#touched.clear(); // the entries just keep their older ranks
    }
  }

  /** Writes the LRU ranks that reads recorded; call it before the DB closes (Project.close does). */
  close(): void {
    this.flushTouches();
  }

  #writeTouches(): void {
    for (const { key, rank } of this.#touched.values()) {
      this.#touch.run(rank, key.imageId, key.modelId, key.resolution);
    }
    this.#touched.clear();
  }

  deleteImage(imageId: number): void {
    writeTx(this.#db, () => this.#deleteImage.run(imageId));
  }

  getText(modelId: string, text: string): Float32Array | undefined {
    const data = this.#getText.get(modelId, text) as Buffer | undefined;
    if (!data) return undefined;
    return viewAs(Float32Array, data, 0, data.byteLength / 4);
  }

  putText(modelId: string, text: string, embedding: Float32Array): void {
    writeTx(this.#db, () =>
      this.#putText.run(
        modelId,
        text,
        Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength),
      ),
    );
  }

  /** Deletes least-recently-used rows until the total fits the budget; the row just written is kept. */
  #evict(keep: EmbeddingKey | undefined): void {
    // Eviction orders rows by last_used: the ranks that reads recorded must be in the table first.
    this.#writeTouches();
    let total = this.totalBytes();
    while (total > this.#budgetBytes) {
      const victims = (
        this.#oldest.all() as { image_id: number; model_id: string; resolution: string; bytes: number }[]
      ).filter(
        (v) =>
          !keep ||
          v.image_id !== keep.imageId ||
          v.model_id !== keep.modelId ||
          v.resolution !== keep.resolution,
      );
      if (victims.length === 0) return;
      for (const v of victims) {
        if (total <= this.#budgetBytes) return;
        this.#delete.run(v.image_id, v.model_id, v.resolution);
        total -= v.bytes;
      }
    }
  }
}

function checkBudget(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new InvalidInputError('cacheBudgetBytes', `must be a non-negative number of bytes, got ${bytes}`);
  }
  return Math.floor(bytes);
}

export function encodeEmbedding(value: StoredEmbedding): { header: BlobHeader; blob: Buffer } {
  const entries = Object.entries(value.tensors);
  let offsetBytes = 0;
  const tensors = entries.map(([name, t]) => {
    const expected = t.dims.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) {
      throw new InvalidInputError(
        `tensors.${name}`,
        `dims ${JSON.stringify(t.dims)} need ${expected} values, got ${t.data.length}`,
      );
    }
    const entry = { name, dims: [...t.dims], offsetBytes, length: t.data.length };
    offsetBytes += t.data.byteLength;
    return entry;
  });
  const blob = Buffer.allocUnsafe(offsetBytes);
  entries.forEach(([, t], i) => {
    const at = tensors[i]?.offsetBytes ?? 0;
    blob.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
  });
  return { header: { v: 1, mapping: value.mapping, tensors }, blob };
}

export function decodeEmbedding(dimsJson: string, data: Buffer): StoredEmbedding {
  const header = JSON.parse(dimsJson) as BlobHeader;
  const tensors: Record<string, HalfTensor> = {};
  for (const t of header.tensors) {
    tensors[t.name] = { dims: t.dims, data: viewAs(Uint16Array, data, t.offsetBytes, t.length) };
  }
  return { mapping: header.mapping, tensors };
}

/** A typed view on the Buffer's memory when its alignment allows, else a copy. */
function viewAs<T extends Uint16Array | Float32Array>(
  Ctor: {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
    new (length: number): T;
    BYTES_PER_ELEMENT: number;
  },
  buf: Buffer,
  offsetBytes: number,
  length: number,
): T {
  const start = buf.byteOffset + offsetBytes;
  if (start % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(buf.buffer, start, length);
  const copy = new Ctor(length);
  new Uint8Array(copy.buffer).set(buf.subarray(offsetBytes, offsetBytes + length * Ctor.BYTES_PER_ELEMENT));
  return copy;
}

function copyBits(buf: Buffer, length: number): Uint16Array {
  const bits = new Uint16Array(length);
  new Uint8Array(bits.buffer).set(buf);
  return bits;
}
