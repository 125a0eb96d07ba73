import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRadioLabelService } from '../src-main/core/api';
import { startBrowserServer, TOKEN_HEADER } from '../src-main/server/browser-server';
import { percentile, timeRuns, type BenchRow } from './bench-kit';

/** Round trip of one small contract call through browser mode (the floor under every UI request). */
export default async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-bench-'));
  const service = createRadioLabelService({
    dataDir,
    mode: 'browser',
    version: 'bench',
    appRoot: process.cwd(),
  });
  const server = await startBrowserServer({ service });
  try {
    const call = () =>
      fetch(`${server.origin}/api/settings/appInfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
        body: '{}',
      }).then((r) => r.json());
    const ms = await timeRuns(call, 300, 20);
    return [
      { bench: 'server', case: 'HTTP contract call p50', value: percentile(ms, 50), unit: 'ms' },
      { bench: 'server', case: 'HTTP contract call p95', value: percentile(ms, 95), unit: 'ms' },
    ];
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
