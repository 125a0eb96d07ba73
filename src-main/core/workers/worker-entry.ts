import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** How to start a worker: a file (built output) or a small eval'd bootstrap (TypeScript sources). */
export type WorkerEntry = { kind: 'file'; url: URL } | { kind: 'eval'; code: string };

/**
 * The entry of worker `<name>` whose source lies next to the module at `moduleUrl`. Built output: the
 * `override` path (an environment variable), else `<name>.js` next to that module or one folder up (a
 * bundler may put the module in a `chunks/` folder; the build must emit the worker as its own entry).
 * Sources (tests, tsx): the `.ts` file loaded with tsx's `tsImport`, because `--import tsx` in a worker's
 * execArgv does not apply to the worker entry on Node 20.
 */
export function resolveWorkerEntry(moduleUrl: string, name: string, override?: string): WorkerEntry {
  if (override) return { kind: 'file', url: pathToFileURL(path.resolve(override)) };
  for (const rel of [`./${name}.js`, `../${name}.js`]) {
    const js = new URL(rel, moduleUrl);
    if (existsSync(fileURLToPath(js))) return { kind: 'file', url: js };
  }
  const ts = new URL(`./${name}.ts`, moduleUrl);
  if (!existsSync(fileURLToPath(ts))) {
    throw new Error(
      `${name} not found next to ${fileURLToPath(moduleUrl)} (build it as ${name}.js, or set its override variable)`,
    );
  }
  const tsxDir = path.dirname(createRequire(moduleUrl).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  return {
    kind: 'eval',
    code: `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(ts.href)}, ${JSON.stringify(api)}));`,
  };
}

export function startWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  return entry.kind === 'file'
    ? new Worker(entry.url, options)
    : new Worker(entry.code, { ...options, eval: true });
}
