import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { AppError } from '../errors';

/**
 * HTTP for model downloads. Node's built-in fetch ignores HTTPS_PROXY/NO_PROXY, so requests go through
 * undici's EnvHttpProxyAgent. A token is sent only to the origin it was configured for; undici drops the
 * Authorization header on a cross-origin redirect (the hub redirects weights to its CDN). Network failures
 * become one sentence that names the host and what to do, never the token.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** The subset of fetch the downloader uses, so tests and callers can pass any implementation. */
export type FetchLike = (
  url: string,
  init: { headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

export class NetworkError extends AppError {
  override readonly name = 'NetworkError';
  constructor(message: string, options?: ErrorOptions) {
    super('unavailable', message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The error code found anywhere in an error's cause chain (undici wraps the socket error, sometimes twice). */
function causeCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_STATE') return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      cur = errors[0];
      continue;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    if (!(cur.cause instanceof Error)) return cur.message;
    cur = cur.cause;
  }
  return cur instanceof Error ? cur.message : String(cur);
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH)/;

/** One sentence for a request that never got an HTTP answer. */
export function describeNetworkFailure(e: unknown, url: string): string {
  const host = new URL(url).host;
  const code = causeCode(e);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `Cannot reach ${host}: the name does not resolve (offline, or DNS blocked); check the network connection or set a model mirror.`;
  }
  if (code === 'ECONNREFUSED') {
    return `Cannot reach ${host}: the connection was refused; check the network connection, the proxy settings or the model mirror.`;
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return `Cannot reach ${host}: it did not answer in time; check the network connection and the proxy settings.`;
  }
  if (code && TLS_CODES.test(code)) {
    return `Cannot reach ${host}: its TLS certificate was refused (${code}); a proxy that inspects HTTPS needs its CA in NODE_EXTRA_CA_CERTS.`;
  }
  const msg = causeMessage(e);
  if (/proxy/i.test(msg)) return `Cannot reach ${host} through the proxy: ${msg}.`;
  return `Cannot reach ${host}: ${code ?? msg}.`;
}

export interface HttpClientOptions {
  /** Environment to read proxies from (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower case too). */
  readonly env?: Env;
  /** Bearer token and the only origin it may be sent to. */
  readonly token?: { readonly value: string; readonly origin: string };
}

export class HttpClient {
  readonly #dispatcher: Dispatcher;
  readonly #token: HttpClientOptions['token'];

  constructor(o: HttpClientOptions = {}) {
    const env = o.env ?? process.env;
    // '' (not undefined) turns a proxy off: undefined would make undici fall back to process.env.
    this.#dispatcher = new EnvHttpProxyAgent({
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    });
    this.#token = o.token;
  }

  readonly fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = { ...init.headers };
    if (this.#token && new URL(url).origin === this.#token.origin) {
      headers.authorization = `Bearer ${this.#token.value}`;
    }
    try {
      return (await undiciFetch(url, {
        headers,
        signal: init.signal,
        dispatcher: this.#dispatcher,
        redirect: 'follow',
      })) as unknown as Response;
    } catch (e) {
      if (init.signal?.aborted) throw e;
      throw new NetworkError(describeNetworkFailure(e, url), { cause: e });
    }
  };

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
