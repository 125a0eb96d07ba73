// `npm start`: build if needed, then run Electron where its binary is present, else browser mode.
// `npm run serve` (--browser): always browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureElectronAbi, ensureNodeAbi } from './native-abi.mjs';

const root = path.resolve(import.meta.dirname, '..');
const forceBrowser = process.argv.includes('--browser');
const built = [
  'out/main/main.js',
  'out/main/serve.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
].every((f) => existsSync(path.join(root, f)));

if (!built || process.argv.includes('--rebuild')) {
  console.log('[radiolabel] building the app (first run)…');
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, or the reason it is unavailable. */
function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('electron/package.json'));
    const pathTxt = path.join(dir, 'path.txt');
    if (!existsSync(pathTxt)) return { reason: 'the Electron binary was never downloaded (offline install)' };
    const bin = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
    if (!existsSync(bin)) return { reason: `the Electron binary is missing at ${bin}` };
    const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    if (!ensureElectronAbi(version)) return { reason: 'better-sqlite3 could not be rebuilt for Electron' };
    return { bin };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

const run = (cmd, args) => {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
};

const electron = forceBrowser ? { reason: 'browser mode was asked for' } : electronBinary();
if (electron.bin) {
  run(electron.bin, ['.']);
} else {
  if (!forceBrowser) console.log(`[radiolabel] ${electron.reason}: starting browser mode instead.`);
  if (!ensureNodeAbi()) process.exit(1);
  run(process.execPath, [path.join(root, 'out/main/serve.js')]);
}
