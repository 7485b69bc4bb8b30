// The REST API v2 (rooms and sessions) as a fastify plugin: token check first, JSON bodies up to
// 64 KB, every failure in the `{statusCode, error: {code, message}}` shape.
import type { FastifyInstance } from 'fastify';
import { REST_BODY_LIMIT_BYTES } from '@roomkit/protocol';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { Store } from '../store/Store.js';
import { logger } from '../logger.js';
import { toErrorResponse } from './errors.js';
import { authorizeRest } from './restAuth.js';
import { roomsRoutes } from './roomsRoutes.js';
import { sessionsRoutes } from './sessionsRoutes.js';

/** What the REST API needs of the live rooms. */
export type LiveRooms = Pick<RoomManager, 'liveSession' | 'endMeeting' | 'removeParticipant'>;

export interface RestApiDeps {
  store: Store;
  rooms: LiveRooms;
  auth: TokenContext;
}

export async function restApi(app: FastifyInstance, deps: RestApiDeps): Promise<void> {
  const log = logger('api');
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= REST_BODY_LIMIT_BYTES;
  });
  app.addHook('onRequest', async (req) => {
    authorizeRest(req.headers.authorization, deps.auth);
  });
  app.setErrorHandler((err, req, reply) => {
    const { statusCode, body } = toErrorResponse(err);
    if (statusCode >= 500) log.error({ err, url: req.url }, 'REST request failed');
    return reply.code(statusCode).send(body);
  });
  roomsRoutes(app, deps);
  sessionsRoutes(app, deps);
}
