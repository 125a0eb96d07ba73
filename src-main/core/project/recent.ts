import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RecentProjectSchema, type RecentProject } from '@contract';
import { IoError } from '../db/errors';

export const RECENT_PROJECTS_FILE = 'recent-projects.json';
export const MAX_RECENT_PROJECTS = 20;

const RecentListSchema = z.array(RecentProjectSchema);

/**
 * The recent-projects list: a JSON file in the app data dir (passed in, never guessed). A damaged file
 * reads as an empty list rather than blocking the app; it is replaced on the next write.
 */
export function readRecentProjects(dataDir: string): RecentProject[] {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, RECENT_PROJECTS_FILE), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = RecentListSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Moves (or adds) `dir` to the front of the list, keeping at most MAX_RECENT_PROJECTS entries. */
export function touchRecentProject(
  dataDir: string,
  entry: { dir: string; name: string },
  now = new Date(),
): RecentProject[] {
  const dir = path.resolve(entry.dir);
  const rest = readRecentProjects(dataDir).filter((p) => path.resolve(p.dir) !== dir);
  const next = [{ dir, name: entry.name, openedAt: now.toISOString() }, ...rest].slice(
    0,
    MAX_RECENT_PROJECTS,
  );
  writeRecent(dataDir, next);
  return next;
}

export function forgetRecentProject(dataDir: string, dir: string): RecentProject[] {
  const abs = path.resolve(dir);
  const next = readRecentProjects(dataDir).filter((p) => path.resolve(p.dir) !== abs);
  writeRecent(dataDir, next);
  return next;
}

function writeRecent(dataDir: string, list: RecentProject[]): void {
  const file = path.join(dataDir, RECENT_PROJECTS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(list, null, 2));
    renameSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new IoError(
        'disk_full',
        `the disk is full: cannot write the recent-projects list ${file}; free some space and retry`,
      );
    }
    throw new IoError('read_only', `cannot write the recent-projects list ${file}: ${(e as Error).message}`);
  }
}
