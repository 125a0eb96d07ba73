import { type Readable } from 'node:stream';
import { type FastifyInstance } from 'fastify';
import { err, ok } from '@contract';
import { type RadioLabelService } from '../core/api';
import { toApiError } from '../core/errors';
import { zipFolder } from '../core/formats/zip-folder';
import { MAX_UPLOAD_BYTES } from '../core/service/transfers';
import { tokenMatches } from './request-guards';

const TOKEN_HEADER = 'x-radiolabel-token';

/**
 * Browser-mode file transfers, on top of the token check every request passes:
 * - POST /upload?name=<file name>: the raw file body, streamed into the project's uploads/ folder
 *   (size-capped, name sanitised, never overwriting) and imported with the same checks as any import;
 *   answers a Result<ImportReport>. Like the API it needs the token header, not the cookie alone.
 * - GET /downloads/<id>: a prepared export (exports.prepareDownload) streamed as a zip, once.
 */
export async function registerTransferRoutes(
  app: FastifyInstance,
  service: RadioLabelService,
  token: string,
): Promise<void> {
  await app.register((scope, _options, done) => {
    // The body stays a stream: the upload is written to disk as it arrives, never held in memory.
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: { name?: string } }>('/upload', async (request, reply) => {
      // Like the API: the header must carry the token; the cookie a browser sends along never suffices.
      const presented = request.headers[TOKEN_HEADER];
      if (!tokenMatches(typeof presented === 'string' ? presented : undefined, token)) {
        return reply
          .code(401)
          .send(err('forbidden', `the ${TOKEN_HEADER} header is missing or wrong for uploads`));
      }
      const name = request.query.name;
      if (!name)
        return reply.code(400).send(err('invalid_input', 'upload: the name query parameter is required'));
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > MAX_UPLOAD_BYTES) {
        return reply
          .code(413)
          .send(
            err(
              'payload_too_large',
              `${name} is larger than the ${MAX_UPLOAD_BYTES / 2 ** 20} MiB upload limit`,
            ),
          );
      }
      try {
        return ok(await service.receiveUpload(name, request.body as Readable));
      } catch (e) {
        const apiError = toApiError(e);
        return reply
          .code(apiError.code === 'payload_too_large' ? 413 : 200)
          .send({ ok: false, error: apiError });
      }
    });
    done();
  });

  app.get<{ Params: { id: string } }>('/downloads/:id', async (request, reply) => {
    const prepared = /^[0-9a-f]{32}$/.test(request.params.id)
      ? service.takeDownload(request.params.id)
      : undefined;
    if (!prepared) return reply.code(404).send(err('not_found', 'no such download (each link works once)'));
    const zip = await zipFolder(prepared.dir, prepared.fileName.replace(/\.zip$/, ''));
    zip.once('close', prepared.done);
    zip.once('end', prepared.done);
    zip.once('error', prepared.done);
    void reply.header('content-type', 'application/zip');
    void reply.header(
      'content-disposition',
      `attachment; filename="${prepared.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(prepared.fileName)}`,
    );
    void reply.header('cache-control', 'no-store');
    return reply.send(zip);
  });
}
