import { type ImageId } from '@contract';
import { CliUsageError, numberFlag, positional, type CliArgs, type CliCommand } from '../command';

const TARGET_OPTIONS = { proposal: { type: 'string' }, image: { type: 'string' } } as const;
const TARGET_FIELDS = { proposalId: '--proposal', imageId: '--image' };

/** --proposal <id> or --image <id>, exactly one. */
function reviewTarget(args: CliArgs): { kind: 'proposal'; id: number } | { kind: 'image'; id: ImageId } {
  const proposal = numberFlag(args, 'proposal');
  const image = numberFlag(args, 'image');
  if ((proposal === undefined) === (image === undefined)) {
    throw new CliUsageError('give exactly one of --proposal <id> or --image <id>');
  }
  return proposal !== undefined
    ? { kind: 'proposal', id: proposal }
    : { kind: 'image', id: image as ImageId };
}

/** The review queue from the command line (the UI has the keyboard-driven one). */
export const reviewCommands: readonly CliCommand[] = [
  {
    path: ['review', 'list'],
    summary: 'the review queue: images with pending proposals, or one image’s proposals',
    usage: 'review list <project> [--image <id>]',
    options: { image: { type: 'string' } },
    fields: TARGET_FIELDS,
    run(args, cli) {
      const image = numberFlag(args, 'image');
      return cli.inProject(positional(args, 0, 'project'), async () => {
        if (image === undefined) return cli.api.review.summary({});
        const proposals = await cli.api.review.list({ imageId: image });
        return proposals.map((p) => ({
          id: p.id,
          labelId: p.labelId,
          source: p.source,
          score: Math.round(p.score * 1e4) / 1e4,
          areaPx: p.areaPx,
          kind: p.geometry.kind,
        }));
      });
    },
  },
  {
    path: ['review', 'accept'],
    summary: 'accept a proposal, or every pending proposal of an image, as annotations',
    usage: 'review accept <project> (--proposal <id> | --image <id>)',
    options: TARGET_OPTIONS,
    fields: TARGET_FIELDS,
    run(args, cli) {
      const target = reviewTarget(args);
      return cli.inProject(positional(args, 0, 'project'), async () => {
        switch (target.kind) {
          case 'proposal': {
            const { annotationIds, revision } = await cli.api.review.accept({ proposalId: target.id });
            return { annotationId: annotationIds[0], revision };
          }
          case 'image':
            return cli.api.review.acceptAll({ imageId: target.id });
        }
      });
    },
  },
  {
    path: ['review', 'reject'],
    summary: 'reject a proposal, or every pending proposal of an image',
    usage: 'review reject <project> (--proposal <id> | --image <id>)',
    options: TARGET_OPTIONS,
    fields: TARGET_FIELDS,
    run(args, cli) {
      const target = reviewTarget(args);
      return cli.inProject(positional(args, 0, 'project'), async () => {
        switch (target.kind) {
          case 'proposal':
            await cli.api.review.reject({ proposalId: target.id });
            return { rejected: 1 };
          case 'image':
            return cli.api.review.rejectAll({ imageId: target.id });
        }
      });
    },
  },
];
