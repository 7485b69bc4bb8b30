// HLS over HTTP: the segment and playlist files of every stream (`/hls/<roomId>/<id>/<file>`),
// the audience's viewer page (`/hls/<roomId>`, hls.js), the room's current stream for that page
// (`/hls/<roomId>/state`) and hls.js itself (`/vendor/hls.min.js`). Public like a broadcast: no
// token; only names matching the segment/playlist pattern are ever opened, under the HLS dir.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, idSchema, type EgressStateInfo } from '@roomkit/protocol';
import { HLS_FILE_PATTERN, hlsDirOf } from '../egress/hls/HlsOutput.js';
import { IMMUTABLE, NO_CACHE, sendFile } from '../api/sendFile.js';

export interface HlsRoutesDeps {
  dataDir: string;
  /** The room's HLS state while one runs (status and URL paths), else null. */
  hlsState(roomId: string): EgressStateInfo | null;
}

const publicDir = fileURLToPath(new URL('../../public', import.meta.url));
const require = createRequire(import.meta.url);

function contentType(file: string): string {
  if (file.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (file.endsWith('.ts')) return 'video/mp2t';
  if (file.endsWith('.jpg')) return 'image/jpeg';
  return 'video/mp4';
}

const notFound = (what: string) => ({ statusCode: 404, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: what } });

export function hlsRoutes(app: FastifyInstance, deps: HlsRoutesDeps): void {
  const viewer = readFileSync(join(publicDir, 'hls', 'viewer.html'));
  const viewerScript = readFileSync(join(publicDir, 'hls', 'viewer.js'));
  let hlsJs: Buffer | null = null;

  app.get('/vendor/hls.min.js', (_req, reply) => {
    hlsJs ??= readFileSync(require.resolve('hls.js/dist/hls.min.js'));
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(hlsJs);
  });

  app.get('/hls-viewer.js', (_req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(viewerScript);
  });

  app.get('/hls/:roomId', (req, reply) => {
    const { roomId } = req.params as { roomId: string };
    if (!idSchema.safeParse(roomId).success) return reply.code(404).send(notFound(`no room "${roomId}"`));
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(viewer);
  });

  app.get('/hls/:roomId/state', (req, reply) => {
    const { roomId } = req.params as { roomId: string };
    if (!idSchema.safeParse(roomId).success) return reply.code(404).send(notFound(`no room "${roomId}"`));
    const state = deps.hlsState(roomId);
    reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*');
    return state ?? { kind: 'hls', status: 'HLS_STOPPED' };
  });

  app.get('/hls/:roomId/:id/:file', async (req, reply) => {
    const { roomId, id, file } = req.params as { roomId: string; id: string; file: string };
    // Every part is checked against a closed alphabet before it touches the filesystem.
    if (!idSchema.safeParse(roomId).success || !/^[0-9a-f]{8,64}$/.test(id) || !HLS_FILE_PATTERN.test(file)) {
      return reply.code(404).send(notFound(`no HLS file ${req.url.split('?')[0]}`));
    }
    const path = join(hlsDirOf(deps.dataDir, roomId, id), file);
    // Playlists change every segment (revalidated: ETag → 304 while unchanged); segments and
    // captures never change once they exist; the stream's recording may still be growing.
    reply.header('access-control-allow-origin', '*');
    return sendFile(req, reply, path, {
      contentType: contentType(file),
      cacheControl: file.endsWith('.ts') || file.endsWith('.jpg') ? IMMUTABLE : NO_CACHE,
      notFoundMessage: `no HLS file ${req.url.split('?')[0]}`,
    });
  });
}
