// Serves the SDK builds: plain URLs (/sdk/videosdk.js, .mjs, their .map) revalidated by ETag,
// immutable versioned URLs (/sdk/<version>/...), and /sdk/manifest.json naming the current version.
// Brotli or gzip when the client takes it, compressed once on first use.
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

type Served = Pick<SdkFile, 'body' | 'contentType' | 'etag'>;
type Encoding = 'br' | 'gzip';

/** The encoding to send: br, else gzip, when Accept-Encoding takes it (a `;q=0` refuses it). */
export function pickEncoding(acceptEncoding: string | undefined): Encoding | null {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(/\s*;\s*/))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q))
      .map(([name]) => name),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

const compressed = new WeakMap<Served, Partial<Record<Encoding, Buffer>>>();

function encode(file: Served, encoding: Encoding): Buffer {
  const cache = compressed.get(file) ?? {};
  compressed.set(file, cache);
  // Scripts at brotli's best (about 50 ms each); the larger maps, read only by devtools, faster.
  const quality = file.contentType.startsWith('text/javascript') ? 11 : 5;
  return (cache[encoding] ??=
    encoding === 'br' ? brotliCompressSync(file.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: quality, [zlib.BROTLI_PARAM_SIZE_HINT]: file.body.length } }) : gzipSync(file.body, { level: 9 }));
}

/** Adds to Vary rather than replacing it (CORS may have put Origin there). */
function addVary(reply: FastifyReply, name: string): void {
  const current = reply.getHeader('vary');
  reply.header('vary', current ? `${String(current)}, ${name}` : name);
}

function send(req: FastifyRequest, reply: FastifyReply, file: Served, cacheControl: string): FastifyReply {
  const encoding = pickEncoding(req.headers['accept-encoding']);
  // Each encoding is its own representation, so its own strong validator.
  const etag = encoding ? `${file.etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"` : file.etag;
  reply.header('cache-control', cacheControl).header('etag', etag).header('x-content-type-options', 'nosniff');
  addVary(reply, 'Accept-Encoding');
  if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  if (!encoding) return reply.type(file.contentType).send(file.body);
  return reply.type(file.contentType).header('content-encoding', encoding).send(encode(file, encoding));
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
