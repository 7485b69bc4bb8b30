// Files answered as HTTP caches and media players expect, through @fastify/send (the library behind
// @fastify/static): `Range` (206, `Accept-Ranges: bytes`, 416 with `Content-Range: bytes */size`),
// ETag and Last-Modified with `If-None-Match` / `If-Modified-Since` → 304, `If-Range`, HEAD.
// Callers have already validated and resolved the path: only that file's own name reaches `send`,
// rooted at its own directory, so nothing in a request can name another file.
import { basename, dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@roomkit/protocol';

export interface SendFileOptions {
  contentType: string;
  cacheControl: string;
  /** `attachment; filename=…` for downloads. */
  contentDisposition?: string;
  /** The body of a 404 (the file went away between the caller's check and now). */
  notFoundMessage: string;
}

/** Cache-Control of files that never change once written (HLS segments, captures). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control of files rewritten while they are served (live playlists): always revalidate. */
export const NO_CACHE = 'no-cache';

export async function sendFile(req: FastifyRequest, reply: FastifyReply, path: string, opts: SendFileOptions): Promise<FastifyReply> {
  const result = await send(req.raw, `/${encodeURIComponent(basename(path))}`, {
    root: dirname(path),
    dotfiles: 'deny',
    index: false,
    cacheControl: false, // ours below: send only knows max-age
    contentType: false,
  });
  const errorBody = (statusCode: number, message: string) => ({ statusCode, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message } });
  if (result.type !== 'file') {
    const status = result.type === 'directory' ? 404 : result.statusCode;
    result.stream.destroy?.();
    // 416 keeps send's `Content-Range: bytes */<size>` so a player learns the real length.
    if (status === 416) {
      return reply.code(416).header('content-range', result.headers['Content-Range']).send(errorBody(416, 'range: not satisfiable for this file'));
    }
    if (status === 412) return reply.code(412).send(errorBody(412, 'precondition failed: the file changed'));
    return reply.code(404).send(errorBody(404, opts.notFoundMessage));
  }
  reply.code(result.statusCode).headers(result.headers).header('cache-control', opts.cacheControl);
  if (result.statusCode !== 304) reply.header('content-type', opts.contentType);
  if (opts.contentDisposition) reply.header('content-disposition', opts.contentDisposition);
  return reply.send(result.stream);
}
