import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = path.join(import.meta.dirname, 'fixtures', 'model-load-child.ts');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Every file and folder under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** A model load in a fresh process whose HOME and TMPDIR are empty temp folders (and no CI markers). */
function loadModelInChild(settings: Record<string, unknown> | undefined): { home: string[]; tmp: string[] } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-telemetry-'));
  roots.push(root);
  const [home, tmp, data] = ['home', 'tmp', 'data'].map((d) => path.join(root, d)) as [
    string,
    string,
    string,
  ];
  for (const d of [home, tmp, data]) mkdirSync(d);
  if (settings) writeFileSync(path.join(data, 'settings.json'), JSON.stringify(settings));
  // onnxruntime also stays quiet when it sees a CI variable: leave those out, or the test proves nothing.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TMPDIR: tmp, TSX_DISABLE_CACHE: '1' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, data], {
    env,
    cwd: path.resolve(import.meta.dirname, '../../../..'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ inputs: ['pixel_values'] });
  return { home: tree(home), tmp: tree(tmp) };
}

describe('onnxruntime telemetry', () => {
  it('is off by default: a model load leaves nothing in HOME or TMPDIR', () => {
    expect(loadModelInChild(undefined)).toEqual({ home: [], tmp: [] });
  });

  it('is on only when the user opts in (setting onnxRuntimeTelemetry)', () => {
    const left = loadModelInChild({ onnxRuntimeTelemetry: true });
    // What onnxruntime writes when allowed: the check above is able to see it.
    expect(left.home).toContain(path.join('.cache', 'Microsoft'));
    expect(left.tmp.some((f) => /^mat-debug-\d+\.log$/.test(f))).toBe(true);
  });
});
