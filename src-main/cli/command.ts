import type { ParseArgsConfig } from 'node:util';

/**
 * One `radiolabel <name>` subcommand. Commands print their JSON result to stdout (the runner does that) and
 * progress to stderr through `io.progress`, so that stdout stays machine-readable.
 */
export interface CliCommand {
  /** Words after `radiolabel`, e.g. `['models', 'list']` or `['import']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Usage line(s) shown by `--help`, without the leading `radiolabel `. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: CliArgs, io: CliIo): Promise<unknown>;
}

export interface CliArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

export interface CliIo {
  /** A progress line on stderr (never stdout). */
  progress(message: string): void;
  readonly dataDir: string;
}

/** An error the user caused (bad flag, missing file): printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function requireString(args: CliArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== 'string' || v.length === 0) throw new CliUsageError(`missing required option --${name}`);
  return v;
}

export function optionalString(args: CliArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringList(args: CliArgs, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

export function positional(args: CliArgs, index: number, what: string): string {
  const v = args.positionals[index];
  if (v === undefined) throw new CliUsageError(`missing argument <${what}>`);
  return v;
}

export function optionalNumber(args: CliArgs, name: string): number | undefined {
  const v = optionalString(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliUsageError(`--${name} must be a number, got "${v}"`);
  return n;
}
