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
import { type HalfMatrix } from './pair-scan';

/** Which encoder pass: the model, and optionally a short side replacing the manifest's resolution. */
export interface EmbeddingSpec {
  readonly modelId: string;
  /** Short side in pixels (short-side bundles only); default: the manifest's policy. */
  readonly resolution?: number;
}

/** The spec of a job's or a request's params (only what names the encoder pass). */
export function specOf(p: {
  readonly modelId: string;
  readonly resolution?: number | undefined;
}): EmbeddingSpec {
  return { modelId: p.modelId, ...(p.resolution === undefined ? {} : { resolution: p.resolution }) };
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
  return project.embeddings.imageIds(key.modelId, key.resolution);
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

/** The images whose file is present (optionally only those of one status), in id order. */
export function allImageIds(project: Project, status?: 'new' | 'in_progress' | 'done' | 'review'): ImageId[] {
  return project.images.presentIds(status);
}

/** The summary vector of every cached image for `spec` (the patch grids stay in SQLite). */
export function* cachedSummaries(
  project: Project,
  spec: EmbeddingSpec,
  tensorName = 'summary',
): IterableIterator<{ imageId: ImageId; vector: Float32Array }> {
  const key = embeddingKey(asImageId(1), spec);
  for (const { imageId, bits } of project.embeddings.tensorOfEach(key.modelId, key.resolution, tensorName)) {
    yield { imageId, vector: fromHalf(bits) };
  }
}

/** Every cached summary for `spec` as fp16 rows (as the cache hands them), with their images. */
export function cachedSummaryRows(
  project: Project,
  spec: EmbeddingSpec,
): { readonly imageIds: Int32Array; readonly rows: HalfMatrix } {
  const key = embeddingKey(asImageId(1), spec);
  const each = [...project.embeddings.tensorOfEach(key.modelId, key.resolution, 'summary')];
  const dims = each[0]?.bits.length ?? 0;
  const imageIds = new Int32Array(each.length);
  const rowBits = each.map((row, r) => {
    if (row.bits.length !== dims)
      throw new Error(
        `the cached summary of image ${row.imageId} has ${row.bits.length} dims, image ${each[0]!.imageId}'s has ${dims}: run Precompute again for model ${spec.modelId}`,
      );
    imageIds[r] = row.imageId;
    return row.bits;
  });
  return { imageIds, rows: { kind: 'fp16', count: each.length, dims, rowBits } };
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
