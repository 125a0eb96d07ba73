import { asImageId, type LabelId } from '../../../src-preload/contract/ids';
import { allImageIds } from '../../core/intelligence/embeddings';
import { ProposalsRepo } from '../../core/intelligence/proposals-repo';
import { CliUsageError, optionalNumber, optionalString, stringList, type CliCommand } from '../command';
import { runJobInCli, SPEC_OPTIONS, specFrom, withProjectAndEngine } from './jobs';

export const autoLabelCommands: readonly CliCommand[] = [
  {
    path: ['auto-label'],
    summary: 'propose masks from text prompts over many images (proposals wait for review; resumable)',
    usage:
      'auto-label <project> --prompt <label>=<text> [--prompt …] [--images all|new] [--min-score s] [--min-area px] [--model id] [--resolution N]',
    options: {
      prompt: { type: 'string', multiple: true },
      images: { type: 'string' },
      'min-score': { type: 'string' },
      'min-area': { type: 'string' },
      ...SPEC_OPTIONS,
    },
    run(args, io) {
      const prompts = stringList(args, 'prompt');
      if (prompts.length === 0)
        throw new CliUsageError('give at least one --prompt <label>=<text>, e.g. --prompt apple="red"');
      const which = optionalString(args, 'images') ?? 'all';
      if (which !== 'all' && which !== 'new')
        throw new CliUsageError(`--images must be "all" or "new", got "${which}"`);
      const minScore = optionalNumber(args, 'min-score') ?? 0.5;
      if (!(minScore >= 0 && minScore <= 1))
        throw new CliUsageError(`--min-score must be between 0 and 1, got ${minScore}`);
      const minAreaPx = optionalNumber(args, 'min-area');
      const spec = specFrom(args, io);
      return withProjectAndEngine(args, io, async (project, engine) => {
        const byLabel = new Map<LabelId, string[]>();
        for (const p of prompts) {
          const eq = p.indexOf('=');
          const name = eq > 0 ? p.slice(0, eq).trim() : '';
          const text = eq > 0 ? p.slice(eq + 1).trim() : '';
          if (!name || !text) throw new CliUsageError(`--prompt "${p}" must look like <label>=<text>`);
          const label = project.labels.findByName(name);
          if (!label) {
            const known = project.labels.list().map((l) => l.name);
            throw new CliUsageError(
              `--prompt "${p}": no label "${name}" in this project (labels: ${known.join(', ') || 'none'})`,
            );
          }
          byLabel.set(label.id, [...(byLabel.get(label.id) ?? []), text]);
        }
        const imageIds = allImageIds(project, which === 'new' ? 'new' : undefined);
        const params = {
          ...spec,
          prompts: [...byLabel].map(([labelId, texts]) => ({ labelId, texts })),
          minScore,
          ...(minAreaPx === undefined ? {} : { minAreaPx }),
        };
        const before = new ProposalsRepo(project).counts().pending;
        const { job, resumed } = await runJobInCli(project, engine, io, 'auto_label', params, imageIds);
        const repo = new ProposalsRepo(project);
        const queue = repo.reviewQueue();
        return {
          job,
          resumed,
          model: spec.modelId,
          proposalsAdded: repo.counts().pending - before,
          review: { images: queue.length, proposals: queue.reduce((n, q) => n + q.pending, 0) },
          firstImageToReview: queue[0] ? asImageId(queue[0].imageId) : null,
        };
      });
    },
  },
];
