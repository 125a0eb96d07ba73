import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRadioLabelService, type RadioLabelService } from '../../../src-main/core/api';
import {
  startBrowserServer,
  TOKEN_HEADER,
  type BrowserServer,
} from '../../../src-main/server/browser-server';
import { tokenCookieName } from '../../../src-main/server/request-guards';

/** Every non-loopback IPv4 address of this machine (the server must not answer on any of them). */
function externalAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('browser-mode server', () => {
  let dataDir: string;
  let service: RadioLabelService;
  let server: BrowserServer;
  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-server-'));
    service = createRadioLabelService({ dataDir, mode: 'browser', version: 'test', appRoot: process.cwd() });
    server = await startBrowserServer({ service });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without the token, on the API, media and events', async () => {
    expect((await post('/api/settings/appInfo', {})).status).toBe(401);
    expect((await post('/api/settings/appInfo', {}, { [TOKEN_HEADER]: 'wrong' })).status).toBe(401);
    expect((await fetch(`${server.origin}/media/1`)).status).toBe(401);
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await fetch(`${server.origin}/events`)).status).toBe(401);
  });

  it('serves the contract with the token, as Result values', async () => {
    const res = await post('/api/settings/appInfo', {}, { [TOKEN_HEADER]: server.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      value: { name: 'RadioLabel', version: 'test', mode: 'browser', warnings: [] },
    });
  });

  it('rejects invalid input as data naming the field', async () => {
    const res = await post('/api/settings/update', { provider: 'tpu' }, { [TOKEN_HEADER]: server.token });
    const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toContain('provider');
  });

  it('answers 404 for methods outside the contract', async () => {
    const res = await post('/api/settings/__proto__', {}, { [TOKEN_HEADER]: server.token });
    expect(res.status).toBe(404);
    const res2 = await post('/api/constructor/name', {}, { [TOKEN_HEADER]: server.token });
    expect(res2.status).toBe(404);
  });

  it('does not accept the cookie alone for API calls (CSRF)', async () => {
    const res = await post(
      '/api/settings/appInfo',
      {},
      { cookie: `${tokenCookieName(server.port)}=${server.token}` },
    );
    expect(res.status).toBe(401);
  });

  it('checks the token header for its value, even when the cookie is right', async () => {
    // Both the old shared cookie name and this instance's own: neither may stand in for the header.
    const cookie = `rl_token=${server.token}; ${tokenCookieName(server.port)}=${server.token}`;
    const wrong = await post('/api/settings/appInfo', {}, { cookie, [TOKEN_HEADER]: 'x'.repeat(32) });
    expect(wrong.status).toBe(401);
    const empty = await post('/api/settings/appInfo', {}, { cookie, [TOKEN_HEADER]: '' });
    expect(empty.status).toBe(401);
    const right = await post('/api/settings/appInfo', {}, { cookie, [TOKEN_HEADER]: server.token });
    expect(right.status).toBe(200);
  });

  it('refuses requests that a page on another origin sends, even with the token', async () => {
    const foreign = `http://127.0.0.1:${server.port + 1}`;
    const headers = { [TOKEN_HEADER]: server.token };
    expect((await post('/api/settings/appInfo', {}, { ...headers, origin: foreign })).status).toBe(403);
    const media = await fetch(`${server.origin}/media/1?token=${server.token}`, {
      headers: { 'sec-fetch-site': 'same-site' },
    });
    expect(media.status).toBe(403);
    const own = await post('/api/settings/appInfo', {}, { ...headers, origin: server.origin });
    expect(own.status).toBe(200);
    expect(own.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('names its cookie after the instance, so two servers never overwrite each other', async () => {
    const res = await fetch(`${server.origin}/?token=${server.token}`);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^rl_token_${server.port}=`));
  });

  it('refuses an events socket from another origin, and one that presents only the cookie', async () => {
    const cookie = `${tokenCookieName(server.port)}=${server.token}`;
    const refused = (options: WebSocket.ClientOptions, query = ''): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events${query}`, options);
        ws.on('error', () => undefined);
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('open', () => {
          ws.close();
          reject(new Error('the socket opened'));
        });
      });
    const foreignOrigin = `http://127.0.0.1:${server.port + 1}`;
    expect(await refused({ headers: { cookie }, origin: foreignOrigin })).toBe(403);
    expect(await refused({ origin: foreignOrigin }, `?token=${server.token}`)).toBe(403);
    expect(await refused({ headers: { cookie }, origin: server.origin })).toBe(401);
  });

  it('closes a connection that sends part of a body and goes silent', async () => {
    const quick = await startBrowserServer({
      service,
      timeouts: { requestMs: 500, headersMs: 500, keepAliveMs: 500 },
    });
    const socket = net.connect({ host: '127.0.0.1', port: quick.port });
    try {
      const closed = new Promise<string>((resolve) => socket.once('close', () => resolve('closed')));
      socket.on('error', () => undefined);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.write(
        `POST /api/settings/get HTTP/1.1\r\nHost: 127.0.0.1:${quick.port}\r\n` +
          `${TOKEN_HEADER}: ${quick.token}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`,
      );
      const bound = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 15_000));
      expect(await Promise.race([closed, bound])).toBe('closed');
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    } finally {
      socket.destroy();
      await quick.close();
    }
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port }, () => {
        socket.write(
          `GET /?token=${server.token} HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: close\r\n\r\n`,
        );
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(Number(data.split(' ')[1])));
      socket.on('error', reject);
    });
    expect(res).toBe(403);
  });

  it('caps the request body size', async () => {
    const big = 'x'.repeat(33 * 1024 * 1024);
    const res = await post('/api/settings/update', { modelId: big }, { [TOKEN_HEADER]: server.token });
    expect(res.status).toBe(413);
  });

  it('is reachable on loopback only', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(await canConnect('127.0.0.1', server.port)).toBe(true);
    for (const address of externalAddresses()) {
      expect(await canConnect(address, server.port), address).toBe(false);
    }
  });

  it('pushes events over the WebSocket with the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received = new Promise<unknown>((resolve) =>
      ws.once('message', (m: Buffer) => resolve(JSON.parse(m.toString()))),
    );
    service.events.emit({ kind: 'project_changed', dir: null });
    expect(await received).toEqual({ kind: 'project_changed', dir: null });
    ws.close();
  });
});
