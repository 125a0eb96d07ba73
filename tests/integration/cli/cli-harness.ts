import { allCommands } from '../../../src-main/cli/commands';
import { runCli } from '../../../src-main/cli/run-cli';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One `radiolabel …` invocation in this process, with stdout and stderr captured. */
export async function radiolabel(dataDir: string, argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    allCommands,
    argv,
    { stdout: (t) => (stdout += `${t}\n`), stderr: (t) => (stderr += `${t}\n`) },
    dataDir,
  );
  return { code, stdout, stderr };
}
