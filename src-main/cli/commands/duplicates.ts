import { withProject } from '../../core/project';
import { projectOptionsFrom } from '../../core/project/settings-options';
import { findDuplicates } from '../../core/intelligence/similarity';
import { CliUsageError, optionalNumber, positional, type CliCommand } from '../command';
import { SPEC_OPTIONS, specFrom } from './jobs';

export const duplicatesCommands: readonly CliCommand[] = [
  {
    path: ['duplicates'],
    summary: 'near-duplicate report: image pairs whose summary cosine is at least the threshold',
    usage: 'duplicates <project> [--threshold t] [--model id] [--resolution N]',
    options: { threshold: { type: 'string' }, ...SPEC_OPTIONS },
    run(args, io) {
      const threshold = optionalNumber(args, 'threshold') ?? 0.95;
      if (!(threshold > -1 && threshold <= 1))
        throw new CliUsageError(`--threshold must be in (-1, 1], got ${threshold}`);
      const spec = specFrom(args, io);
      return withProject(positional(args, 0, 'project'), projectOptionsFrom(io.dataDir), (project) => {
        const report = findDuplicates(project, spec, threshold);
        return { model: spec.modelId, ...report };
      });
    },
  },
];
