import { parseArgs } from 'node:util';
import { toApiError } from '../core/errors';
import { APP_VERSION } from '../core/version';
import { CliUsageError, type CliCommand, type CliIo } from './command';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

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

/** Runs one CLI invocation; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(
  commands: readonly CliCommand[],
  argv: readonly string[],
  out: CliOutput,
  dataDir: string,
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out.stdout(helpText(commands));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    out.stdout(APP_VERSION);
    return 0;
  }
  const match = matchCommand(commands, argv);
  if (!match) {
    out.stderr(`radiolabel: unknown command "${argv.join(' ')}". Run radiolabel --help.`);
    return 2;
  }
  const { command, rest } = match;
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(`Usage: radiolabel ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const io: CliIo = { dataDir, progress: (m) => out.stderr(m) };
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const result = await command.run({ positionals: parsed.positionals, values: parsed.values }, io);
    out.stdout(JSON.stringify(result, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof CliUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      out.stderr(
        `radiolabel ${command.path.join(' ')}: ${(e as Error).message}\nUsage: radiolabel ${command.usage}`,
      );
      return 2;
    }
    const apiError = toApiError(e);
    out.stderr(`radiolabel ${command.path.join(' ')}: ${apiError.message}`);
    return 1;
  }
}
