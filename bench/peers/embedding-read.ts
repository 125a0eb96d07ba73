import { type BenchRow } from '../bench-kit';
import { SqliteEmbeddingCache } from '../../src-main/core/db/embedding-cache';
import { closeProjectDb, openProjectDb } from '../../src-main/core/db/open-db';
import { type StoredEmbedding } from '../../src-main/core/embedding-types';
import { SqliteEmbeddingCache as BeforeCache } from '../../tests/fixtures/segment/oracle/embedding-cache';
import { projectWithImages } from '../../tests/integration/core/db/helpers/seed';
import { interleaved } from './timing';

/**
 * A cached embedding read (decode included) against a bare better-sqlite3 SELECT of the same row, in
 * one process and the same rounds; "before" is the cache that wrote the LRU rank on every read. The row
 * is RADIO-B sized at 1024²: 64×64×768 fp16 features plus a 768 summary (6.3 MB).
 */
export async function embeddingFigures(dir: string): Promise<BenchRow[]> {
  const seeded = projectWithImages(dir, 1, { w: 1024, h: 1024 });
  const { ids } = seeded;
  const dbFile = seeded.project.dbFile;
  seeded.project.close();
  // The caches and the bare SELECT on one connection of the bench's own.
  const db = openProjectDb(dbFile, { create: false });
  try {
    const key = { imageId: ids[0]!, modelId: 'radio-b', resolution: '1024x1024' };
    const value: StoredEmbedding = {
      mapping: {
        imageWidthPx: 1024,
        imageHeightPx: 1024,
        inputWidthPx: 1024,
        inputHeightPx: 1024,
        patchPx: 16,
      },
      tensors: {
        features: { dims: [64, 64, 768], data: new Uint16Array(64 * 64 * 768).map((_, i) => i & 0x3bff) },
        summary: { dims: [768], data: new Uint16Array(768).fill(0x3c00) },
      },
    };
    const ours = new SqliteEmbeddingCache(db);
    ours.put(key, value);
    const before = new BeforeCache(db);
    const bare = db.prepare(
      'SELECT dims, data FROM embeddings WHERE image_id = ? AND model_id = ? AND resolution = ?',
    );
    const ms = await interleaved(
      [
        { label: 'ours', run: () => ours.get(key) },
        { label: 'select', run: () => bare.get(key.imageId, key.modelId, key.resolution) },
        { label: 'before', run: () => before.get(key) },
      ],
      7,
    );
    ours.close();
    const o = ms.get('ours')!.cpuMs;
    const s = ms.get('select')!.cpuMs;
    const b = ms.get('before')!.cpuMs;
    return [
      {
        bench: 'peers',
        case: 'embedding read, 6.3 MB row',
        value: o / s,
        unit: '× SELECT',
        note: `ours ${o.toFixed(2)} ms, bare SELECT ${s.toFixed(2)} ms, before ${b.toFixed(2)} ms (${(b / s).toFixed(2)}× SELECT)`,
      },
    ];
  } finally {
    closeProjectDb(db);
  }
}
