import { defaultDataDir } from '../core/api';
import { allCommands } from './commands';
import { runCli } from './run-cli';

// Ctrl-C closes the open project (a running job stays resumable) and the command ends with exit code 130.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
const code = await runCli(
  allCommands,
  process.argv.slice(2),
  { stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`) },
  defaultDataDir(),
  interrupt.signal,
);
process.exitCode = code;
