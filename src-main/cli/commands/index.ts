import type { CliCommand } from '../command';

/**
 * Every subcommand, registered here once. Each feature folder adds its commands with a single line, so
 * keep one import + one spread per module.
 */
export const allCommands: readonly CliCommand[] = [];
