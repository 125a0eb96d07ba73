import os from 'node:os';
import path from 'node:path';

/**
 * The per-user app data dir (settings, recent projects, user model bundles). RADIOLABEL_DATA_DIR overrides
 * it, which is how tests and CI keep every run in a temp dir.
 */
export function defaultDataDir(): string {
  const override = process.env.RADIOLABEL_DATA_DIR;
  if (override) return path.resolve(override);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'RadioLabel');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'RadioLabel');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'RadioLabel');
  }
}

/** The repository / app root: where `models/` and `resources/` live (two levels above src-main/core or out/main). */
export function appRootFrom(moduleDir: string): string {
  return path.resolve(moduleDir, '..', '..');
}
