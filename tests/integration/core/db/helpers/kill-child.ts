import { spawn } from 'node:child_process';
import path from 'node:path';

export interface KilledRun {
  readonly lines: string[];
  readonly killed: boolean;
}

/** How long a child may take to print its first line before the test fails (instead of hanging). */
const FIRST_LINE_TIMEOUT_MS = 60_000;

/** A prebuilt `.mjs` child runs on plain node; a `.ts` one through tsx (one transpile per start). */
function nodeArgs(script: string, args: readonly string[]): string[] {
  const file = path.resolve(script);
  return [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file, ...args];
}

/**
 * Runs a child, waits for its first output line, lets it run `afterFirstLineMs` more, then SIGKILLs it.
 * Returns the complete lines it printed.
 */
export function runAndKill(
  script: string,
  args: readonly string[],
  afterFirstLineMs: number,
  options: { uid?: number; gid?: number } = {},
): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(script, args), {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const silent = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} printed nothing in ${FIRST_LINE_TIMEOUT_MS} ms: ${err}`));
    }, FIRST_LINE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!timer && out.includes('\n')) {
        clearTimeout(silent);
        timer = setTimeout(() => child.kill('SIGKILL'), afterFirstLineMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(silent);
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`child exited with ${code}: ${err}`));
        return;
      }
      // Only complete lines count: a line cut by the kill was never fully reported.
      const lines = out.split('\n').slice(0, -1);
      resolve({ lines, killed: signal === 'SIGKILL' });
    });
  });
}

/** Runs a child to completion and returns its output. */
export function runToEnd(
  script: string,
  args: readonly string[],
  options: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(script, args), {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
