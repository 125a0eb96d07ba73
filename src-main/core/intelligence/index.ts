/** Dataset intelligence over the embedding cache: precompute, auto-label, propagation, search, tags. */
import { type InferenceEngine } from '../inference';
import { type AnyJobHandler } from '../jobs/job-types';
import { autoLabelHandler } from './auto-label';
import { precomputeHandler } from './precompute';
import { propagateHandler } from './propagate';

export { precomputeHandler } from './precompute';
export { autoLabelHandler } from './auto-label';
export { buildPrototypes, propagateHandler, propagationSplit, type Prototypes } from './propagate';
export {
  allImageIds,
  cachedEmbedding,
  cachedImageIds,
  cacheStatus,
  cachedSummaries,
  embeddingKey,
  ensureEmbedding,
  imageFilePath,
  type EmbeddingSpec,
} from './embeddings';
export {
  annotationQuery,
  findDuplicates,
  hitsToProposals,
  projectGridSource,
  regionHit,
  searchObjects,
  similarImages,
  type DuplicateReport,
  type GridSource,
  type ImageHit,
  type ObjectSearchOptions,
  type RegionHit,
} from './similarity';
export { imagesWithTag, projectTags, type ImageTags, type ProjectTags } from './project-tags';
export { resolveJobImages } from './job-images';
export { maskCellCoverage, maskPooledFeature } from './pooling';
export { PatchIndex, regionDescriptor } from './patch-index';
export { projectPatchIndex, storeDescriptor } from './object-index';

/** Every job kind this module implements, for `new JobRunner({ handlers })`. */
export function intelligenceJobHandlers(engine: InferenceEngine): AnyJobHandler[] {
  return [precomputeHandler(engine), autoLabelHandler(engine), propagateHandler(engine)];
}
