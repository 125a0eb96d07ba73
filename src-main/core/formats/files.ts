import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** V8 cannot hold a string much over 512 MiB: larger JSON files are refused before reading. */
export const DEFAULT_MAX_JSON_BYTES = 500 * 1024 * 1024;
export const DEFAULT_MAX_TEXT_BYTES = 64 * 1024 * 1024;

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * Reads a UTF-8 file, refusing files over `maxBytes` with a message that names the file and its size. A
 * leading byte-order mark (Windows tools write one) is not text: left in, it would glue itself to the
 * first YOLO class id or make JSON.parse refuse the file.
 */
export async function readTextLimited(file: string, maxBytes: number, display = file): Promise<string> {
  const st = await fs.stat(file);
  if (!st.isFile()) throw new Error(`${display}: not a file`);
  if (st.size > maxBytes) {
    throw new Error(`${display}: file is ${mib(st.size)}, over the ${mib(maxBytes)} limit for this format`);
  }
  const text = await fs.readFile(file, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON, turning a syntax error into `file: invalid JSON: …`. */
export function parseJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${display}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** All files under `dir` (recursively, skipping hidden folders) whose name ends with one of `exts`. */
export async function walkFiles(dir: string, exts: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    const entries = await fs.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile() && exts.some((x) => e.name.toLowerCase().endsWith(x))) out.push(p);
    }
  };
  await visit(dir);
  return out;
}

export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Forward-slash relative path for messages and matching. */
export const toPosix = (p: string): string => p.split(path.sep).join('/');
