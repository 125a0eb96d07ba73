import { type Job, type JobFailure, type JobImages, type LabelId } from '@contract';
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
  type CliVerdict,
} from '../command';

const SPEC_FIELDS = { 'params.modelId': '--model', 'params.resolution': '--resolution' };

/** The part of every job run report that says how the job ended. */
interface RunOutcome {
  readonly job: Job;
  readonly failed: number;
  readonly failedImages: readonly JobFailure[];
}

/**
 * A job that ended failed (full disk, …) fails the command; failed images are named one per line, never
 * counted as processed, and make the exit code 3 when the rest went through.
 */
export function jobVerdict(result: unknown): CliVerdict {
  const { job, failed, failedImages } = result as RunOutcome;
  const lines = failedImages.map((f) => `  failed: ${f.name} (image ${f.imageId}): ${f.error}`);
  if (failedImages.length < failed) lines.push(`  … and ${failed - failedImages.length} more`);
  const list = lines.length > 0 ? `\n${lines.join('\n')}` : '';
  if (job.state === 'failed')
    return { kind: 'failed', message: `job ${job.id} failed: ${job.error ?? 'no reason given'}${list}` };
  if (failed > 0) return { kind: 'some_failed', message: `${failed} of ${job.total} images failed:${list}` };
  return { kind: 'ok' };
}

/** The batch jobs, run in the foreground (Ctrl-C leaves them resumable: the same command carries on). */
export const jobCommands: readonly CliCommand[] = [
  {
    path: ['embed'],
    summary:
      "fill the project's embedding cache as a resumable job (one encoder pass per uncached image; an interrupted run carries on)",
    usage: 'embed <project> [--model id] [--resolution N]',
    options: SPEC_OPTIONS,
    fields: SPEC_FIELDS,
    verdict: jobVerdict,
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
    verdict: jobVerdict,
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
    verdict: jobVerdict,
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
