/** Dataset intelligence over the embedding cache: precompute, auto-label, propagation, search, tags. */
import { type InferenceEngine } from '../inference';
import { type AnyJobHandler } from '../jobs/job-types';
import { autoLabelHandler } from './auto-label';
import { precomputeHandler } from './precompute';
import { propagateHandler } from './propagate';

export { propagationSplit } from './propagate';
export { cacheStatus, specOf, type EmbeddingSpec } from './embeddings';
export {
  annotationQuery,
  findDuplicates,
  hitsToProposals,
  projectGridSource,
  searchObjects,
  similarImages,
} from './similarity';
export { imagesWithTag, projectTags } from './project-tags';
export { resolveJobImages } from './job-images';
export { projectPatchIndex } from './object-index';

/** Every job kind this module implements, for `new JobRunner({ handlers })`. */
export function intelligenceJobHandlers(engine: InferenceEngine): AnyJobHandler[] {
  return [precomputeHandler(engine), autoLabelHandler(engine), propagateHandler(engine)];
}
