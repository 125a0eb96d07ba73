import { spawn } from 'node:child_process';
import path from 'node:path';

export interface KilledRun {
  readonly lines: string[];
  readonly killed: boolean;
}

/**
 * Runs a TypeScript helper in a child (`node --import tsx`), waits for its first output line, lets it run
 * `afterFirstLineMs` more, then SIGKILLs it. Returns the complete lines it printed.
 */
export function runAndKill(
  script: string,
  args: readonly string[],
  afterFirstLineMs: number,
  options: { uid?: number; gid?: number } = {},
): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!timer && out.includes('\n')) timer = setTimeout(() => child.kill('SIGKILL'), afterFirstLineMs);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
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

/** Runs a helper to completion and returns its stdout. */
export function runToEnd(
  script: string,
  args: readonly string[],
  options: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(script), ...args], {
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
