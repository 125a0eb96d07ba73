// better-sqlite3 is a native module: Node (tests, CLI, browser mode) and Electron's main process need it
// built for different ABIs. A marker file records which one node_modules holds, so that `npm start`
// (Electron) and `npm test` (Node) each switch it back only when needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const marker = path.join(root, 'node_modules', '.radiolabel-sqlite-abi');

export function currentAbi() {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node';
}

/** Rebuilds better-sqlite3 for Electron `version` (needs the network once: Electron's headers). */
export function ensureElectronAbi(version) {
  const wanted = `electron-${version}`;
  if (currentAbi() === wanted) return true;
  console.log(`[radiolabel] building better-sqlite3 for Electron ${version}…`);
  const r = spawnSync('npx', ['--yes', '@electron/rebuild', '-f', '-w', 'better-sqlite3', '-v', version], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) return false;
  writeFileSync(marker, wanted);
  return true;
}

/** Puts back the Node build (before tests). */
export function ensureNodeAbi() {
  if (currentAbi() === 'node') return true;
  console.log('[radiolabel] rebuilding better-sqlite3 for Node…');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) return false;
  rmSync(marker, { force: true });
  return true;
}

if (process.argv[2] === '--node') process.exit(ensureNodeAbi() ? 0 : 1);
