import type { CliCommand } from '../command';
import { projectCommands } from './project';
import { labelsCommands } from './labels';
import { segmentCommands } from './segment';
import { modelsCommands } from './models';
import { jobCommands } from './jobs';
import { reviewCommands } from './review';
import { searchCommands } from './search';
import { transferCommands } from './transfer';

/**
 * Every subcommand, registered here once: one import and one spread per module. A command maps its
 * arguments to contract inputs and calls the service; it never reaches into core.
 */
export const allCommands: readonly CliCommand[] = [
  ...projectCommands,
  ...labelsCommands,
  ...segmentCommands,
  ...modelsCommands,
  ...jobCommands,
  ...reviewCommands,
  ...searchCommands,
  ...transferCommands,
];
