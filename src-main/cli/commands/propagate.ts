import { ProposalsRepo } from '../../core/intelligence/proposals-repo';
import { propagationSplit } from '../../core/intelligence/propagate';
import { CliUsageError, optionalNumber, requireString, type CliCommand } from '../command';
import { runJobInCli, SPEC_OPTIONS, specFrom, withProjectAndEngine } from './jobs';

export const propagateCommands: readonly CliCommand[] = [
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
    run(args, io) {
      const name = requireString(args, 'label');
      const threshold = optionalNumber(args, 'threshold');
      if (threshold !== undefined && !(threshold >= -1 && threshold <= 1)) {
        throw new CliUsageError(`--threshold is a cosine between -1 and 1, got ${threshold}`);
      }
      const minScore = optionalNumber(args, 'min-score') ?? 0.5;
      if (!(minScore >= 0 && minScore <= 1))
        throw new CliUsageError(`--min-score must be between 0 and 1, got ${minScore}`);
      const spec = specFrom(args, io);
      return withProjectAndEngine(args, io, async (project, engine) => {
        const label = project.labels.findByName(name);
        if (!label) throw new CliUsageError(`no label "${name}" in this project`);
        const { exemplars, targets } = propagationSplit(project, label.id);
        if (exemplars.length === 0) {
          throw new CliUsageError(
            `label "${name}" has no annotations yet: label a few examples, then propagate`,
          );
        }
        const params = {
          ...spec,
          labelId: label.id,
          minScore,
          ...(threshold === undefined ? {} : { threshold }),
        };
        const before = new ProposalsRepo(project).counts().pending;
        const { job, resumed } = await runJobInCli(project, engine, io, 'propagate', params, targets);
        return {
          job,
          resumed,
          label: { id: label.id, name: label.name },
          exemplarImages: exemplars.length,
          targetImages: targets.length,
          proposalsAdded: new ProposalsRepo(project).counts().pending - before,
        };
      });
    },
  },
];
