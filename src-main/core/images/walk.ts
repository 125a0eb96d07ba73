import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_EXTENSIONS, UNSUPPORTED_IMAGE_EXTENSIONS } from './formats';

export type WalkEntry =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'skipped'; readonly path: string; readonly reason: string };

export interface WalkOptions {
  /** Real paths of folders never entered (the project's own cache folder, for one). */
  readonly excludeDirs?: readonly string[];
}

/**
 * Expands files and folders (recursively, following symlinks) into candidate image files, in sorted
 * order. Files named explicitly are always candidates; inside folders only image extensions are, image
 * formats we do not import come out as skipped with the reason, and hidden entries are ignored. Problems (missing paths, broken links, symlink loops, unreadable folders)
 * come out as skipped entries instead of stopping the walk.
 */
export async function* walkImagePaths(
  inputs: readonly string[],
  options: WalkOptions = {},
): AsyncGenerator<WalkEntry> {
  const excluded = new Set(options.excludeDirs ?? []);
  for (const input of inputs) {
    const abs = path.resolve(input);
    const kind = await classify(abs);
    if (kind.kind === 'error') yield { kind: 'skipped', path: abs, reason: kind.reason };
    else if (kind.kind === 'file') yield { kind: 'file', path: abs };
    else if (kind.kind === 'other')
      yield { kind: 'skipped', path: abs, reason: 'not a regular file or folder' };
    else yield* walkDir(abs, [], excluded);
  }
}

type Classified = { kind: 'file' } | { kind: 'dir' } | { kind: 'other' } | { kind: 'error'; reason: string };

async function classify(abs: string): Promise<Classified> {
  try {
    const l = await lstat(abs);
    if (l.isSymbolicLink()) {
      try {
        const target = await stat(abs);
        return target.isDirectory()
          ? { kind: 'dir' }
          : target.isFile()
            ? { kind: 'file' }
            : { kind: 'other' };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') return { kind: 'error', reason: 'symlink loop: the link resolves to itself' };
        if (code === 'ENOENT') return { kind: 'error', reason: 'broken symlink: its target does not exist' };
        return { kind: 'error', reason: `cannot follow symlink: ${errnoText(e)}` };
      }
    }
    return l.isDirectory() ? { kind: 'dir' } : l.isFile() ? { kind: 'file' } : { kind: 'other' };
  } catch (e) {
    return { kind: 'error', reason: errnoText(e) };
  }
}

async function* walkDir(
  dir: string,
  ancestors: readonly string[],
  excluded: ReadonlySet<string>,
): AsyncGenerator<WalkEntry> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    yield { kind: 'skipped', path: dir, reason: errnoText(e) };
    return;
  }
  if (excluded.has(real)) return;
  if (ancestors.includes(real)) {
    yield { kind: 'skipped', path: dir, reason: `symlink loop: this folder is ${real}, which contains it` };
    return;
  }
  const entries: { name: string; kind: Classified | undefined }[] = [];
  try {
    const handle = await opendir(dir);
    for await (const entry of handle) {
      if (entry.name.startsWith('.')) continue;
      // The directory entry already says file or folder; only links (and unknown types) need a stat.
      const known: Classified | undefined = entry.isFile()
        ? { kind: 'file' }
        : entry.isDirectory()
          ? { kind: 'dir' }
          : undefined;
      entries.push({ name: entry.name, kind: known });
    }
  } catch (e) {
    yield { kind: 'skipped', path: dir, reason: `cannot read folder: ${errnoText(e)}` };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chain = [...ancestors, real];
  for (const { name, kind: known } of entries) {
    const child = path.join(dir, name);
    const kind = known ?? (await classify(child));
    switch (kind.kind) {
      case 'file': {
        const ext = path.extname(name).toLowerCase();
        if (IMAGE_EXTENSIONS.has(ext)) yield { kind: 'file', path: child };
        else if (Object.hasOwn(UNSUPPORTED_IMAGE_EXTENSIONS, ext))
          yield { kind: 'skipped', path: child, reason: UNSUPPORTED_IMAGE_EXTENSIONS[ext]! };
        break;
      }
      case 'dir':
        yield* walkDir(child, chain, excluded);
        break;
      case 'error':
        yield { kind: 'skipped', path: child, reason: kind.reason };
        break;
      case 'other':
        break;
    }
  }
}

/** "permission denied (EACCES)" rather than Node's "EACCES: permission denied, open '/x'". */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'does not exist',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a folder',
    ELOOP: 'symlink loop',
    EIO: 'input/output error (damaged disk or disconnected drive?)',
  };
  if (err.code && known[err.code]) return `${known[err.code]} (${err.code})`;
  return err.message ?? String(e);
}
