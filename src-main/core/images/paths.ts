import path from 'node:path';

/**
 * Image paths are stored relative to the project folder (with "/" separators) whenever such a path exists
 * (same drive), so that a project moved together with its images still resolves; otherwise absolute.
 */
export function toStoredPath(projectDir: string, file: string): string {
  const rel = path.relative(path.resolve(projectDir), path.resolve(file));
  if (rel === '' || path.isAbsolute(rel)) return path.resolve(file);
  return rel.split(path.sep).join('/');
}

export function fromStoredPath(projectDir: string, stored: string): string {
  return path.resolve(projectDir, stored);
}

/** True when `candidate` lies inside `root` (after resolving "..", not following symlinks). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
