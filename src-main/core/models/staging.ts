import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Work folders inside the models dir (`.partial-<id>-<random>`): an install downloads and converts there and
 * renames the finished bundle out. Each carries an `.owner` file (pid, host) so that a sweep at start removes
 * only what a dead process left: the app and a CLI may install into the same data dir at once.
 */

export const STAGING_PREFIX = '.partial-';
/** Transient names from earlier versions and from publish/remove renames; swept the same way. */
const SWEPT_PREFIXES = [STAGING_PREFIX, '.import-', '.old-', '.removing-', '.manifest-'];
const OWNER_FILE = '.owner';

interface Owner {
  readonly pid: number;
  readonly host: string;
}

export async function createStaging(modelsDir: string, label: string): Promise<string> {
  await mkdir(modelsDir, { recursive: true });
  const dir = path.join(modelsDir, `${STAGING_PREFIX}${label}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  const owner: Owner = { pid: process.pid, host: os.hostname() };
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

async function ownedByLiveProcess(dir: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return owner.host === os.hostname() && typeof owner.pid === 'number' && alive(owner.pid);
  } catch {
    return false;
  }
}

/** Removes work folders and scratch files that no live process owns; returns their names. */
export async function sweepStaleStaging(modelsDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(modelsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    if (!SWEPT_PREFIXES.some((p) => e.name.startsWith(p))) continue;
    const full = path.join(modelsDir, e.name);
    if (e.isDirectory() && (await ownedByLiveProcess(full))) continue;
    await rm(full, { recursive: true, force: true });
    removed.push(e.name);
  }
  return removed;
}
