// Serves the SDK builds: plain URLs (/sdk/videosdk.js, .mjs, their .map) revalidated by ETag,
// immutable versioned URLs (/sdk/<version>/...), and /sdk/manifest.json naming the current version.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@roomkit/protocol';
import { SDK_CLASSIC, SDK_MODULE, type SdkBundle, type SdkFile } from './sdkBundle.js';

const REVALIDATE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** If-None-Match matches (weak comparison, RFC 9110 13.1.2): `*` or any listed tag, W/ or not. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

function send(req: FastifyRequest, reply: FastifyReply, file: Pick<SdkFile, 'body' | 'contentType' | 'etag'>, cacheControl: string): FastifyReply {
  reply.header('cache-control', cacheControl).header('etag', file.etag).header('x-content-type-options', 'nosniff');
  if (etagMatches(req.headers['if-none-match'], file.etag)) return reply.code(304).send();
  return reply.type(file.contentType).send(file.body);
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ statusCode: 404, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message } });
}

export function sdkRoutes(app: FastifyInstance, bundle: SdkBundle): void {
  const { version, files } = bundle;
  const manifestBody = Buffer.from(
    JSON.stringify({
      version,
      // Relative to the manifest's own URL: `new URL(files['videosdk.js'].url, manifestUrl)`.
      files: Object.fromEntries(
        [SDK_CLASSIC, SDK_MODULE].map((name) => [name, { url: `${version}/${name}`, integrity: files.get(name)!.integrity }]),
      ),
    }),
  );
  const manifest = { body: manifestBody, contentType: 'application/json; charset=utf-8', etag: `"${version}"` };

  app.get('/sdk/manifest.json', (req, reply) => send(req, reply, manifest, REVALIDATE));

  for (const [name, file] of files) {
    app.get(`/sdk/${name}`, (req, reply) => send(req, reply, file, REVALIDATE));
  }

  app.get('/sdk/:version/:file', (req, reply) => {
    const params = req.params as { version: string; file: string };
    const file = files.get(params.file);
    if (!file) return notFound(reply, `sdk: no file ${params.file}; the SDK files are ${[...files.keys()].join(', ')}`);
    if (params.version !== version) {
      return notFound(reply, `sdk: version ${params.version} is not served here; this server serves ${version} (see /sdk/manifest.json)`);
    }
    return send(req, reply, file, IMMUTABLE);
  });
}
