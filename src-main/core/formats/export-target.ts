import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type IfExists } from '@contract';
import { ConflictError, InvalidInputError } from '../db/errors';

/** What the error of an occupied output folder carries, so the UI can offer its choices. */
export interface FolderNotEmptyDetails {
  readonly reason: 'folder_not_empty';
  readonly dir: string;
  readonly entries: number;
}

/**
 * Runs an export into `outDir` under the user's choice for an existing, non-empty folder:
 * - 'fail': a ConflictError whose details are FolderNotEmptyDetails;
 * - 'subfolder': a new folder inside it, named after the project, format and time (never an existing one);
 * - 'replace': export beside it first; only once that succeeded is the old folder swapped out and deleted,
 *   so a failed export never costs the old one. Folders that hold the project (or the home or a root
 *   folder) are never replaced.
 */
export async function exportWithPolicy<R>(
  outDir: string,
  ifExists: IfExists,
  naming: {
    readonly projectDir: string;
    readonly projectName: string;
    readonly format: string;
    readonly now: Date;
  },
  run: (dir: string) => Promise<R>,
): Promise<R> {
  const dir = path.resolve(outDir);
  const entries = await nonEmptyFolder(dir);
  if (entries === 0) return run(dir);
  switch (ifExists) {
    case 'fail': {
      const details: FolderNotEmptyDetails = { reason: 'folder_not_empty', dir, entries };
      throw new ConflictError(
        `the output folder ${dir} is not empty (${entries} ${entries === 1 ? 'entry' : 'entries'}): export into a new subfolder, or replace its content`,
        details,
      );
    }
    case 'subfolder':
      return run(await freeSubfolder(dir, naming));
    case 'replace':
      assertReplaceable(dir, naming.projectDir);
      return replaceFolder(dir, run);
  }
}

/** Number of entries of an existing folder; 0 when it does not exist or is empty. */
async function nonEmptyFolder(dir: string): Promise<number> {
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new InvalidInputError('outDir', `${dir} exists and is not a folder`);
    return (await fs.readdir(dir)).length;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}

async function freeSubfolder(
  dir: string,
  naming: { readonly projectName: string; readonly format: string; readonly now: Date },
): Promise<string> {
  const stamp = naming.now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const safeName = naming.projectName.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80) || 'export';
  const base = `${safeName}-${naming.format}-${stamp}`;
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, i === 1 ? base : `${base}-${i}`);
    try {
      await fs.access(candidate);
    } catch {
      return candidate;
    }
  }
}

function assertReplaceable(dir: string, projectDir: string): void {
  const project = path.resolve(projectDir);
  const inside = (child: string, parent: string) =>
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  if (inside(project, dir)) {
    throw new InvalidInputError('outDir', `${dir} holds the project itself: it cannot be replaced`);
  }
  if (dir === path.parse(dir).root || dir === path.resolve(os.homedir())) {
    throw new InvalidInputError('outDir', `${dir} is a root or home folder: it cannot be replaced`);
  }
}

async function replaceFolder<R>(dir: string, run: (dir: string) => Promise<R>): Promise<R> {
  const parent = path.dirname(dir);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const staged = path.join(parent, `.${path.basename(dir)}.new-${tag}`);
  const old = path.join(parent, `.${path.basename(dir)}.old-${tag}`);
  let result: R;
  try {
    result = await run(staged);
  } catch (e) {
    await fs.rm(staged, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await fs.rename(dir, old);
  await fs.rename(staged, dir);
  await fs.rm(old, { recursive: true, force: true });
  return retarget(result, staged, dir);
}

/** The export reports the folder it wrote; after the swap that folder has the user's name. */
function retarget<R>(result: R, from: string, to: string): R {
  if (result && typeof result === 'object' && 'outDir' in result && result.outDir === from) {
    return { ...result, outDir: to };
  }
  return result;
}
