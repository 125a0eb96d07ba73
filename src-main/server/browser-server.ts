import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { MAX_REQUEST_BYTES, ImageIdSchema } from '@contract';
import { type RadioLabelService } from '../core/api';
import { dispatch, findMethod } from '../core/service/dispatch';
import { contentSecurityPolicy } from './security-headers';
import { registerTransferRoutes } from './transfer-routes';

export interface BrowserServerOptions {
  readonly service: RadioLabelService;
  /** The built renderer (out/renderer). Absent: only the API is served. */
  readonly rendererDir?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly token?: string;
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
const TOKEN_COOKIE = 'rl_token';
/** Loopback only: the server never listens on an address another machine could reach. */
const HOST = '127.0.0.1';

/**
 * Browser mode: the same contract as Electron IPC, over HTTP + WebSocket on 127.0.0.1. Every request —
 * page, assets, API, media, events — must present the per-start random token (query, header or the
 * SameSite=Strict cookie the first page load sets). The Host header is checked too, against DNS rebinding.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const app = Fastify({ bodyLimit: MAX_REQUEST_BYTES, logger: false });
  let port = 0;

  app.addHook('onRequest', async (request, reply) => {
    if (!hostAllowed(request, port))
      return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: 'bad Host header' } });
    if (!hasToken(request, token)) {
      return reply
        .code(401)
        .send({ ok: false, error: { code: 'forbidden', message: 'missing or wrong token' } });
    }
    // A page opened with ?token= gets a cookie so that <img> and asset requests carry the token too.
    if (typeof (request.query as Record<string, unknown>).token === 'string') {
      void reply.header('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', contentSecurityPolicy());
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  await app.register(fastifyWebsocket);
  registerApi(app, options.service);
  registerMedia(app, options.service);
  registerEvents(app, options.service);
  await registerTransferRoutes(app, options.service);

  if (options.rendererDir && existsSync(path.join(options.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: true });
  }

  await app.listen({ host: HOST, port: options.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
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

function registerApi(app: FastifyInstance, service: RadioLabelService): void {
  app.post<{ Params: { group: string; method: string } }>('/api/:group/:method', async (request, reply) => {
    // The custom header is required for API calls (not the cookie alone): a cross-site form cannot set it.
    if (!headerToken(request)) {
      return reply
        .code(401)
        .send({ ok: false, error: { code: 'forbidden', message: `the ${TOKEN_HEADER} header is required` } });
    }
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
  app.get<{ Params: { imageId: string }; Querystring: { variant?: string } }>(
    '/media/:imageId',
    async (request, reply) => {
      const id = ImageIdSchema.safeParse(Number(request.params.imageId));
      if (!id.success) return reply.code(404).send();
      const variant = request.query.variant === 'thumbnail' ? 'thumbnail' : 'original';
      const file = await service.resolveMedia(id.data, variant);
      if (!file) return reply.code(404).send();
      void reply.header('content-type', file.contentType);
      void reply.header('cache-control', 'private, max-age=3600');
      return reply.send(createReadStream(file.path));
    },
  );
}

function registerEvents(app: FastifyInstance, service: RadioLabelService): void {
  app.get('/events', { websocket: true }, (socket) => {
    const unsubscribe = service.events.subscribe((event) => socket.send(JSON.stringify(event)));
    socket.on('close', unsubscribe);
  });
}

function headerToken(request: FastifyRequest): string | undefined {
  const h = request.headers[TOKEN_HEADER];
  return typeof h === 'string' ? h : undefined;
}

function hasToken(request: FastifyRequest, token: string): boolean {
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  const candidates = [
    headerToken(request),
    typeof query === 'string' ? query : undefined,
    cookieToken(request),
  ];
  return candidates.some((c) => c !== undefined && safeEqual(c, token));
}

function cookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === TOKEN_COOKIE && v) return v;
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function hostAllowed(request: FastifyRequest, port: number): boolean {
  const host = request.headers.host;
  if (!host) return false;
  return host === `${HOST}:${port}` || host === `localhost:${port}`;
}
