import { type JobImages, type LabelId } from '@contract';
import { parseLabelPrompt } from '../arg-syntax';
import {
  CliUsageError,
  checkedByContract,
  labelByName,
  modelSpec,
  numberFlag,
  positional,
  SPEC_OPTIONS,
  stringFlag,
  stringList,
  type CliCommand,
} from '../command';

const SPEC_FIELDS = { 'params.modelId': '--model', 'params.resolution': '--resolution' };

/** The batch jobs, run in the foreground (Ctrl-C leaves them resumable: the same command carries on). */
export const jobCommands: readonly CliCommand[] = [
  {
    path: ['embed'],
    summary:
      "fill the project's embedding cache as a resumable job (one encoder pass per uncached image; an interrupted run carries on)",
    usage: 'embed <project> [--model id] [--resolution N]',
    options: SPEC_OPTIONS,
    fields: SPEC_FIELDS,
    run(args, cli) {
      return cli.inProject(positional(args, 0, 'project'), async () =>
        cli.api.jobs.run({ kind: 'embed', params: { ...(await modelSpec(args, cli)), images: 'uncached' } }),
      );
    },
  },
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
    fields: {
      ...SPEC_FIELDS,
      'params.prompts': '--prompt',
      'params.images': '--images',
      'params.minScore': '--min-score',
      'params.minAreaPx': '--min-area',
    },
    run(args, cli) {
      const prompts = stringList(args, 'prompt').map(parseLabelPrompt);
      if (prompts.length === 0)
        throw new CliUsageError('give at least one --prompt <label>=<text>, e.g. --prompt apple="red"');
      // 'all' is the job's default: left out, so that the same run finds the same stored job.
      const images = stringFlag(args, 'images');
      return cli.inProject(positional(args, 0, 'project'), async () => {
        const byLabel = new Map<LabelId, string[]>();
        for (const p of prompts) {
          const label = await labelByName(cli, p.label, `--prompt "${p.label}=${p.text}"`);
          byLabel.set(label.id, [...(byLabel.get(label.id) ?? []), p.text]);
        }
        return cli.api.jobs.run({
          kind: 'auto_label',
          params: {
            ...(await modelSpec(args, cli)),
            images: images === 'all' ? undefined : (images as JobImages | undefined),
            prompts: [...byLabel].map(([labelId, texts]) => ({ labelId, texts })),
            minScore: numberFlag(args, 'min-score') ?? 0.5,
            minAreaPx: numberFlag(args, 'min-area'),
          },
        });
      });
    },
  },
  {
    path: ['propagate'],
    summary: 'label all similar: learn a label from its annotations and propose it on every other image',
    usage:
      'propagate <project> --label <name> [--threshold cos] [--min-score s] [--model id] [--resolution N]',
    options: {
      label: { type: 'string' },
      threshold: { type: 'string' },
      'min-score': { type: 'string' },
      ...SPEC_OPTIONS,
    },
    fields: {
      ...SPEC_FIELDS,
      'params.labelId': '--label',
      'params.threshold': '--threshold',
      'params.minScore': '--min-score',
    },
    run(args, cli) {
      const name = stringFlag(args, 'label');
      return cli.inProject(positional(args, 0, 'project'), async () => {
        const labelId =
          name === undefined
            ? checkedByContract<LabelId>(undefined)
            : (await labelByName(cli, name, '--label')).id;
        return cli.api.jobs.run({
          kind: 'propagate',
          params: {
            ...(await modelSpec(args, cli)),
            labelId,
            minScore: numberFlag(args, 'min-score') ?? 0.5,
            threshold: numberFlag(args, 'threshold'),
          },
        });
      });
    },
  },
  {
    path: ['jobs'],
    summary: "list a project's background jobs (newest first) with their item counts",
    usage: 'jobs <project> [--limit n]',
    options: { limit: { type: 'string' } },
    fields: { limit: '--limit' },
    run(args, cli) {
      return cli.inProject(positional(args, 0, 'project'), () =>
        cli.api.jobs.history({ limit: numberFlag(args, 'limit') }),
      );
    },
  },
];
