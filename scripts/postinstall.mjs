// Electron >= 42 has no install script of its own: we try to fetch its binary here so that a user with
// internet gets a working `npm start`, but never fail the install when the download is impossible
// (offline machines, CI). Browser mode works without the binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const skip = process.env.CI || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD;
if (skip) {
  console.log('[radiolabel] skipping the Electron binary download (CI or ELECTRON_SKIP_BINARY_DOWNLOAD set)');
  process.exit(0);
}

let installScript;
try {
  const require = createRequire(import.meta.url);
  installScript = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0);
}
if (!existsSync(installScript)) process.exit(0);

const result = spawnSync(process.execPath, [installScript], { stdio: 'inherit', timeout: 120_000 });
if (result.status !== 0) {
  console.warn(
    '[radiolabel] warning: the Electron binary could not be downloaded; `npm start` will fall back to browser mode.',
  );
}
process.exit(0);
