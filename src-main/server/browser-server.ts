import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { MAX_REQUEST_BYTES } from '@contract';
import { MEDIA_CACHE_CONTROL, type RadioLabelService } from '../core/api';
import { dispatch, findMethod } from '../core/service/dispatch';
import {
  cookieValue,
  fetchSiteAllowed,
  hostAllowed,
  originAllowed,
  ownOrigins,
  tokenCookieName,
  tokenMatches,
} from './request-guards';
import { contentSecurityPolicy } from '../core/content-security-policy';
import { registerTransferRoutes } from './transfer-routes';

/** How long a client may take to send its request: a connection that stalls mid-request is closed. */
export interface ServerTimeouts {
  /** Time to receive the whole request, headers and body. */
  readonly requestMs: number;
  /** Time to receive the headers. */
  readonly headersMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 };

export interface BrowserServerOptions {
  readonly service: RadioLabelService;
  /** The built renderer (out/renderer). Absent: only the API is served. */
  readonly rendererDir?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly token?: string;
  readonly timeouts?: Partial<ServerTimeouts>;
}

export interface BrowserServer {
  readonly url: string;
  readonly origin: string;
  /** The address actually bound (always loopback). */
  readonly host: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-radiolabel-token';
/** Loopback only: the server never listens on an address another machine could reach. */
const HOST = '127.0.0.1';

type Deny = (reply: FastifyReply, status: number, message: string) => FastifyReply;
const deny: Deny = (reply, status, message) =>
  reply.code(status).send({ ok: false, error: { code: 'forbidden', message } });

/**
 * Browser mode: the same contract as Electron IPC, over HTTP + WebSocket on 127.0.0.1. Every request —
 * page, assets, API, media, events — must present the per-start random token (query, header, or this
 * instance's own cookie that the first page load sets), come from our own origin (fetch metadata, Origin),
 * and name our Host (DNS rebinding). API calls need the token header itself (a cross-site form cannot set
 * it), and the events socket the token in its URL; the cookie alone opens neither.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    bodyLimit: MAX_REQUEST_BYTES,
    logger: false,
    forceCloseConnections: true,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks request and header deadlines on an interval (30 s by default): check every second.
    serverFactory: (handler) =>
      http.createServer(
        {
          requestTimeout: timeouts.requestMs,
          headersTimeout: timeouts.headersMs,
          keepAliveTimeout: timeouts.keepAliveMs,
          connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
        },
        handler,
      ),
  });
  let port = 0;
  let origins: readonly string[] = [];

  app.addHook('onRequest', async (request, reply) => {
    if (!hostAllowed(request.headers, HOST, port)) return deny(reply, 403, 'bad Host header');
    if (!fetchSiteAllowed(request.headers) || !originAllowed(request.headers, origins))
      return deny(reply, 403, 'requests from another origin are refused');
    if (!presentedTokens(request, port).some((t) => tokenMatches(t, token)))
      return deny(reply, 401, 'missing or wrong token');
    // A page opened with ?token= gets this instance's cookie so that <img> and asset requests carry it.
    if (tokenMatches(queryToken(request), token)) {
      void reply.header('set-cookie', `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
  });
  // A refused WebSocket handshake leaves a socket that Node's HTTP parser no longer watches: end it, or it
  // stays half-open (and blocks close()) once the client goes away.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade && reply.statusCode !== 101) request.raw.socket.destroy();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', contentSecurityPolicy());
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    // No other origin may embed or read anything of ours (an <img> on another loopback port stays blank).
    void reply.header('cross-origin-resource-policy', 'same-origin');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('x-frame-options', 'DENY');
    return payload;
  });

  // Failures fastify finds before a handler runs (bad JSON, a poisoned prototype key, a body too large)
  // come back as Result values too, so that every answer the page reads has the same shape.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const code = status === 413 ? 'payload_too_large' : status < 500 ? 'invalid_input' : 'internal';
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? 'the request body is not valid JSON (or carries a __proto__ or constructor.prototype key)'
        : `the request was refused: ${error.message}`;
    return reply.code(status).send({ ok: false, error: { code, message } });
  });

  await app.register(fastifyWebsocket);
  registerApi(app, options.service, token);
  registerMedia(app, options.service);
  registerEvents(app, options.service, token);
  await registerTransferRoutes(app, options.service, token);

  if (options.rendererDir && existsSync(path.join(options.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: true });
  }

  await app.listen({ host: HOST, port: options.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  origins = ownOrigins(HOST, port);
  const boundHost = typeof address === 'object' && address ? address.address : '';
  const origin = `http://${HOST}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    host: boundHost,
    port,
    token,
    close: () => app.close(),
  };
}

function registerApi(app: FastifyInstance, service: RadioLabelService, token: string): void {
  app.post<{ Params: { group: string; method: string } }>('/api/:group/:method', async (request, reply) => {
    // The header itself must carry the right token: the cookie (sent along by the browser) never suffices.
    if (!tokenMatches(headerToken(request), token))
      return deny(reply, 401, `the ${TOKEN_HEADER} header is missing or wrong`);
    const ref = findMethod(request.params.group, request.params.method);
    if (!ref) {
      return reply.code(404).send({
        ok: false,
        error: {
          code: 'not_found',
          message: `unknown method ${request.params.group}.${request.params.method}`,
        },
      });
    }
    return dispatch(service.handlers, ref, request.body);
  });
}

function registerMedia(app: FastifyInstance, service: RadioLabelService): void {
  app.get<{ Params: { '*': string } }>('/media/*', async (request, reply) => {
    const body = await service.openMedia(request.params['*']);
    if (!body) return reply.code(404).send();
    void reply.header('etag', body.etag);
    void reply.header('cache-control', MEDIA_CACHE_CONTROL);
    if (request.headers['if-none-match'] === body.etag) {
      await body.handle.close();
      return reply.code(304).send();
    }
    void reply.header('content-type', body.contentType);
    void reply.header('content-length', body.sizeBytes);
    return reply.send(body.handle.createReadStream({ start: 0 }));
  });
}

function registerEvents(app: FastifyInstance, service: RadioLabelService, token: string): void {
  app.get(
    '/events',
    {
      websocket: true,
      // The handshake must name the token itself (query or header), not only carry the cookie.
      preValidation: async (request, reply) => {
        if (!tokenMatches(queryToken(request), token) && !tokenMatches(headerToken(request), token))
          return deny(reply, 401, 'the events socket needs the token in its URL');
      },
    },
    (socket) => {
      const unsubscribe = service.events.subscribe((event) => socket.send(JSON.stringify(event)));
      socket.on('close', unsubscribe);
    },
  );
}

function headerToken(request: FastifyRequest): string | undefined {
  const h = request.headers[TOKEN_HEADER];
  return typeof h === 'string' ? h : undefined;
}

function queryToken(request: FastifyRequest): string | undefined {
  const q = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

function presentedTokens(request: FastifyRequest, port: number): (string | undefined)[] {
  return [headerToken(request), queryToken(request), cookieValue(request.headers, tokenCookieName(port))];
}
