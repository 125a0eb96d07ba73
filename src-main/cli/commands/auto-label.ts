import { asImageId, type ImageId, type LabelId } from '@contract';
import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import { allImageIds } from '../../core/intelligence/embeddings';
import { ProposalsRepo } from '../../core/intelligence/proposals-repo';
import {
  CliUsageError,
  optionalNumber,
  optionalString,
  positional,
  stringList,
  type CliArgs,
  type CliCommand,
} from '../command';
import { runJobInCli, SPEC_OPTIONS, specFrom, withProjectAndEngine } from './jobs';

export const autoLabelOnlyCommands: readonly CliCommand[] = [
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

function reviewTarget(args: CliArgs): { kind: 'proposal'; id: number } | { kind: 'image'; id: ImageId } {
  const proposal = optionalNumber(args, 'proposal');
  const image = optionalNumber(args, 'image');
  if ((proposal === undefined) === (image === undefined)) {
    throw new CliUsageError('give exactly one of --proposal <id> or --image <id>');
  }
  const id = proposal ?? image ?? 0;
  if (!(Number.isInteger(id) && id > 0))
    throw new CliUsageError(`the id must be a positive integer, got ${id}`);
  return proposal !== undefined ? { kind: 'proposal', id } : { kind: 'image', id: asImageId(id) };
}

/** The review queue from the command line (the UI has the keyboard-driven one). */
export const reviewCommands: readonly CliCommand[] = [
  {
    path: ['review', 'list'],
    summary: 'the review queue: images with pending proposals, or one image’s proposals',
    usage: 'review list <project> [--image <id>]',
    options: { image: { type: 'string' } },
    run(args, io) {
      const image = optionalNumber(args, 'image');
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), (project) => {
        const repo = new ProposalsRepo(project);
        if (image === undefined) return { counts: repo.counts(), queue: repo.reviewQueue() };
        return repo.list(asImageId(image)).map((p) => ({
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
    options: { proposal: { type: 'string' }, image: { type: 'string' } },
    run(args, io) {
      const target = reviewTarget(args);
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), (project) => {
        const repo = new ProposalsRepo(project);
        switch (target.kind) {
          case 'proposal':
            return repo.accept(target.id);
          case 'image':
            return repo.acceptAll(target.id);
        }
      });
    },
  },
  {
    path: ['review', 'reject'],
    summary: 'reject a proposal, or every pending proposal of an image',
    usage: 'review reject <project> (--proposal <id> | --image <id>)',
    options: { proposal: { type: 'string' }, image: { type: 'string' } },
    run(args, io) {
      const target = reviewTarget(args);
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), (project) => {
        const repo = new ProposalsRepo(project);
        switch (target.kind) {
          case 'proposal':
            repo.reject(target.id);
            return { rejected: 1 };
          case 'image':
            return { rejected: repo.rejectAll(target.id) };
        }
      });
    },
  },
];

export const autoLabelCommands: readonly CliCommand[] = [...autoLabelOnlyCommands, ...reviewCommands];
