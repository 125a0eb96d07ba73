import { z } from 'zod';
import { asImageId, asLabelId, type ImageId } from '@contract';
import { InvalidInputError } from '../db/errors';
import { type JobKind } from '../jobs/job-store';
import { type Project } from '../project';
import { allImageIds, cacheStatus } from './embeddings';
import { parseParams } from './params';
import { propagationSplit } from './propagate';

const SelectionSchema = z.object({
  images: z.union([z.enum(['all', 'new', 'uncached']), z.array(z.number().int().positive())]).optional(),
  modelId: z.string().min(1),
  resolution: z.number().int().positive().optional(),
  labelId: z.number().int().positive().optional(),
});

/**
 * Which images a job started from the UI (`jobs.start { kind, params }`) covers: `params.images` is
 * 'all', 'new', 'uncached' or a list of ids. Defaults: embed → uncached, auto_label → all, propagate →
 * every image without an annotation of the label.
 */
export function resolveJobImages(project: Project, kind: JobKind, params: unknown): ImageId[] {
  const p = parseParams(SelectionSchema, params, 'params');
  const spec = { modelId: p.modelId, ...(p.resolution === undefined ? {} : { resolution: p.resolution }) };
  if (Array.isArray(p.images)) {
    const ids = p.images.map(asImageId);
    ids.forEach((id, i) => {
      if (!project.images.tryGet(id))
        throw new InvalidInputError(`params.images.${i}`, `image ${id} does not exist`);
    });
    return ids;
  }
  switch (kind) {
    case 'embed':
      return selection(project, p.images ?? 'uncached', spec);
    case 'auto_label':
      return selection(project, p.images ?? 'all', spec);
    case 'propagate': {
      if (p.labelId === undefined)
        throw new InvalidInputError('params.labelId', 'a propagation needs the label to propagate');
      return propagationSplit(project, asLabelId(p.labelId)).targets;
    }
    case 'export':
      throw new InvalidInputError('kind', 'export jobs choose their images themselves');
  }
}

function selection(
  project: Project,
  which: 'all' | 'new' | 'uncached',
  spec: { modelId: string; resolution?: number },
): ImageId[] {
  switch (which) {
    case 'all':
      return allImageIds(project);
    case 'new':
      return allImageIds(project, 'new');
    case 'uncached':
      return cacheStatus(project, spec).uncached;
  }
}
