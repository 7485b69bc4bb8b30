// The REST API v2 (rooms and sessions) as a fastify plugin: token check first, JSON bodies up to
// 64 KB, every failure in the `{statusCode, error: {code, message}}` shape.
import type { FastifyInstance } from 'fastify';
import { REST_BODY_LIMIT_BYTES, RoomkitError } from '@roomkit/protocol';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { Store } from '../store/Store.js';
import { logger } from '../logger.js';
import type { OutboundPolicy } from '../webhooks/OutboundPolicy.js';
import { toErrorResponse } from './errors.js';
import { authorizeRest } from './restAuth.js';
import { roomsRoutes } from './roomsRoutes.js';
import { sessionsRoutes } from './sessionsRoutes.js';
import { recordingsRoutes, type RecordingsDeps } from './recordingsRoutes.js';
import { streamingRoutes, type StreamingDeps } from './streamingRoutes.js';

/** What the REST API needs of the live rooms. */
export type LiveRooms = Pick<RoomManager, 'liveSession' | 'endMeeting' | 'removeParticipant'>;

export interface RestApiDeps {
  store: Store;
  rooms: LiveRooms;
  /** Recordings (egress); without it those routes are not mounted. */
  recordings?: RecordingsDeps;
  /** RTMP livestreams and HLS (egress); without it those routes are not mounted. */
  streaming?: StreamingDeps;
  auth: TokenContext;
  /** Where URLs given with a participant's token may point (absent: public addresses only). */
  outbound?: OutboundPolicy;
}

/** The `?token=` of a download link: one string, or a 401 naming what came instead. */
function queryToken(query: unknown): string | undefined {
  const token = (query as { token?: unknown } | null)?.token;
  if (token === undefined || typeof token === 'string') return token;
  const what = Array.isArray(token) ? `${token.length} token parameters` : 'a token that is not a string';
  throw new RoomkitError('INVALID_TOKEN', `token: give one ?token= query parameter, not ${what}`);
}

const pathOf = (url: string) => url.split('?', 1)[0];

export async function restApi(app: FastifyInstance, deps: RestApiDeps): Promise<void> {
  const log = logger('api');
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= REST_BODY_LIMIT_BYTES;
  });
  app.addHook('onRequest', async (req) => {
    // Download links also work from a plain <a href> / curl: `?token=` on the file route.
    const fileToken = req.method === 'GET' && /^\/v2\/recordings\/[^/]+\/file(\?|$)/.test(req.url) ? queryToken(req.query) : undefined;
    authorizeRest(req.headers.authorization ?? fileToken, deps.auth);
  });
  app.setErrorHandler((err, req, reply) => {
    const { statusCode, body } = toErrorResponse(err);
    // The path only: the query may hold a token (`?token=` on downloads).
    if (statusCode >= 500) log.error({ err, method: req.method, path: pathOf(req.url) }, 'REST request failed');
    return reply.code(statusCode).send(body);
  });
  roomsRoutes(app, deps);
  sessionsRoutes(app, deps);
  if (deps.recordings) recordingsRoutes(app, deps, deps.recordings);
  if (deps.streaming) streamingRoutes(app, deps, deps.streaming);
}
