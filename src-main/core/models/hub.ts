import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ApiErrorCode } from '@contract';
import { type ExpectedContent } from './download';
import { type Env, type FetchLike } from './http-client';
import { AppError } from '../errors';

/**
 * The Hugging Face hub as the installer uses it: `<endpoint>/<repo>/resolve/<revision>/<file>` for bytes and
 * `<endpoint>/api/models/<repo>/tree/<revision>?recursive=true` for each file's size and hash (LFS sha256,
 * or the git blob sha1 of small files). A mirror is another endpoint with the same layout (HF_ENDPOINT).
 */

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export class HubError extends AppError {
  override readonly name = 'HubError';
  constructor(code: ApiErrorCode, message: string) {
    super(code, message);
  }
}

/** The endpoint: an explicit mirror (flag or setting), else HF_ENDPOINT, else huggingface.co. */
export function hubEndpoint(mirror: string | null | undefined, env: Env): string {
  const raw = mirror?.trim() || env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError('invalid_input', `The model mirror "${raw}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new HubError('invalid_input', `The model mirror "${raw}" must be an http(s) URL.`);
  }
  return url.href.replace(/\/+$/, '');
}

/** HF_TOKEN (or the older HUGGING_FACE_HUB_TOKEN), for gated repositories. */
export function hubToken(env: Env): string | undefined {
  return env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || undefined;
}

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

export function treeUrl(endpoint: string, repo: string, revision: string): string {
  return `${endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
}

export interface RepoRef {
  readonly repo: string;
  readonly revision: string;
}

/** One sentence (lower-case start: it follows "download of X failed: ") for an HTTP error from the hub. */
export function describeHubStatus(
  status: number,
  ref: RepoRef & { file?: string; host: string; tokenSent: boolean },
): { code: ApiErrorCode; message: string } {
  const { repo, revision, host } = ref;
  if (status === 401) {
    return ref.tokenSent
      ? {
          code: 'forbidden',
          message: `the Hugging Face token in HF_TOKEN was refused for ${repo} (HTTP 401)`,
        }
      : {
          code: 'forbidden',
          message: `${repo} needs a Hugging Face token (HTTP 401): set HF_TOKEN to a token that may read it`,
        };
  }
  if (status === 403) {
    return {
      code: 'forbidden',
      message: `access to ${repo} is refused (HTTP 403): accept its terms on the hub with the account whose token is in HF_TOKEN`,
    };
  }
  if (status === 404) {
    return {
      code: 'not_found',
      message: ref.file
        ? `${repo}@${revision} has no file ${ref.file} on ${host} (HTTP 404)`
        : `${repo}@${revision} was not found on ${host} (HTTP 404)`,
    };
  }
  if (status === 429) {
    return { code: 'unavailable', message: `${host} is limiting requests (HTTP 429); try again later` };
  }
  return { code: 'unavailable', message: `${host} answered HTTP ${status} for ${repo}; try again later` };
}

/** "the token…" → "The token…"; a sentence that starts with a repository name keeps its case. */
const capitalise = (s: string): string => (/^\S*\//.test(s) ? s : s.charAt(0).toUpperCase() + s.slice(1));

export interface RemoteFile {
  readonly path: string;
  readonly bytes: number;
  readonly expected: ExpectedContent;
}

const treeEntrySchema = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative().optional(),
  oid: z.string().optional(),
  lfs: z.object({ oid: z.string(), size: z.number().int().nonnegative() }).nullish(),
});

/** The tree listing is small; a bigger answer is not the hub's. */
const MAX_LISTING_BYTES = 16 * 2 ** 20;

async function readCapped(res: Response, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += chunk.length;
    if (n > maxBytes) throw new HubError('payload_too_large', `${what} is larger than ${maxBytes} bytes.`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function nextLink(res: Response, endpoint: string): string | undefined {
  const link = res.headers.get('link');
  const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!m?.[1]) return undefined;
  const next = new URL(m[1], endpoint);
  // Pagination may not lead to another host.
  return next.origin === new URL(endpoint).origin ? next.href : undefined;
}

export class HubClient {
  constructor(
    readonly endpoint: string,
    readonly fetch: FetchLike,
    private readonly tokenSent: boolean,
  ) {}

  get host(): string {
    return new URL(this.endpoint).host;
  }

  fileUrl(ref: RepoRef, file: string): string {
    return resolveUrl(this.endpoint, ref.repo, ref.revision, file);
  }

  describeStatus(ref: RepoRef, file?: string): (status: number) => { code: ApiErrorCode; message: string } {
    return (status) =>
      describeHubStatus(status, {
        ...ref,
        ...(file ? { file } : {}),
        host: this.host,
        tokenSent: this.tokenSent,
      });
  }

  /** Every file of the repository at the revision, with its size and hash. */
  async listRepo(ref: RepoRef, signal?: AbortSignal): Promise<Map<string, RemoteFile>> {
    const out = new Map<string, RemoteFile>();
    let url: string | undefined = treeUrl(this.endpoint, ref.repo, ref.revision);
    for (let page = 0; url && page < 100; page++) {
      const res = await this.fetch(url, { signal, headers: { accept: 'application/json' } });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new HubError(...statusError(this.describeStatus(ref)(res.status)));
      }
      let entries: unknown;
      try {
        entries = JSON.parse(
          (await readCapped(res, MAX_LISTING_BYTES, `the file list of ${ref.repo}`)).toString(),
        );
      } catch (e) {
        if (e instanceof HubError) throw e;
        throw new HubError('unavailable', `${this.host} sent a file list for ${ref.repo} that is not JSON.`);
      }
      const parsed = z.array(treeEntrySchema).safeParse(entries);
      if (!parsed.success) {
        throw new HubError(
          'unavailable',
          `${this.host} sent a file list for ${ref.repo} in an unknown format.`,
        );
      }
      for (const e of parsed.data) {
        if (e.type !== 'file') continue;
        const expected: ExpectedContent = e.lfs
          ? { bytes: e.lfs.size, sha256: e.lfs.oid }
          : { ...(e.size !== undefined ? { bytes: e.size } : {}), ...(e.oid ? { gitSha1: e.oid } : {}) };
        out.set(e.path, { path: e.path, bytes: e.lfs?.size ?? e.size ?? 0, expected });
      }
      url = nextLink(res, this.endpoint);
    }
    return out;
  }

  /** A small file (config.json, a shard index) into memory, checked against the listing's hash. */
  async readSmallFile(
    ref: RepoRef,
    file: RemoteFile,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<Buffer> {
    if (file.bytes > maxBytes) {
      throw new HubError(
        'payload_too_large',
        `${ref.repo}/${file.path} is ${file.bytes} bytes, more than ${maxBytes}.`,
      );
    }
    const res = await this.fetch(this.fileUrl(ref, file.path), { signal });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new HubError(...statusError(this.describeStatus(ref, file.path)(res.status)));
    }
    const bytes = await readCapped(res, maxBytes, `${ref.repo}/${file.path}`);
    const wrong = contentMismatch(bytes, file.expected);
    if (wrong) throw new HubError('model_error', `${ref.repo}/${file.path}: ${wrong}.`);
    return bytes;
  }
}

function statusError(s: { code: ApiErrorCode; message: string }): [ApiErrorCode, string] {
  return [s.code, `${capitalise(s.message)}.`];
}

/** Size and hash check of bytes in memory against what the listing says. */
export function contentMismatch(bytes: Buffer, e: ExpectedContent): string | undefined {
  if (e.bytes !== undefined && bytes.length !== e.bytes) return `${bytes.length} bytes, expected ${e.bytes}`;
  if (e.sha256 !== undefined) {
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== e.sha256) return `sha256 mismatch, expected ${e.sha256}, got ${got}`;
  } else if (e.gitSha1 !== undefined) {
    const got = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    if (got !== e.gitSha1) return `git blob sha1 mismatch, expected ${e.gitSha1}, got ${got}`;
  }
  return undefined;
}
