import { defaultDataDir } from '../core/paths';
import { allCommands } from './commands';
import { runCli } from './run-cli';

const code = await runCli(
  allCommands,
  process.argv.slice(2),
  { stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`) },
  defaultDataDir(),
);
process.exitCode = code;
