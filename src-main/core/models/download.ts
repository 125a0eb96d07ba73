import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { type ApiErrorCode } from '@contract';
import { type FetchLike } from './http-client';
import { AppError } from '../errors';

export interface FileProgress {
  readonly file: string;
  readonly receivedBytes: number;
  readonly totalBytes?: number;
}

/** What the source says the file is: the hub's tree API gives the size and the LFS sha256 (or git blob sha1). */
export interface ExpectedContent {
  readonly bytes?: number;
  readonly sha256?: string;
  readonly gitSha1?: string;
}

export interface DownloadFileOptions {
  /** Candidate URLs, tried in order (mirror first); a 404 or a wrong hash moves on to the next. */
  readonly urls: readonly string[];
  /** Final path; bytes go to `<dest>.part` and are renamed here only once complete and checked. */
  readonly dest: string;
  /** Name shown in progress and errors (e.g. "encoder.onnx"). */
  readonly label: string;
  readonly sha256?: string;
  readonly expected?: ExpectedContent;
  /** Refuse (and delete) anything larger: a server may not fill the disk beyond what its source stated. */
  readonly maxBytes?: number;
  readonly fetch?: FetchLike;
  /** One sentence for an HTTP error status (e.g. "nvidia/X needs a token…"); a generic one otherwise. */
  readonly describeStatus?: (status: number, url: string) => { code: ApiErrorCode; message: string };
  readonly onProgress?: (p: FileProgress) => void;
  readonly signal?: AbortSignal;
  /** Resume attempts after a dropped connection, per URL. */
  readonly maxResumes?: number;
  readonly retryDelayMs?: number;
}

export class DownloadError extends AppError {
  override readonly name = 'DownloadError';
  constructor(code: ApiErrorCode, message: string) {
    super(code, message);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function hashFile(file: string, h: Hash): Promise<string> {
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Git's blob id: sha1("blob <size>\0" + content), what the hub's tree API gives for non-LFS files. */
async function gitBlobSha1(file: string): Promise<string> {
  const h = createHash('sha1');
  h.update(`blob ${await sizeOf(file)}\0`);
  return hashFile(file, h);
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Attempt =
  { kind: 'done' } | { kind: 'dropped'; why: string } | { kind: 'failed'; code: ApiErrorCode; why: string };

const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

function defaultStatus(status: number, url: string): { code: ApiErrorCode; message: string } {
  const code: ApiErrorCode =
    status === 401 || status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'unavailable';
  return { code, message: `${url} answered HTTP ${status}` };
}

function capOf(o: DownloadFileOptions): number | undefined {
  const caps = [o.maxBytes, o.expected?.bytes].filter((x): x is number => x !== undefined);
  return caps.length > 0 ? Math.min(...caps) : undefined;
}

/** One GET (ranged when the `.part` file already has bytes), appending to it. */
async function attempt(url: string, part: string, o: DownloadFileOptions): Promise<Attempt> {
  const cap = capOf(o);
  let have = await sizeOf(part);
  if (cap !== undefined && have > cap) {
    await rm(part, { force: true });
    have = 0;
  }
  if (o.expected?.bytes !== undefined && have === o.expected.bytes) return { kind: 'done' };
  const doFetch = o.fetch ?? ((u, init) => fetch(u, init));
  let res: Response;
  try {
    res = await doFetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: o.signal });
  } catch (e) {
    if (o.signal?.aborted) throw e;
    return { kind: 'dropped', why: lowerFirst((e as Error).message.replace(/\.$/, '')) };
  }
  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    return { kind: 'done' }; // nothing left to fetch; the size and hash checks decide
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    const s = (o.describeStatus ?? defaultStatus)(res.status, url);
    return { kind: 'failed', code: s.code, why: s.message };
  }
  // A server that ignores Range answers 200 with the whole file: start over.
  const append = res.status === 206 && have > 0;
  const start = append ? have : 0;
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  const totalBytes = Number.isFinite(length) ? start + length : o.expected?.bytes;
  if (cap !== undefined && totalBytes !== undefined && totalBytes > cap) {
    await res.body?.cancel();
    await rm(part, { force: true });
    return {
      kind: 'failed',
      code: 'payload_too_large',
      why: `${url} is ${totalBytes} bytes, more than the ${cap} bytes its source states`,
    };
  }
  if (!res.body) return { kind: 'dropped', why: `${url}: empty response body` };
  let received = start;
  o.onProgress?.({ file: o.label, receivedBytes: received, totalBytes });
  // Each chunk is written before the next is read, so after a cut connection the `.part` file holds
  // exactly the bytes received and the resume asks for the rest.
  const fh = await open(part, append ? 'a' : 'w');
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (cap !== undefined && received > cap) {
        await fh.close();
        await rm(part, { force: true });
        return {
          kind: 'failed',
          code: 'payload_too_large',
          why: `${url} sent more than the ${cap} bytes expected`,
        };
      }
      try {
        await fh.write(chunk);
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'write error';
        return {
          kind: 'failed',
          code: DISK_ERRORS.has(code) ? 'io_error' : 'internal',
          why: `cannot write ${part} (${code})`,
        };
      }
      o.onProgress?.({ file: o.label, receivedBytes: received, totalBytes });
    }
  } catch (e) {
    if (o.signal?.aborted) throw e;
    return { kind: 'dropped', why: `${url}: connection dropped after ${received} bytes` };
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (totalBytes !== undefined && received < totalBytes) {
    return { kind: 'dropped', why: `${url}: connection closed after ${received} of ${totalBytes} bytes` };
  }
  return { kind: 'done' };
}

/** Size and hash checks of a complete `.part`; a problem sentence, or undefined when it is right. */
async function check(part: string, o: DownloadFileOptions): Promise<string | undefined> {
  const e = o.expected;
  const size = await sizeOf(part);
  if (e?.bytes !== undefined && size !== e.bytes) return `${o.label} is ${size} bytes, expected ${e.bytes}`;
  const sha256 = e?.sha256 ?? o.sha256;
  if (sha256 !== undefined) {
    const actual = await hashFile(part, createHash('sha256'));
    if (actual !== sha256) return `${o.label}: sha256 mismatch, expected ${sha256}, got ${actual}`;
  } else if (e?.gitSha1 !== undefined) {
    const actual = await gitBlobSha1(part);
    if (actual !== e.gitSha1)
      return `${o.label}: git blob sha1 mismatch, expected ${e.gitSha1}, got ${actual}`;
  }
  return undefined;
}

/**
 * Downloads to `<dest>.part`, resuming with HTTP Range after a dropped connection, checks the size and
 * hash the source stated, then renames it to `dest`. Throws DownloadError with one sentence; a refused
 * file leaves no `.part` behind.
 */
export async function downloadFile(o: DownloadFileOptions): Promise<void> {
  const part = `${o.dest}.part`;
  const problems: { code: ApiErrorCode; why: string }[] = [];
  const maxResumes = o.maxResumes ?? 5;
  for (const url of o.urls) {
    let resumes = 0;
    for (;;) {
      const r = await attempt(url, part, o);
      if (r.kind === 'failed') {
        problems.push(r);
        break;
      }
      if (r.kind === 'dropped') {
        if (resumes++ >= maxResumes) {
          problems.push({ code: 'unavailable', why: `${r.why}; gave up after ${maxResumes} resumes` });
          break;
        }
        await sleep((o.retryDelayMs ?? 500) * resumes);
        continue;
      }
      const wrong = await check(part, o);
      if (wrong !== undefined) {
        await rm(part, { force: true });
        problems.push({ code: 'model_error', why: `${url}: ${wrong}` });
        break;
      }
      await rename(part, o.dest);
      return;
    }
  }
  await rm(part, { force: true });
  const last = problems[problems.length - 1];
  throw new DownloadError(
    last?.code ?? 'unavailable',
    `download of ${o.label} failed: ${problems.map((p) => p.why).join('; ')}`,
  );
}
