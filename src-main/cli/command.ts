import type { ParseArgsConfig } from 'node:util';
import {
  type ApiGroup,
  type ApiSpec,
  type LabelId,
  type MethodInput,
  type MethodOutput,
  type ProjectInfo,
} from '@contract';

/**
 * One `radiolabel <name>` subcommand: it turns its arguments into contract inputs, calls the service
 * through `cli.api` (validated by the contract's schemas, like every other adapter), and returns what to
 * print as JSON on stdout. Progress goes to stderr by itself (the runner prints the service's events).
 */
export interface CliCommand {
  /** Words after `radiolabel`, e.g. `['models', 'list']` or `['import']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Usage line(s) shown by `--help`, without the leading `radiolabel `. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Which flag or argument each contract input field comes from (dotted path, e.g. `params.minScore` →
   * `--min-score`), so that a validation error names what the user typed.
   */
  readonly fields?: Readonly<Record<string, string>>;
  run(args: CliArgs, cli: CliContext): Promise<unknown>;
  /**
   * Whether a result that was printed still means a failure (a job run that ended failed, or with failed
   * images): then its message goes to stderr and the exit code says so. Default: every result is success.
   */
  verdict?(result: unknown): CliVerdict;
}

/** What a printed result means for the exit code: 0, 1 (failed) or 3 (finished, some items failed). */
export type CliVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'some_failed'; readonly message: string };

export interface CliArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

/** The contract as plain async functions: a failure is thrown as a CliCallError. */
export type CliApi = {
  readonly [G in ApiGroup]: {
    readonly [M in keyof ApiSpec[G]]: (input: MethodInput<G, M>) => Promise<MethodOutput<G, M>>;
  };
};

export interface CliContext {
  readonly api: CliApi;
  /** Opens the project in `dir`, runs `fn` on it, and closes it again (also when `fn` fails). */
  inProject<T>(dir: string, fn: (project: ProjectInfo) => Promise<T>): Promise<T>;
  /** A line for a person on stderr (stdout is the JSON result). */
  progress(line: string): void;
  /** Aborted by Ctrl-C: a command with work to cancel (an install) listens to it. */
  readonly interrupted: AbortSignal;
}

/** An error the user caused (bad flag, missing argument): printed with the usage line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function positional(args: CliArgs, index: number, what: string): string {
  const v = args.positionals[index];
  if (v === undefined) throw new CliUsageError(`missing argument <${what}>`);
  return v;
}

/** The positionals from `index` on, at least one. */
export function positionalList(args: CliArgs, index: number, what: string, hint = ''): string[] {
  const list = args.positionals.slice(index);
  if (list.length === 0) throw new CliUsageError(`missing argument <${what}>${hint}`);
  return list;
}

export function stringFlag(args: CliArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringList(args: CliArgs, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A number flag as typed (NaN for text): the contract schema says what is allowed. */
export function numberFlag(args: CliArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  return v === undefined ? undefined : Number(v);
}

/**
 * A required value passed on as typed, possibly absent: the contract schema refuses it then, and the runner
 * reports "missing required option --x" (one rule for every required flag, not a check per command).
 */
export function checkedByContract<T>(value: T | undefined): T {
  return value as T;
}

/** `--model` and `--resolution`, shared by the commands that work on a project's embeddings. */
export const SPEC_OPTIONS = { model: { type: 'string' }, resolution: { type: 'string' } } as const;

/** The model a command works with: --model, else the settings' model (the starter bundle by default). */
export async function modelSpec(
  args: CliArgs,
  cli: CliContext,
): Promise<{ modelId: string; resolution?: number }> {
  const modelId = stringFlag(args, 'model') ?? (await cli.api.settings.get({})).modelId ?? 'starter';
  const resolution = numberFlag(args, 'resolution');
  return { modelId, ...(resolution === undefined ? {} : { resolution }) };
}

/** A label of the open project by name, or a usage error listing the labels there are. */
export async function labelByName(
  cli: CliContext,
  name: string,
  flag: string,
): Promise<{ id: LabelId; name: string }> {
  const labels = await cli.api.labels.list({});
  const label = labels.find((l) => l.name === name.trim());
  if (!label) {
    throw new CliUsageError(
      `${flag}: no label "${name}" in this project (labels: ${labels.map((l) => l.name).join(', ') || 'none'})`,
    );
  }
  return label;
}
