import { type Statement } from 'better-sqlite3';
import { asImageId, type ImageId } from '@contract';
import { type Db } from './open-db';

/**
 * Per-image object-search descriptors (table image_descriptors): small int8 summaries of an image's patch
 * grid, keyed like the embedding they were computed from, so search never reads the full grids.
 */
export class DescriptorsRepo {
  readonly #put: Statement;
  readonly #all: Statement;

  constructor(db: Db) {
    this.#put = db.prepare(
      'INSERT OR REPLACE INTO image_descriptors (image_id, model_id, resolution, kind, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.#all = db.prepare(
      'SELECT image_id, data FROM image_descriptors WHERE model_id = ? AND resolution = ? AND kind = ?',
    );
  }

  put(imageId: ImageId, modelId: string, resolution: string, kind: string, data: Int8Array): void {
    this.#put.run(
      imageId,
      modelId,
      resolution,
      kind,
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    );
  }

  *all(
    modelId: string,
    resolution: string,
    kind: string,
  ): IterableIterator<{ imageId: ImageId; data: Int8Array }> {
    const rows = this.#all.iterate(modelId, resolution, kind) as IterableIterator<{
      image_id: number;
      data: Buffer;
    }>;
    for (const r of rows)
      yield { imageId: asImageId(r.image_id), data: new Int8Array(Uint8Array.from(r.data).buffer) };
  }
}
