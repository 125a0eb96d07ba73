import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MEDIA_CACHE_CONTROL, type RadioLabelService } from '../core/api';
import { contentSecurityPolicy } from '../core/content-security-policy';

/**
 * The app:// protocol as a plain function from Request to Response (no Electron import, so it is unit
 * tested in Node): `app://bundle/<file>` serves the built renderer, `app://media/<address>` image bytes
 * (see core/images/media-key). It never throws: a bad percent-escape is 400, an escaping path or unknown
 * host 404, an unexpected failure 500.
 */
export async function answerAppRequest(
  request: Request,
  rendererDir: string,
  service: Pick<RadioLabelService, 'openMedia'>,
): Promise<Response> {
  try {
    const url = new URL(request.url);
    if (url.host === 'media') return await answerMedia(url, request, service);
    if (url.host === 'bundle') return await answerBundle(url, path.resolve(rendererDir));
    return status(404);
  } catch {
    return status(500);
  }
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

async function answerBundle(url: URL, root: string): Promise<Response> {
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return status(400);
  }
  if (rel.includes('\0')) return status(400);
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(root + path.sep)) return status(404);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return status(404);
  }
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy({ media: ['app://media'] }),
      'x-content-type-options': 'nosniff',
    },
  });
}

async function answerMedia(
  url: URL,
  request: Request,
  service: Pick<RadioLabelService, 'openMedia'>,
): Promise<Response> {
  // The address is matched as sent (no decoding): anything but `<key>/<id>/<hash>[/thumbnail]` is a 404.
  const body = await service.openMedia(url.pathname.replace(/^\//, ''));
  if (!body) return status(404);
  const headers = {
    etag: body.etag,
    'cache-control': MEDIA_CACHE_CONTROL,
    'x-content-type-options': 'nosniff',
  };
  if (request.headers.get('if-none-match') === body.etag) {
    await body.handle.close();
    return new Response(null, { status: 304, headers });
  }
  const stream = Readable.toWeb(body.handle.createReadStream({ start: 0 })) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: { ...headers, 'content-type': body.contentType, 'content-length': String(body.sizeBytes) },
  });
}

function status(code: number): Response {
  return new Response(null, { status: code });
}
