import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freeDiskBytes } from './disk-space';
import { downloadFile, DownloadError, type FileProgress } from './download';
import { type FetchLike } from './http-client';
import { BundleError, manifestFiles, type BundleManifest } from './manifest';
import { createStaging } from './staging';
import {
  MAX_MANIFEST_BYTES,
  parseManifestText,
  readManifest,
  regularFileInside,
  verifyBundleFiles,
} from './verify';

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
  /** Proxy-aware fetch (HttpClient); the global fetch otherwise. */
  readonly fetch?: FetchLike;
}

export interface InstalledBundle {
  readonly id: string;
  readonly dir: string;
}

/**
 * Candidate URLs for a file of the bundle whose manifest is at `manifestUrl`: mirror first. Both stay on
 * their own host: a file name can never send the installer to a host the manifest names.
 */
export function candidateUrls(manifestUrl: string, file: string, mirrorBaseUrl?: string): string[] {
  const base = new URL(manifestUrl);
  const original = new URL(file, base);
  if (original.origin !== base.origin) {
    throw new BundleError(manifestUrl, file, 'a bundle file must be fetched from beside its manifest');
  }
  if (!mirrorBaseUrl) return [original.href];
  const folder = path.posix.basename(path.posix.dirname(base.pathname));
  const mirror = `${mirrorBaseUrl.replace(/\/+$/, '')}/${folder}/${file}`;
  if (new URL(mirror).origin !== new URL(mirrorBaseUrl).origin) {
    throw new BundleError(manifestUrl, file, 'a bundle file must be fetched from the mirror it names');
  }
  return mirror === original.href ? [original.href] : [mirror, original.href];
}

function checkReserved(m: BundleManifest, o: InstallOptions): void {
  if (o.reservedIds?.includes(m.id)) {
    throw new BundleError(m.id, 'id', 'a built-in bundle already uses this id; give the bundle another id');
  }
}

/** Moves a complete, verified folder into `<modelsDir>/<id>` with renames only (atomic on one volume). */
export async function publishBundle(
  bundleDir: string,
  m: BundleManifest,
  o: InstallOptions,
): Promise<InstalledBundle> {
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
    await rename(bundleDir, target);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(bundleDir, target);
  }
  return { id: m.id, dir: target };
}

/**
 * Downloads a bundle: its manifest (at most 1 MiB), then every file it names from beside it, each capped
 * by the size the manifest states (else by the free disk) and checked against its sha256, into a staging
 * folder that is removed on any failure; then publishes it atomically.
 */
export async function installBundleFromUrl(
  manifestUrl: string,
  o: DownloadBundleOptions,
): Promise<InstalledBundle> {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(manifestUrl);
  } catch {
    throw new DownloadError('invalid_input', `not a URL: ${manifestUrl}`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    throw new DownloadError('invalid_input', `only http(s) URLs can be installed, got ${manifestUrl}`);
  }
  const staging = await createStaging(o.modelsDir, 'url');
  try {
    const scratch = path.join(staging, 'manifest.json.download');
    await downloadFile({
      urls: candidateUrls(manifestUrl, 'manifest.json', o.mirrorBaseUrl),
      dest: scratch,
      label: 'manifest.json',
      maxBytes: MAX_MANIFEST_BYTES,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
    });
    const manifestText = await readFile(scratch, 'utf8');
    const m = parseManifestText(manifestText, manifestUrl);
    checkReserved(m, o);
    const bundleDir = path.join(staging, 'bundle');
    const files = manifestFiles(m);
    const urls = files.map((f) => candidateUrls(manifestUrl, f.file, o.mirrorBaseUrl));
    for (const [i, f] of files.entries()) {
      const dest = path.join(bundleDir, f.file);
      await mkdir(path.dirname(dest), { recursive: true });
      await downloadFile({
        urls: urls[i] ?? [],
        dest,
        label: f.file,
        expected: { sha256: f.sha256, ...(f.bytes !== undefined ? { bytes: f.bytes } : {}) },
        maxBytes: f.bytes ?? (await freeDiskBytes(bundleDir)),
        ...(o.fetch ? { fetch: o.fetch } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
        onProgress: (p) => o.onProgress?.({ ...p, fileIndex: i, fileCount: files.length }),
      });
    }
    await writeFile(path.join(bundleDir, 'manifest.json'), manifestText);
    await verifyBundleFiles(bundleDir, m);
    await o.verifyGraphs?.(bundleDir, m);
    return await publishBundle(bundleDir, m, o);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * "Import bundle folder": validates the folder (manifest, files, sha256, graphs), then copies the manifest
 * and exactly the files it names, each a regular file inside the folder (symbolic links are refused, never
 * followed), and checks the copy before it goes live.
 */
export async function importBundleFolder(srcDir: string, o: InstallOptions): Promise<InstalledBundle> {
  const src = path.resolve(srcDir);
  const m = await readManifest(src);
  checkReserved(m, o);
  await verifyBundleFiles(src, m);
  await o.verifyGraphs?.(src, m);
  const staging = await createStaging(o.modelsDir, `import-${m.id}`);
  try {
    const bundleDir = path.join(staging, 'bundle');
    for (const rel of ['manifest.json', ...manifestFiles(m).map((f) => f.file)]) {
      const from = await regularFileInside(src, rel, m.id, rel);
      const to = path.join(bundleDir, rel);
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from.path, to);
    }
    // The copy itself is checked, not just the source (the folder may change while it is copied).
    const copied = await readManifest(bundleDir);
    if (JSON.stringify(copied) !== JSON.stringify(m)) {
      throw new BundleError(m.id, 'manifest.json', `${src} changed while it was being imported`);
    }
    await verifyBundleFiles(bundleDir, m);
    return await publishBundle(bundleDir, m, o);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
