import { type ImageId } from '@contract';
import { InvalidInputError } from '../db/errors';
import { type StoredJobStart } from '../jobs/job-types';
import { type Project } from '../project';
import { allImageIds, cacheStatus, specOf, type EmbeddingSpec } from './embeddings';
import { propagationSplit } from './propagate';

/**
 * Which images a job covers: `params.images` is 'all', 'new', 'uncached' or a list of ids. Defaults:
 * embed → uncached, auto_label → all, propagate → every image without an annotation of the label.
 */
export function resolveJobImages(project: Project, start: StoredJobStart): ImageId[] {
  const { images } = start.params;
  if (Array.isArray(images)) {
    images.forEach((id, i) => {
      if (!project.images.tryGet(id))
        throw new InvalidInputError(`params.images.${i}`, `image ${id} does not exist`);
    });
    return images;
  }
  switch (start.kind) {
    case 'embed':
      return selection(project, images ?? 'uncached', specOf(start.params));
    case 'auto_label':
      return selection(project, images ?? 'all', specOf(start.params));
    case 'propagate':
      return propagationSplit(project, start.params.labelId).targets;
  }
}

function selection(project: Project, which: 'all' | 'new' | 'uncached', spec: EmbeddingSpec): ImageId[] {
  switch (which) {
    case 'all':
      return allImageIds(project);
    case 'new':
      return allImageIds(project, 'new');
    case 'uncached':
      return cacheStatus(project, spec).uncached;
  }
}
