import { decodeRgb as decodeRgbFile } from '../images/open-image';
import { asImageId, type ImageId } from '@contract';
import { type EmbeddingKey } from '../embedding-types';
import {
  fromHalf,
  fromStored,
  toStored,
  type EngineImageEmbedding,
  type InferenceEngine,
} from '../inference';
import { fromStoredPath } from '../images/paths';
import { type Project } from '../project';
import { type RgbImage } from '../segment/upsample';

/** Which encoder pass: the model, and optionally a short side replacing the manifest's resolution. */
export interface EmbeddingSpec {
  readonly modelId: string;
  /** Short side in pixels (short-side bundles only); default: the manifest's policy. */
  readonly resolution?: number;
}

/**
 * The cache key convention shared by jobs, the service and the CLI: resolution "default" for the
 * manifest's policy, else the short side in pixels as a decimal string.
 */
export function embeddingKey(imageId: ImageId, spec: EmbeddingSpec): EmbeddingKey {
  return {
    imageId,
    modelId: spec.modelId,
    resolution: spec.resolution === undefined ? 'default' : String(spec.resolution),
  };
}

export function imageFilePath(project: Project, imageId: ImageId): string {
  return fromStoredPath(project.dir, project.images.get(imageId).path);
}

/** The cached embedding of an image, or undefined (no encoder pass). */
export function cachedEmbedding(
  project: Project,
  imageId: ImageId,
  spec: EmbeddingSpec,
): EngineImageEmbedding | undefined {
  const stored = project.embeddings.get(embeddingKey(imageId, spec));
  return stored && fromStored(spec.modelId, stored);
}

/** The cached embedding, or a fresh encoder pass stored into the project cache. */
export async function ensureEmbedding(
  project: Project,
  engine: InferenceEngine,
  imageId: ImageId,
  spec: EmbeddingSpec,
): Promise<{ embedding: EngineImageEmbedding; computed: boolean; bytes: number }> {
  const hit = cachedEmbedding(project, imageId, spec);
  if (hit) return { embedding: hit, computed: false, bytes: 0 };
  const embedding = await engine.embedImageFile(imageFilePath(project, imageId), spec.modelId, {
    ...(spec.resolution === undefined ? {} : { resolution: spec.resolution }),
  });
  const stored = toStored(embedding);
  project.embeddings.put(embeddingKey(imageId, spec), stored);
  const bytes = Object.values(stored.tensors).reduce((n, t) => n + t.data.byteLength, 0);
  return { embedding, computed: true, bytes };
}

/** Ids of the images with a cached embedding for `spec`, ascending. */
export function cachedImageIds(project: Project, spec: EmbeddingSpec): ImageId[] {
  const key = embeddingKey(asImageId(1), spec);
  return (
    project.db
      .prepare('SELECT image_id FROM embeddings WHERE model_id = ? AND resolution = ? ORDER BY image_id')
      .pluck()
      .all(key.modelId, key.resolution) as number[]
  ).map(asImageId);
}

/** Which of `imageIds` (default: all images) are cached for `spec` — what the image list shows. */
export function cacheStatus(
  project: Project,
  spec: EmbeddingSpec,
  imageIds?: readonly ImageId[],
): { cached: ImageId[]; uncached: ImageId[] } {
  const cachedSet = new Set(cachedImageIds(project, spec));
  const all = imageIds ?? allImageIds(project);
  return {
    cached: all.filter((id) => cachedSet.has(id)),
    uncached: all.filter((id) => !cachedSet.has(id)),
  };
}

export function allImageIds(project: Project, status?: 'new' | 'in_progress' | 'done' | 'review'): ImageId[] {
  const rows =
    status === undefined
      ? project.db.prepare('SELECT id FROM images WHERE missing = 0 ORDER BY id').pluck().all()
      : project.db
          .prepare('SELECT id FROM images WHERE missing = 0 AND status = ? ORDER BY id')
          .pluck()
          .all(status);
  return (rows as number[]).map(asImageId);
}

interface SummaryHeader {
  readonly tensors: readonly { name: string; offsetBytes: number; length: number }[];
}

/**
 * The summary vector of every cached image for `spec`, read with substr() on the blob so that the
 * patch grids (megabytes per image) never leave SQLite. Relies on the cache's blob header (db/embedding-cache).
 */
export function* cachedSummaries(
  project: Project,
  spec: EmbeddingSpec,
  tensorName = 'summary',
): IterableIterator<{ imageId: ImageId; vector: Float32Array }> {
  const key = embeddingKey(asImageId(1), spec);
  const headers = project.db
    .prepare('SELECT image_id, dims FROM embeddings WHERE model_id = ? AND resolution = ? ORDER BY image_id')
    .all(key.modelId, key.resolution) as { image_id: number; dims: string }[];
  const slice = project.db.prepare(
    'SELECT substr(data, ?, ?) FROM embeddings WHERE image_id = ? AND model_id = ? AND resolution = ?',
  );
  for (const row of headers) {
    const t = (JSON.parse(row.dims) as SummaryHeader).tensors.find((x) => x.name === tensorName);
    if (!t) continue;
    const buf = slice
      .pluck()
      .get(t.offsetBytes + 1, t.length * 2, row.image_id, key.modelId, key.resolution) as Buffer | undefined;
    if (!buf || buf.byteLength !== t.length * 2) continue;
    const bits = new Uint16Array(t.length);
    new Uint8Array(bits.buffer).set(buf);
    yield { imageId: asImageId(row.image_id), vector: fromHalf(bits) };
  }
}

/**
 * The image's pixels for edge refinement, or undefined when they do not match the embedding's image
 * size (then the caller refines without a guide rather than misaligning the edges).
 */
export async function guideImage(
  project: Project,
  imageId: ImageId,
  mapping: { imageWidthPx: number; imageHeightPx: number },
): Promise<RgbImage | undefined> {
  const rgb = await decodeRgb(project, imageId);
  return rgb.widthPx === mapping.imageWidthPx && rgb.heightPx === mapping.imageHeightPx ? rgb : undefined;
}

/** The image's pixels, EXIF-oriented like the encoder input, for edge refinement. */
export async function decodeRgb(project: Project, imageId: ImageId): Promise<RgbImage> {
  return decodeRgbFile(imageFilePath(project, imageId), { maxInputPixels: project.maxInputPixels });
}
