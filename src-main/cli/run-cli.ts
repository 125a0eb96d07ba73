import { parseArgs } from 'node:util';
import { InputIssueSchema, type ApiError, type InputIssue, type ProjectInfo } from '@contract';
import { APP_VERSION, appRootFrom, createRadioLabelService, type ServiceOptions } from '../core/api';
import { CliCallError, cliApi } from './cli-api';
import { CliUsageError, type CliArgs, type CliCommand, type CliContext, type CliVerdict } from './command';
import { progressLines } from './progress';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Exit codes: 0 done, 1 failed (also a job that ended failed, e.g. on a full disk), 2 the input was refused
 * (usage), 3 a job finished but some of its images failed (listed), 130 interrupted (Ctrl-C).
 */
const EXIT = { ok: 0, failed: 1, usage: 2, someFailed: 3, interrupted: 130 } as const;

/** Finds the command whose path is the longest prefix of argv. */
export function matchCommand(
  commands: readonly CliCommand[],
  argv: readonly string[],
): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of commands) {
    const matches = c.path.every((word, i) => argv[i] === word);
    if (matches && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

export function helpText(commands: readonly CliCommand[]): string {
  const lines = [
    `radiolabel ${APP_VERSION} — AI-assisted image annotation (RadioLabel)`,
    '',
    'Usage: radiolabel <command> [options]   (JSON results on stdout, progress on stderr)',
    '',
    'Commands:',
    ...[...commands]
      .sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))
      .map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`),
    '',
    'Options:',
    "  --help        show this help (or a command's help: radiolabel <command> --help)",
    '  --version     print the version',
  ];
  return lines.join('\n');
}

/**
 * Runs one CLI invocation on a service of its own (mode 'cli'), disposed at the end; returns the process
 * exit code. `interrupt` (Ctrl-C) closes the open project, which leaves a running job resumable.
 */
export async function runCli(
  commands: readonly CliCommand[],
  argv: readonly string[],
  out: CliOutput,
  dataDir: string,
  interrupt?: AbortSignal,
  /** Another model catalogue or converters (tests); the shipped ones by default. */
  serviceOptions: Pick<ServiceOptions, 'cataloguePath' | 'modelConverters'> = {},
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out.stdout(helpText(commands));
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    out.stdout(APP_VERSION);
    return EXIT.ok;
  }
  const match = matchCommand(commands, argv);
  if (!match) {
    out.stderr(`radiolabel: unknown command "${argv.join(' ')}". Run radiolabel --help.`);
    return EXIT.usage;
  }
  const { command, rest } = match;
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(`Usage: radiolabel ${command.usage}\n\n${command.summary}`);
    return EXIT.ok;
  }
  const name = `radiolabel ${command.path.join(' ')}`;
  const usage = (message: string): number => {
    out.stderr(`${name}: ${message}\nUsage: radiolabel ${command.usage}`);
    return EXIT.usage;
  };
  let args: CliArgs;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    args = { positionals: parsed.positionals, values: parsed.values };
  } catch (e) {
    return usage((e as Error).message);
  }

  const service = createRadioLabelService({
    dataDir,
    mode: 'cli',
    version: APP_VERSION,
    appRoot: appRootFrom(import.meta.dirname),
    ...serviceOptions,
  });
  const api = cliApi(service);
  const interrupted = new AbortController();
  const cli: CliContext = {
    api,
    progress: (line) => out.stderr(line),
    interrupted: interrupted.signal,
    async inProject<T>(dir: string, fn: (project: ProjectInfo) => Promise<T>): Promise<T> {
      const project = await api.projects.open({ dir });
      try {
        return await fn(project);
      } finally {
        await api.projects.close({});
      }
    },
  };
  const unsubscribe = service.events.subscribe(progressLines((line) => out.stderr(line)));
  // Ctrl-C: the command hears it (an install cancels), and the project closes (a job stays resumable).
  const onInterrupt = (): void => {
    interrupted.abort();
    void service.call('projects', 'close', {});
  };
  interrupt?.addEventListener('abort', onInterrupt, { once: true });
  try {
    const result = await command.run(args, cli);
    out.stdout(JSON.stringify(result, null, 2));
    const verdict = command.verdict?.(result) ?? { kind: 'ok' };
    if (verdict.kind !== 'ok') out.stderr(`${name}: ${verdict.message}`);
    return exitCodeOf(verdict);
  } catch (e) {
    if (e instanceof CliUsageError) return usage(e.message);
    if (!(e instanceof CliCallError)) {
      out.stderr(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.failed;
    }
    const message = describeError(e.error, command, args);
    switch (e.error.code) {
      case 'invalid_input':
      case 'out_of_vocabulary':
        return usage(message);
      case 'cancelled':
        out.stderr(`${name}: ${message}`);
        return EXIT.interrupted;
      default:
        out.stderr(`${name}: ${message}`);
        return EXIT.failed;
    }
  } finally {
    interrupt?.removeEventListener('abort', onInterrupt);
    unsubscribe();
    await service.dispose();
  }
}

function exitCodeOf(verdict: CliVerdict): number {
  switch (verdict.kind) {
    case 'ok':
      return EXIT.ok;
    case 'failed':
      return EXIT.failed;
    case 'some_failed':
      return EXIT.someFailed;
  }
}

/** A refused input names the flag it came from; any other error is the service's own message. */
function describeError(error: ApiError, command: CliCommand, args: CliArgs): string {
  const issues = InputIssueSchema.array().safeParse(
    (error.details as { issues?: unknown } | undefined)?.issues,
  );
  if (error.code !== 'invalid_input' || !issues.success || issues.data.length === 0) return error.message;
  return issues.data.map((issue) => describeIssue(issue, command, args)).join('; ');
}

function describeIssue(issue: InputIssue, command: CliCommand, args: CliArgs): string {
  const where = fieldSource(issue.path, command.fields ?? {});
  const isFlag = where.startsWith('--');
  if (/received undefined$/.test(issue.message)) {
    return isFlag ? `missing required option ${where}` : `missing ${where}`;
  }
  const typed = isFlag ? args.values[where.slice(2)] : undefined;
  return `${where}: ${issue.message}${typeof typed === 'string' ? ` (got "${typed}")` : ''}`;
}

/** The flag or argument of an input path: the longest mapped prefix, else the path itself. */
function fieldSource(path: readonly (string | number)[], fields: Readonly<Record<string, string>>): string {
  for (let n = path.length; n > 0; n--) {
    const source = fields[path.slice(0, n).join('.')];
    if (source !== undefined) return source;
  }
  return path.length > 0 ? path.join('.') : 'input';
}
