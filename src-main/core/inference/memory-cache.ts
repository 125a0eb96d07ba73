import type { EmbeddingCacheStore, EmbeddingKey, StoredEmbedding } from '../embedding-types';

/** An in-process EmbeddingCacheStore (tests, one-shot CLI commands). The real one lives in core/db. */
export class MemoryEmbeddingCache implements EmbeddingCacheStore {
  readonly images = new Map<string, StoredEmbedding>();
  readonly texts = new Map<string, Float32Array>();

  private static key(k: EmbeddingKey): string {
    return `${k.imageId}|${k.modelId}|${k.resolution}`;
  }
  get(key: EmbeddingKey): StoredEmbedding | undefined {
    return this.images.get(MemoryEmbeddingCache.key(key));
  }
  put(key: EmbeddingKey, value: StoredEmbedding): void {
    this.images.set(MemoryEmbeddingCache.key(key), value);
  }
  getText(modelId: string, text: string): Float32Array | undefined {
    return this.texts.get(`${modelId}|${text}`);
  }
  putText(modelId: string, text: string, embedding: Float32Array): void {
    this.texts.set(`${modelId}|${text}`, embedding);
  }
}
