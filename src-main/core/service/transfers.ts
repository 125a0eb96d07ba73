import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ImportReport } from '@contract';
import { AppError } from '../errors';
import { sha256File } from '../images/digest';
import { toStoredPath } from '../images/paths';
import { type Project } from '../project';

/** The largest file one upload may carry (the import's own checks, pixel cap included, follow). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** Uploaded files land here, inside the project folder. */
export const UPLOADS_DIR = 'uploads';
/** A prepared download not fetched within this time is deleted. */
const DOWNLOAD_TTL_MS = 15 * 60 * 1000;

/**
 * A file name from a browser, made safe: the last path component only, no control or reserved
 * characters, no leading dots, at most 120 characters (the extension kept). Never empty.
 */
export function sanitizeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^[.\s]+/, '');
  if (name.length > 120) {
    const ext = path.extname(name).slice(0, 16);
    name = name.slice(0, 120 - ext.length) + ext;
  }
  return name || 'upload';
}

/** Opens `dir/name` for writing without ever replacing a file: "a.png", then "a (2).png", … */
async function createFree(dir: string, name: string): Promise<{ file: string; handle: fs.FileHandle }> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; i < 10_000; i++) {
    const file = path.join(dir, i === 1 ? name : `${stem} (${i})${ext}`);
    try {
      return { file, handle: await fs.open(file, 'wx') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new AppError('conflict', `too many files named like ${name} in ${dir}`);
}

/**
 * Browser-mode upload of one file into `<project>/uploads/`, streamed to disk with a byte cap, then
 * imported with the same checks as any import. A file the import refuses (not an image, too many
 * pixels…) is deleted again and reported as skipped under its uploaded name.
 */
export async function receiveUpload(
  project: Project,
  rawName: string,
  body: Readable,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<ImportReport> {
  const name = sanitizeFileName(rawName);
  const dir = path.join(project.dir, UPLOADS_DIR);
  await fs.mkdir(dir, { recursive: true });
  const { file, handle } = await createFree(dir, name);
  let bytes = 0;
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            throw new AppError(
              'payload_too_large',
              `${name} is larger than the ${Math.round(maxBytes / 1024 / 1024)} MiB upload limit`,
            );
          }
          yield chunk;
        }
      },
      createWriteStream('', { fd: handle.fd, autoClose: false }),
    );
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(file, { force: true });
    throw e;
  }
  await handle.close();
  // The same file uploaded again (same name, same bytes) is a duplicate, as a re-imported path is; other
  // byte-identical files are separate images (the import reports them as identical).
  const first = path.join(dir, name);
  if (file !== first) {
    const sha256 = await sha256File(file);
    const stored = toStoredPath(project.dir, await fs.realpath(first).catch(() => first));
    const earlier = project.images.findByPathAndSha(stored, sha256);
    if (earlier) {
      await fs.rm(file, { force: true });
      return { added: 0, duplicates: 1, identical: [], skipped: [] };
    }
  }
  const { report } = await project.importImages([file]);
  // Not added (refused, or the same content is already in the project): nothing refers to the file.
  if (report.added === 0) await fs.rm(file, { force: true });
  return {
    ...report,
    skipped: report.skipped.map((s) => ({ path: rawName, reason: s.reason })),
  };
}

interface PreparedDownload {
  readonly dir: string;
  readonly fileName: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Exports waiting to be downloaded (browser mode): each in its own temporary folder, handed out once
 * by id and deleted after it was streamed, or after DOWNLOAD_TTL_MS.
 */
export class DownloadStore {
  readonly #root = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-downloads-'));
  readonly #prepared = new Map<string, PreparedDownload>();

  /** Runs `write` into a fresh folder and keeps that folder for one download. */
  async prepare<R>(
    fileName: string,
    write: (dir: string) => Promise<R>,
  ): Promise<R & { downloadId: string }> {
    const downloadId = randomBytes(16).toString('hex');
    const dir = path.join(this.#root, downloadId);
    let result: R;
    try {
      result = await write(path.join(dir, 'export'));
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const timer = setTimeout(() => this.#drop(downloadId), DOWNLOAD_TTL_MS);
    timer.unref();
    this.#prepared.set(downloadId, { dir, fileName, timer });
    return { ...result, downloadId };
  }

  /** The folder to stream, once; `done` deletes it. */
  take(downloadId: string): { dir: string; fileName: string; done: () => void } | undefined {
    const found = this.#prepared.get(downloadId);
    if (!found) return undefined;
    this.#prepared.delete(downloadId);
    clearTimeout(found.timer);
    let removed = false;
    return {
      dir: path.join(found.dir, 'export'),
      fileName: found.fileName,
      done: () => {
        if (removed) return;
        removed = true;
        rmSync(found.dir, { recursive: true, force: true });
      },
    };
  }

  dispose(): void {
    for (const id of [...this.#prepared.keys()]) this.#drop(id);
    rmSync(this.#root, { recursive: true, force: true });
  }

  #drop(downloadId: string): void {
    const found = this.#prepared.get(downloadId);
    if (!found) return;
    this.#prepared.delete(downloadId);
    clearTimeout(found.timer);
    rmSync(found.dir, { recursive: true, force: true });
  }
}
