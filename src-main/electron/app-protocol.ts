import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { ImageIdSchema } from '@contract';
import { type RadioLabelService } from '../core/api';
import { contentSecurityPolicy } from '../core/content-security-policy';
import { APP_SCHEME } from './window-options';

/** Must run before app 'ready': app:// behaves like a secure, standard origin (fetch, ESM, CSP). */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
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

/**
 * app://bundle/<file> serves the built renderer; app://media/<imageId> serves image bytes by id. Any path
 * that escapes the renderer folder, and any unknown host, is a 404.
 */
export function handleAppProtocol(rendererDir: string, service: RadioLabelService): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host === 'media') {
      const id = ImageIdSchema.safeParse(Number(url.pathname.replace(/^\//, '')));
      if (!id.success) return new Response(null, { status: 404 });
      const variant = url.searchParams.get('variant') === 'thumbnail' ? 'thumbnail' : 'original';
      const file = await service.resolveMedia(id.data, variant);
      if (!file) return new Response(null, { status: 404 });
      return net.fetch(pathToFileURL(file.path).href);
    }
    if (url.host !== 'bundle') return new Response(null, { status: 404 });
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) return new Response(null, { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
          'content-security-policy': contentSecurityPolicy(),
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
