import { timingSafeEqual } from 'node:crypto';

/**
 * The browser-mode checks every request passes, as pure functions over its headers so that each rule is
 * unit-testable. Why each exists: SameSite cookies do not separate ports (127.0.0.1:A and 127.0.0.1:B are
 * the same site), so a page on another loopback port gets our cookie attached to its `<img>`, `fetch` and
 * WebSocket requests. Only the origin (scheme + host + port) tells them apart.
 */

/** The request headers the guards read (lower-case names, as Node gives them). */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** The loopback origins this instance answers as: its own port on 127.0.0.1 or localhost. */
export function ownOrigins(host: string, port: number): readonly string[] {
  return [`http://${host}:${port}`, `http://localhost:${port}`];
}

/** Host header check against DNS rebinding: only our own host:port. */
export function hostAllowed(headers: HeaderBag, host: string, port: number): boolean {
  const h = single(headers.host);
  return h === `${host}:${port}` || h === `localhost:${port}`;
}

/**
 * Fetch metadata: a browser marks every request with where it came from. Only our own pages
 * (`same-origin`) and a URL the user typed or opened (`none`) may reach us; `same-site` is what a page on
 * another loopback port sends. Clients that are not browsers (the CLI, tests) send no such header.
 */
export function fetchSiteAllowed(headers: HeaderBag): boolean {
  const site = single(headers['sec-fetch-site']);
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** An Origin header, when present, must be ours (WebSocket handshakes and POSTs always carry one). */
export function originAllowed(headers: HeaderBag, origins: readonly string[]): boolean {
  const origin = single(headers.origin);
  return origin === undefined || origins.includes(origin);
}

/** The token cookie's name: one per instance (port), so two servers never overwrite each other's. */
export function tokenCookieName(port: number): string {
  return `rl_token_${port}`;
}

export function cookieValue(headers: HeaderBag, name: string): string | undefined {
  const header = single(headers.cookie);
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** Constant-time comparison of a presented token with the real one (no early exit on the first byte). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  // Compare against itself when lengths differ, so the time taken never depends on the prefix that matched.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
