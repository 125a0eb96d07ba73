import { appendFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Licence acceptances, one JSON line each in `<dataDir>/licence-acceptances.jsonl`: who accepted which
 * licence, when, for which repository, and through which front end. Append-only; never rewritten.
 */

export interface LicenceAcceptance {
  readonly acceptedAt: string;
  readonly acceptedBy: string;
  readonly via: 'app' | 'cli';
  readonly licence: string;
  readonly licenceName: string;
  readonly licenceUrl: string;
  readonly repo: string;
  readonly catalogueId: string;
}

export function licenceRecordPath(dataDir: string): string {
  return path.join(dataDir, 'licence-acceptances.jsonl');
}

/** The OS account name: "who" for a desktop app without user accounts. */
export function currentUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function recordLicenceAcceptances(
  dataDir: string,
  records: readonly LicenceAcceptance[],
): Promise<void> {
  if (records.length === 0) return;
  await mkdir(dataDir, { recursive: true });
  await appendFile(licenceRecordPath(dataDir), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

export async function readLicenceAcceptances(dataDir: string): Promise<LicenceAcceptance[]> {
  let text: string;
  try {
    text = await readFile(licenceRecordPath(dataDir), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as LicenceAcceptance);
}
