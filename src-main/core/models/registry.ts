import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleError, type BundleManifest } from './manifest';
import { readManifest } from './verify';

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly isStarter: boolean;
  readonly hasText: boolean;
  readonly hasMaskDecoder: boolean;
  readonly dir: string;
  readonly source: 'built-in' | 'user';
}

export interface RegisteredBundle {
  readonly manifest: BundleManifest;
  readonly dir: string;
  readonly source: 'built-in' | 'user';
}

/** A folder that looks like a bundle but whose manifest is broken: listed, never silently dropped. */
export interface BrokenBundle {
  readonly dir: string;
  readonly error: string;
}

/**
 * The built-in `models/` folder: RADIOLABEL_MODELS_DIR, else the first ancestor of this module that has
 * `models/starter/manifest.json` (works from sources and from a build output inside the repo or app).
 */
export function builtInModelsDir(): string {
  const env = process.env.RADIOLABEL_MODELS_DIR;
  if (env) return env;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'models');
    if (existsSync(path.join(candidate, 'starter', 'manifest.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.join(process.cwd(), 'models');
}

/** Where user-installed bundles live inside the app data dir. */
export function userModelsDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}

export function summarize(b: RegisteredBundle): ModelSummary {
  return {
    id: b.manifest.id,
    name: b.manifest.name,
    isStarter: b.manifest.is_starter,
    hasText: b.manifest.text !== undefined,
    hasMaskDecoder: b.manifest.mask_decoder !== undefined,
    dir: b.dir,
    source: b.source,
  };
}

/** Bundles from the built-in dir plus user dirs. A user bundle with a built-in id is reported, not loaded. */
export class ModelRegistry {
  constructor(
    private readonly builtInDir: string,
    private readonly userDirs: readonly string[],
  ) {}

  async scan(): Promise<{ bundles: RegisteredBundle[]; broken: BrokenBundle[] }> {
    const bundles: RegisteredBundle[] = [];
    const broken: BrokenBundle[] = [];
    const roots = [
      { dir: this.builtInDir, source: 'built-in' as const },
      ...this.userDirs.map((dir) => ({ dir, source: 'user' as const })),
    ];
    for (const root of roots) {
      let entries;
      try {
        entries = await readdir(root.dir, { withFileTypes: true });
      } catch {
        continue; // a user dir that does not exist yet simply has no bundles
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const dir = path.join(root.dir, entry.name);
        if (!existsSync(path.join(dir, 'manifest.json'))) continue;
        try {
          const manifest = await readManifest(dir);
          const clash = bundles.find((b) => b.manifest.id === manifest.id);
          if (clash) {
            broken.push({ dir, error: `model id "${manifest.id}" is already provided by ${clash.dir}` });
            continue;
          }
          bundles.push({ manifest, dir, source: root.source });
        } catch (e) {
          broken.push({ dir, error: (e as Error).message });
        }
      }
    }
    return { bundles, broken };
  }

  async list(): Promise<ModelSummary[]> {
    return (await this.scan()).bundles.map(summarize);
  }

  /** By id, or by a folder path holding a manifest. */
  async get(idOrDir: string): Promise<RegisteredBundle> {
    if (idOrDir.includes('/') || idOrDir.includes(path.sep)) {
      const dir = path.resolve(idOrDir);
      return { manifest: await readManifest(dir), dir, source: 'user' };
    }
    const { bundles, broken } = await this.scan();
    const found = bundles.find((b) => b.manifest.id === idOrDir);
    if (found) return found;
    const brokenHint = broken.find((b) => path.basename(b.dir) === idOrDir);
    if (brokenHint) throw new BundleError(idOrDir, 'manifest.json', brokenHint.error);
    const known = bundles.map((b) => b.manifest.id).join(', ') || '(none)';
    throw new BundleError(idOrDir, 'id', `no such model (installed: ${known})`);
  }
}
