import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface FileProgress {
  readonly file: string;
  readonly receivedBytes: number;
  readonly totalBytes?: number;
}

export interface DownloadFileOptions {
  /** Candidate URLs, tried in order (mirror first); a 404 or a wrong hash moves on to the next. */
  readonly urls: readonly string[];
  readonly dest: string;
  /** Name shown in progress and errors (e.g. "encoder.onnx"). */
  readonly label: string;
  readonly sha256?: string;
  readonly onProgress?: (p: FileProgress) => void;
  readonly signal?: AbortSignal;
  /** Resume attempts after a dropped connection, per URL. */
  readonly maxResumes?: number;
  readonly retryDelayMs?: number;
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function hashOf(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Attempt = { kind: 'done' } | { kind: 'dropped'; why: string } | { kind: 'failed'; why: string };

/** One GET (ranged when `<dest>` already has bytes), appending to `<dest>`. */
async function attempt(url: string, o: DownloadFileOptions): Promise<Attempt> {
  const have = await sizeOf(o.dest);
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: o.signal });
  } catch (e) {
    if (o.signal?.aborted) throw e;
    return { kind: 'dropped', why: `${url}: ${(e as Error).message}` };
  }
  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    return { kind: 'done' }; // nothing left to fetch; the hash check decides
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    return { kind: 'failed', why: `${url} → HTTP ${res.status}` };
  }
  // A server that ignores Range answers 200 with the whole file: start over.
  const append = res.status === 206 && have > 0;
  if (!append && have > 0) await rm(o.dest, { force: true });
  const start = append ? have : 0;
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  const totalBytes = Number.isFinite(length) ? start + length : undefined;
  let received = start;
  o.onProgress?.({ file: o.label, receivedBytes: received, totalBytes });
  if (!res.body) return { kind: 'failed', why: `${url}: empty response body` };
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    o.onProgress?.({ file: o.label, receivedBytes: received, totalBytes });
  });
  try {
    await pipeline(body, createWriteStream(o.dest, { flags: append ? 'a' : 'w' }));
  } catch (e) {
    if (o.signal?.aborted) throw e;
    return {
      kind: 'dropped',
      why: `${url}: connection dropped after ${received} bytes (${(e as Error).message})`,
    };
  }
  if (totalBytes !== undefined && received < totalBytes) {
    return { kind: 'dropped', why: `${url}: connection closed after ${received} of ${totalBytes} bytes` };
  }
  return { kind: 'done' };
}

/**
 * Downloads to `dest` (the caller renames it into place), resuming with HTTP Range after a dropped
 * connection, and checks the sha256. Bytes already in `dest` from an earlier run are resumed too.
 */
export async function downloadFile(o: DownloadFileOptions): Promise<void> {
  const problems: string[] = [];
  const maxResumes = o.maxResumes ?? 5;
  for (const url of o.urls) {
    let resumes = 0;
    for (;;) {
      const r = await attempt(url, o);
      if (r.kind === 'failed') {
        problems.push(r.why);
        break;
      }
      if (r.kind === 'dropped') {
        if (resumes++ >= maxResumes) {
          problems.push(`${r.why}; gave up after ${maxResumes} resumes`);
          break;
        }
        await sleep((o.retryDelayMs ?? 500) * resumes);
        continue;
      }
      if (o.sha256 !== undefined) {
        const actual = await hashOf(o.dest);
        if (actual !== o.sha256) {
          await rm(o.dest, { force: true });
          problems.push(`${url}: sha256 mismatch, expected ${o.sha256}, got ${actual}`);
          break;
        }
      }
      return;
    }
  }
  throw new DownloadError(`download of ${o.label} failed: ${problems.join('; ')}`);
}
