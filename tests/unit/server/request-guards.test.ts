import { describe, expect, it } from 'vitest';
import {
  cookieValue,
  fetchSiteAllowed,
  hostAllowed,
  originAllowed,
  ownOrigins,
  tokenCookieName,
  tokenMatches,
} from '../../../src-main/server/request-guards';

describe('browser-mode request guards', () => {
  it('compares tokens by value, whatever their length', () => {
    expect(tokenMatches('secret-token', 'secret-token')).toBe(true);
    expect(tokenMatches('secret-tokeX', 'secret-token')).toBe(false);
    expect(tokenMatches('secret', 'secret-token')).toBe(false);
    expect(tokenMatches('secret-token-and-more', 'secret-token')).toBe(false);
    expect(tokenMatches('', 'secret-token')).toBe(false);
    expect(tokenMatches(undefined, 'secret-token')).toBe(false);
  });

  it('accepts fetch metadata from our own pages and typed URLs only', () => {
    expect(fetchSiteAllowed({})).toBe(true);
    expect(fetchSiteAllowed({ 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(fetchSiteAllowed({ 'sec-fetch-site': 'none' })).toBe(true);
    // Another port on 127.0.0.1 is the same site, but not the same origin.
    expect(fetchSiteAllowed({ 'sec-fetch-site': 'same-site' })).toBe(false);
    expect(fetchSiteAllowed({ 'sec-fetch-site': 'cross-site' })).toBe(false);
  });

  it('accepts only our own origin and Host, port included', () => {
    const origins = ownOrigins('127.0.0.1', 4000);
    expect(originAllowed({}, origins)).toBe(true);
    expect(originAllowed({ origin: 'http://127.0.0.1:4000' }, origins)).toBe(true);
    expect(originAllowed({ origin: 'http://localhost:4000' }, origins)).toBe(true);
    expect(originAllowed({ origin: 'http://127.0.0.1:4001' }, origins)).toBe(false);
    expect(originAllowed({ origin: 'null' }, origins)).toBe(false);
    expect(hostAllowed({ host: '127.0.0.1:4000' }, '127.0.0.1', 4000)).toBe(true);
    expect(hostAllowed({ host: '127.0.0.1:4001' }, '127.0.0.1', 4000)).toBe(false);
    expect(hostAllowed({ host: 'evil.example:4000' }, '127.0.0.1', 4000)).toBe(false);
    expect(hostAllowed({}, '127.0.0.1', 4000)).toBe(false);
  });

  it('reads this instance cookie only, never another instance of the same name prefix', () => {
    expect(tokenCookieName(4000)).toBe('rl_token_4000');
    const headers = { cookie: 'rl_token_40001=other; rl_token_4000=mine; x=y=z' };
    expect(cookieValue(headers, 'rl_token_4000')).toBe('mine');
    expect(cookieValue(headers, 'x')).toBe('y=z');
    expect(cookieValue({ cookie: 'rl_token_4000=' }, 'rl_token_4000')).toBeUndefined();
    expect(cookieValue({}, 'rl_token_4000')).toBeUndefined();
  });
});
