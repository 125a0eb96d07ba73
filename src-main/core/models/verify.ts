import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkEncoderGraph, checkMaskDecoderGraph, checkTextGraph, type GraphInfo } from './graph-check';
import { BundleError, manifestFiles, parseManifest, type BundleManifest } from './manifest';

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A manifest is a few kilobytes; anything near this is not one. */
export const MAX_MANIFEST_BYTES = 2 ** 20;

/**
 * `<dir>/<rel>` as a regular file inside `dir`: every component is checked with lstat, so a symbolic link
 * anywhere on the way is refused, never followed (and its target is never read or quoted).
 */
export async function regularFileInside(
  dir: string,
  rel: string,
  bundle: string,
  field: string,
): Promise<{ path: string; size: number; mtimeMs: number }> {
  let cur = dir;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    cur = path.join(cur, part);
    let st;
    try {
      st = await lstat(cur);
    } catch {
      throw new BundleError(bundle, field, `file not found: ${path.join(dir, rel)}`);
    }
    if (st.isSymbolicLink()) {
      throw new BundleError(bundle, field, `${cur} is a symbolic link; a bundle holds regular files only`);
    }
    const last = i === parts.length - 1;
    if (last && !st.isFile()) throw new BundleError(bundle, field, `not a regular file: ${cur}`);
    if (!last && !st.isDirectory()) throw new BundleError(bundle, field, `not a folder: ${cur}`);
    if (last) return { path: cur, size: st.size, mtimeMs: st.mtimeMs };
  }
  throw new BundleError(bundle, field, `empty file name`);
}

/** Parses manifest text without ever quoting it back: a wrong file's content stays out of error messages. */
export function parseManifestText(text: string, label: string): BundleManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError(label, 'manifest.json', 'not valid JSON');
  }
  return parseManifest(json, label);
}

/** Reads and validates `<dir>/manifest.json` (a regular file of at most 1 MiB). */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const label = path.basename(dir);
  const file = await regularFileInside(dir, 'manifest.json', label, 'manifest.json');
  if (file.size > MAX_MANIFEST_BYTES) {
    throw new BundleError(label, 'manifest.json', `${file.size} bytes; a manifest may be at most 1 MiB`);
  }
  return parseManifestText(await readFile(file.path, 'utf8'), label);
}

/**
 * sha256 checks are memoised per (path, size, mtime): models are checked before every first load, but a
 * 2 GB file should be hashed once per process, not once per session.
 */
const verifiedFiles = new Map<string, string>();

/**
 * Every referenced file is a regular file inside `dir` (no symbolic links), has the size the manifest
 * states (when it states one) and matches its sha256; throws BundleError naming the field.
 */
export async function verifyBundleFiles(dir: string, m: BundleManifest): Promise<void> {
  for (const f of manifestFiles(m)) {
    const st = await regularFileInside(dir, f.file, m.id, f.field);
    if (f.bytes !== undefined && st.size !== f.bytes) {
      throw new BundleError(m.id, f.field, `${st.path} is ${st.size} bytes; the manifest states ${f.bytes}`);
    }
    const memoKey = `${st.path}|${st.size}|${st.mtimeMs}`;
    if (verifiedFiles.get(memoKey) === f.sha256) continue;
    const actual = await sha256File(st.path);
    if (actual !== f.sha256) {
      throw new BundleError(
        m.id,
        f.field,
        `sha256 mismatch for ${st.path}: manifest says ${f.sha256}, file is ${actual}`,
      );
    }
    verifiedFiles.set(memoKey, actual);
  }
}

/** Loads each ONNX file's input/output metadata (from a real session) and checks it against the manifest. */
export async function verifyBundleGraphs(
  dir: string,
  m: BundleManifest,
  loadGraphInfo: (onnxPath: string) => Promise<GraphInfo>,
): Promise<void> {
  checkEncoderGraph(m, await loadGraphInfo(path.join(dir, m.encoder.file)));
  if (m.text) checkTextGraph(m, await loadGraphInfo(path.join(dir, m.text.file)));
  if (m.mask_decoder) checkMaskDecoderGraph(m, await loadGraphInfo(path.join(dir, m.mask_decoder.file)));
}

/** Full verification of a bundle folder: manifest, files + hashes, graph names and ranks. */
export async function verifyBundleDir(
  dir: string,
  loadGraphInfo: (onnxPath: string) => Promise<GraphInfo>,
): Promise<BundleManifest> {
  const m = await readManifest(dir);
  await verifyBundleFiles(dir, m);
  await verifyBundleGraphs(dir, m, loadGraphInfo);
  return m;
}
