import { asImageId, type ImageId } from '@contract';
import { type DenseGrid } from '../embedding-types';
import { type Project } from '../project';
import { cachedEmbedding, cachedImageIds, embeddingKey, type EmbeddingSpec } from './embeddings';
import { PatchIndex, regionDescriptor } from './patch-index';

const DESCRIPTOR_KIND = 'regions8x8p64i8';
const indexes = new WeakMap<Project, Map<string, PatchIndex>>();

/**
 * Computes and stores an image's object-search descriptor (the precompute job calls this right after
 * the encoder pass, so that search never has to read the full grids of the whole project).
 */
export function storeDescriptor(
  project: Project,
  spec: EmbeddingSpec,
  imageId: ImageId,
  features: DenseGrid,
): void {
  const key = embeddingKey(imageId, spec);
  const d = regionDescriptor(features);
  project.descriptors.put(imageId, key.modelId, key.resolution, DESCRIPTOR_KIND, d);
  indexes.get(project)?.get(specKey(spec))?.add(imageId, d);
}

/**
 * The project's object-search index for `spec`, kept in memory per open project: stored descriptors
 * (table image_descriptors) first, then one computed for each cached image still without one.
 */
export function projectPatchIndex(project: Project, spec: EmbeddingSpec): PatchIndex {
  let perProject = indexes.get(project);
  if (!perProject) indexes.set(project, (perProject = new Map<string, PatchIndex>()));
  let index = perProject.get(specKey(spec));
  if (!index) perProject.set(specKey(spec), (index = new PatchIndex()));
  const key = embeddingKey(asImageId(1), spec);
  for (const r of project.descriptors.all(key.modelId, key.resolution, DESCRIPTOR_KIND)) {
    if (!index.has(r.imageId)) index.add(r.imageId, r.data);
  }
  for (const imageId of cachedImageIds(project, spec)) {
    if (index.has(imageId)) continue;
    const e = cachedEmbedding(project, imageId, spec);
    if (e) storeDescriptor(project, spec, imageId, e.features);
  }
  return index;
}

function specKey(spec: EmbeddingSpec): string {
  const key = embeddingKey(asImageId(1), spec);
  return `${key.modelId}|${key.resolution}`;
}
