import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  checkEncoderGraph,
  checkMaskDecoderGraph,
  checkMaskDecoderNeckGraph,
  checkTextGraph,
  type GraphInfo,
} from './graph-check';
import { BundleError, manifestFiles, parseManifest, type BundleManifest } from './manifest';

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads and validates `<dir>/manifest.json`. */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new BundleError(path.basename(dir), 'manifest.json', `file not found: ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BundleError(path.basename(dir), 'manifest.json', `not valid JSON (${(e as Error).message})`);
  }
  return parseManifest(json, path.basename(dir));
}

/**
 * sha256 checks are memoised per (path, size, mtime): models are checked before every first load, but a
 * 2 GB file should be hashed once per process, not once per session.
 */
const verifiedFiles = new Map<string, string>();

/** Every referenced file exists and matches its sha256; throws BundleError naming the field. */
export async function verifyBundleFiles(dir: string, m: BundleManifest): Promise<void> {
  for (const f of manifestFiles(m)) {
    const full = path.join(dir, f.file);
    let st;
    try {
      st = await stat(full);
    } catch {
      throw new BundleError(m.id, f.field, `file not found: ${full}`);
    }
    if (!st.isFile()) throw new BundleError(m.id, f.field, `not a file: ${full}`);
    const memoKey = `${full}|${st.size}|${st.mtimeMs}`;
    if (verifiedFiles.get(memoKey) === f.sha256) continue;
    const actual = await sha256File(full);
    if (actual !== f.sha256) {
      throw new BundleError(
        m.id,
        f.field,
        `sha256 mismatch for ${full}: manifest says ${f.sha256}, file is ${actual}`,
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
  if (m.mask_decoder?.neck) {
    checkMaskDecoderNeckGraph(m, await loadGraphInfo(path.join(dir, m.mask_decoder.neck.file)));
  }
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
