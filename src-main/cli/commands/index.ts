import type { CliCommand } from '../command';
import { importCommands } from './import';
import { infoCommands } from './info';
import { labelsCommands } from './labels';
import { projectCommands } from './project';

/**
 * Every subcommand, registered here once. Each feature folder adds its commands with a single line, so
 * keep one import + one spread per module.
 */
export const allCommands: readonly CliCommand[] = [
  ...projectCommands,
  ...importCommands,
  ...labelsCommands,
  ...infoCommands,
];
