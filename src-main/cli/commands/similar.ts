import { asAnnotationId, asImageId } from '@contract';
import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import {
  annotationQuery,
  hitsToProposals,
  projectGridSource,
  searchObjects,
  similarImages,
} from '../../core/intelligence/similarity';
import { projectPatchIndex } from '../../core/intelligence/object-index';
import {
  CliUsageError,
  optionalNumber,
  optionalString,
  positional,
  requireString,
  type CliCommand,
} from '../command';
import { SPEC_OPTIONS, specFrom } from './jobs';

function positiveInt(v: number, flag: string): number {
  if (!(Number.isInteger(v) && v > 0))
    throw new CliUsageError(`--${flag} must be a positive integer, got ${v}`);
  return v;
}

export const similarCommands: readonly CliCommand[] = [
  {
    path: ['similar'],
    summary:
      'similarity search over cached embeddings: similar images, or (with --annotation) similar objects',
    usage:
      'similar <project> --image <id> [--annotation <id> [--propose <label>]] [--top k] [--model id] [--resolution N]',
    options: {
      image: { type: 'string' },
      annotation: { type: 'string' },
      top: { type: 'string' },
      propose: { type: 'string' },
      ...SPEC_OPTIONS,
    },
    run(args, io) {
      const imageId = asImageId(positiveInt(Number(requireString(args, 'image')), 'image'));
      const annotation = optionalNumber(args, 'annotation');
      const top = positiveInt(optionalNumber(args, 'top') ?? 10, 'top');
      const propose = optionalString(args, 'propose');
      if (propose !== undefined && annotation === undefined) {
        throw new CliUsageError('--propose turns object hits into proposals, so it needs --annotation');
      }
      const spec = specFrom(args, io);
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), async (project) => {
        project.images.get(imageId);
        if (annotation === undefined) {
          return {
            mode: 'image',
            model: spec.modelId,
            query: { imageId },
            hits: similarImages(project, spec, imageId, top),
          };
        }
        const query = annotationQuery(project, spec, asAnnotationId(positiveInt(annotation, 'annotation')));
        if (query.imageId !== imageId) {
          throw new CliUsageError(
            `annotation ${annotation} is on image ${query.imageId}, not on image ${imageId}`,
          );
        }
        const index = projectPatchIndex(project, spec);
        const hits = searchObjects(index, projectGridSource(project, spec), query.vector, {
          topK: top,
          excludeImageId: imageId,
        });
        let proposalsAdded: number | undefined;
        if (propose !== undefined) {
          const label = project.labels.findByName(propose);
          if (!label) throw new CliUsageError(`--propose: no label "${propose}" in this project`);
          proposalsAdded = await hitsToProposals(project, spec, query.vector, hits, label.id);
        }
        return {
          mode: 'object',
          ...(proposalsAdded === undefined ? {} : { proposalsAdded }),
          model: spec.modelId,
          query: { imageId, annotationId: annotation },
          hits: hits.map((h) => ({
            imageId: h.imageId,
            score: h.score,
            bbox: h.bbox,
            heatmap: {
              gridW: h.heatmap.gridW,
              gridH: h.heatmap.gridH,
              base64: Buffer.from(h.heatmap.data).toString('base64'),
            },
          })),
        };
      });
    },
  },
];
