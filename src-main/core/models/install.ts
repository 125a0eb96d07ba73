import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { downloadFile, DownloadError, type FileProgress } from './download';
import { BundleError, manifestFiles, parseManifest, type BundleManifest } from './manifest';
import { readManifest, verifyBundleFiles } from './verify';

export interface InstallOptions {
  /** The user models dir (`<dataDir>/models`). */
  readonly modelsDir: string;
  /** Replace an installed bundle with the same id (else that is an error). */
  readonly replace?: boolean;
  /** Extra check before the bundle goes live, e.g. graph names/ranks through the inference worker. */
  readonly verifyGraphs?: (dir: string, manifest: BundleManifest) => Promise<void>;
  /** Ids taken by built-in bundles: a user bundle may not shadow them. */
  readonly reservedIds?: readonly string[];
}

export interface DownloadBundleOptions extends InstallOptions {
  /** Mirror base URL: `<mirror>/<bundle folder>/<file>` is tried before the original URL. */
  readonly mirrorBaseUrl?: string;
  readonly onProgress?: (p: FileProgress & { fileIndex: number; fileCount: number }) => void;
  readonly signal?: AbortSignal;
  readonly retryDelayMs?: number;
}

export interface InstalledBundle {
  readonly id: string;
  readonly dir: string;
}

/** Candidate URLs for a file of the bundle whose manifest is at `manifestUrl`: mirror first. */
export function candidateUrls(manifestUrl: string, file: string, mirrorBaseUrl?: string): string[] {
  const original = new URL(file, manifestUrl).href;
  if (!mirrorBaseUrl) return [original];
  const folder = path.posix.basename(path.posix.dirname(new URL(manifestUrl).pathname));
  const mirror = `${mirrorBaseUrl.replace(/\/+$/, '')}/${folder}/${file}`;
  return mirror === original ? [original] : [mirror, original];
}

function checkReserved(m: BundleManifest, o: InstallOptions): void {
  if (o.reservedIds?.includes(m.id)) {
    throw new BundleError(m.id, 'id', 'a built-in bundle already uses this id; give the bundle another id');
  }
}

/** Moves a complete, verified folder into `<modelsDir>/<id>` with renames only (atomic on one volume). */
async function publish(staging: string, m: BundleManifest, o: InstallOptions): Promise<InstalledBundle> {
  checkReserved(m, o);
  const target = path.join(o.modelsDir, m.id);
  if (existsSync(target)) {
    if (!o.replace) {
      throw new BundleError(
        m.id,
        'id',
        `a bundle with this id is already installed at ${target} (use replace)`,
      );
    }
    const old = path.join(o.modelsDir, `.old-${m.id}-${randomBytes(4).toString('hex')}`);
    await rename(target, old);
    await rename(staging, target);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(staging, target);
  }
  return { id: m.id, dir: target };
}

/**
 * Downloads a bundle: its manifest, then every file it names with resume and sha256 checks, into a
 * staging folder that survives restarts (so a second run resumes), then publishes it atomically.
 */
export async function installBundleFromUrl(
  manifestUrl: string,
  o: DownloadBundleOptions,
): Promise<InstalledBundle> {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(manifestUrl);
  } catch {
    throw new DownloadError(`not a URL: ${manifestUrl}`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    throw new DownloadError(`only http(s) URLs can be installed, got ${manifestUrl}`);
  }
  await mkdir(o.modelsDir, { recursive: true });
  const scratch = path.join(o.modelsDir, `.manifest-${randomBytes(4).toString('hex')}.json`);
  let m: BundleManifest;
  let manifestText: string;
  try {
    await downloadFile({
      urls: candidateUrls(manifestUrl, 'manifest.json', o.mirrorBaseUrl),
      dest: scratch,
      label: 'manifest.json',
      signal: o.signal,
      retryDelayMs: o.retryDelayMs,
    });
    manifestText = await readFile(scratch, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(manifestText);
    } catch (e) {
      throw new BundleError(manifestUrl, 'manifest.json', `not valid JSON (${(e as Error).message})`);
    }
    m = parseManifest(json, manifestUrl);
    checkReserved(m, o);
  } finally {
    await rm(scratch, { force: true });
  }
  const staging = path.join(o.modelsDir, `.partial-${m.id}`);
  await mkdir(staging, { recursive: true });
  const files = manifestFiles(m);
  for (const [i, f] of files.entries()) {
    const dest = path.join(staging, f.file);
    await mkdir(path.dirname(dest), { recursive: true });
    await downloadFile({
      urls: candidateUrls(manifestUrl, f.file, o.mirrorBaseUrl),
      dest,
      label: f.file,
      sha256: f.sha256,
      signal: o.signal,
      retryDelayMs: o.retryDelayMs,
      onProgress: (p) => o.onProgress?.({ ...p, fileIndex: i, fileCount: files.length }),
    });
  }
  await writeFile(path.join(staging, 'manifest.json'), manifestText);
  await verifyBundleFiles(staging, m);
  await o.verifyGraphs?.(staging, m);
  return publish(staging, m, o);
}

/** "Import bundle folder": validates the folder (manifest, files, sha256, graphs), then copies it in. */
export async function importBundleFolder(srcDir: string, o: InstallOptions): Promise<InstalledBundle> {
  const src = path.resolve(srcDir);
  const m = await readManifest(src);
  checkReserved(m, o);
  await verifyBundleFiles(src, m);
  await o.verifyGraphs?.(src, m);
  await mkdir(o.modelsDir, { recursive: true });
  const staging = path.join(o.modelsDir, `.import-${m.id}-${randomBytes(4).toString('hex')}`);
  try {
    await cp(src, staging, { recursive: true, errorOnExist: true });
    await verifyBundleFiles(staging, m); // the copy itself is checked, not just the source
    return await publish(staging, m, o);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}
