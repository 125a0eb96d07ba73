import type { CliCommand } from '../command';
import { importCommands } from './import';
import { infoCommands } from './info';
import { labelsCommands } from './labels';
import { projectCommands } from './project';
import { segmentCommands } from './segment';
import { modelsCommands } from './models';
import { embedCommands } from './embed';
import { tagCommands } from './tag';
import { exportCommands } from './export';
import { importAnnotationsCommands } from './import-annotations';
import { autoLabelCommands } from './auto-label';
import { propagateCommands } from './propagate';
import { similarCommands } from './similar';
import { duplicatesCommands } from './duplicates';
import { jobsCommands } from './jobs';

/**
 * Every subcommand, registered here once. Each feature folder adds its commands with a single line, so
 * keep one import + one spread per module.
 */
export const allCommands: readonly CliCommand[] = [
  ...projectCommands,
  ...importCommands,
  ...labelsCommands,
  ...infoCommands,
  ...segmentCommands,
  ...modelsCommands,
  ...embedCommands,
  ...tagCommands,
  ...exportCommands,
  ...importAnnotationsCommands,
  ...autoLabelCommands,
  ...propagateCommands,
  ...similarCommands,
  ...duplicatesCommands,
  ...jobsCommands,
];
