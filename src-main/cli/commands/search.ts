import { type AnnotationId, type ImageId } from '@contract';
import {
  CliUsageError,
  checkedByContract,
  labelByName,
  modelSpec,
  numberFlag,
  positional,
  SPEC_OPTIONS,
  stringFlag,
  type CliCommand,
} from '../command';

const SPEC_FIELDS = { modelId: '--model', resolution: '--resolution' };

/** Search over the project's cached embeddings. */
export const searchCommands: readonly CliCommand[] = [
  {
    path: ['similar'],
    summary:
      'similarity search over cached embeddings: similar images, or (with --annotation) similar objects',
    usage:
      'similar <project> --image <id> [--annotation <id> [--min-score s] [--per-image n] [--propose <label>]] [--top k] [--model id] [--resolution N]',
    options: {
      image: { type: 'string' },
      annotation: { type: 'string' },
      top: { type: 'string' },
      'min-score': { type: 'string' },
      'per-image': { type: 'string' },
      propose: { type: 'string' },
      ...SPEC_OPTIONS,
    },
    fields: {
      ...SPEC_FIELDS,
      imageId: '--image',
      annotationId: '--annotation',
      topK: '--top',
      minScore: '--min-score',
      maxPerImage: '--per-image',
    },
    run(args, cli) {
      const imageId = checkedByContract(numberFlag(args, 'image')) as ImageId;
      const annotation = numberFlag(args, 'annotation');
      const topK = numberFlag(args, 'top') ?? 10;
      const propose = stringFlag(args, 'propose');
      if (propose !== undefined && annotation === undefined) {
        throw new CliUsageError('--propose turns object hits into proposals, so it needs --annotation');
      }
      // Object hits only; absent flags take the contract's defaults (the app's).
      const minScore = numberFlag(args, 'min-score');
      const maxPerImage = numberFlag(args, 'per-image');
      const objectFilter = {
        ...(minScore === undefined ? {} : { minScore }),
        ...(maxPerImage === undefined ? {} : { maxPerImage }),
      };
      return cli.inProject(positional(args, 0, 'project'), async () => {
        const spec = await modelSpec(args, cli);
        if (annotation === undefined) {
          const hits = await cli.api.search.similarImages({ imageId, topK, ...spec });
          return { mode: 'image', model: spec.modelId, query: { imageId }, hits };
        }
        const annotationId = annotation as AnnotationId;
        const onImage = await cli.api.annotations.list({ imageId });
        if (!onImage.items.some((a) => a.id === annotationId)) {
          throw new CliUsageError(`annotation ${annotation} is not on image ${imageId}`);
        }
        const hits = await cli.api.search.similarObjects({
          annotationId,
          topK,
          ...objectFilter,
          ...spec,
          heatmaps: true,
        });
        let proposalsAdded: number | undefined;
        if (propose !== undefined) {
          const label = await labelByName(cli, propose, '--propose');
          ({ proposed: proposalsAdded } = await cli.api.search.proposeHits({
            annotationId,
            labelId: label.id,
            topK,
            ...objectFilter,
            ...spec,
          }));
        }
        return {
          mode: 'object',
          ...(proposalsAdded === undefined ? {} : { proposalsAdded }),
          model: spec.modelId,
          query: { imageId, annotationId },
          hits,
        };
      });
    },
  },
  {
    path: ['duplicates'],
    summary: 'near-duplicate report: image pairs whose summary cosine is at least the threshold',
    usage: 'duplicates <project> [--threshold t] [--model id] [--resolution N]',
    options: { threshold: { type: 'string' }, ...SPEC_OPTIONS },
    fields: { ...SPEC_FIELDS, threshold: '--threshold' },
    run(args, cli) {
      return cli.inProject(positional(args, 0, 'project'), async () => {
        const spec = await modelSpec(args, cli);
        const threshold = numberFlag(args, 'threshold') ?? 0.95;
        return { model: spec.modelId, ...(await cli.api.search.duplicates({ threshold, ...spec })) };
      });
    },
  },
];
