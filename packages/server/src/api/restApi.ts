// The REST API v2 (rooms and sessions) as a fastify plugin: token check first, then each route's
// access rule (restAccess.ts), JSON bodies up to 64 KB, every failure in the `{statusCode, error: {code, message}}` shape.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { REST_BODY_LIMIT_BYTES, RoomkitError } from '@roomkit/protocol';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { Store } from '../store/Store.js';
import { logger } from '../logger.js';
import { toErrorResponse } from './errors.js';
import { authorizeRest } from './restAuth.js';
import { checkAccess } from './restAccess.js';
import { zodValidatorCompiler } from './parse.js';
import { roomsRoutes } from './roomsRoutes.js';
import { sessionsRoutes } from './sessionsRoutes.js';
import { qualityRoutes } from './qualityRoutes.js';
import { recordingsRoutes, type RecordingsDeps } from './recordingsRoutes.js';
import { streamingRoutes, type StreamingDeps } from './streamingRoutes.js';
import { operatorRoutes, type OperatorDeps } from './operatorRoutes.js';

/** What the REST API needs of the live rooms. */
export type LiveRooms = Pick<RoomManager, 'liveSession' | 'endMeeting' | 'removeParticipant'>;

export interface RestApiDeps {
  store: Store;
  rooms: LiveRooms;
  /** Recordings (egress); without it those routes are not mounted. */
  recordings?: RecordingsDeps;
  /** RTMP livestreams and HLS (egress); without it those routes are not mounted. */
  streaming?: StreamingDeps;
  /** The dashboard's operator-only routes (/v2/operator/*); without it they are not mounted. */
  operator?: OperatorDeps;
  auth: TokenContext;
  /** Rooms `POST /v2/rooms` may create per token per minute (absent or 0: no limit). */
  roomsCreatedPerTokenPerMinute?: number;
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
    // Fail closed at boot too: a route added without a rule is a bug found before anyone calls it.
    if (!route.config?.access) throw new Error(`REST route ${String(route.method)} ${route.url} declares no access rule (config.access, see restAccess.ts)`);
  });
  app.addHook('onRequest', async (req) => {
    // Download links also work from a plain <a href> / curl: `?token=` on the file route.
    const fileToken = req.method === 'GET' && /^\/v2\/recordings\/[^/]+\/file(\?|$)/.test(req.url) ? queryToken(req.query) : undefined;
    req.roomkitClaims = authorizeRest(req.headers.authorization ?? fileToken, deps.auth);
  });
  // After the body is read (the room may be in it), before it is validated (a caller without the
  // right is refused whatever it sent) and before any handler looks anything up.
  app.addHook('preValidation', async (req) => {
    await checkAccess(req, req.roomkitClaims!, deps.store);
  });
  app.setErrorHandler((err, req, reply) => {
    const { statusCode, body } = toErrorResponse(err);
    // The path only: the query may hold a token (`?token=` on downloads).
    if (statusCode >= 500) log.error({ err, method: req.method, path: pathOf(req.url) }, 'REST request failed');
    return reply.code(statusCode).send(body);
  });
  // Each route's `schema` (zod, from packages/protocol) validates its params, query and body, and
  // is what /v2/openapi.json describes (http/openapi.ts).
  app.setValidatorCompiler(zodValidatorCompiler);
  const api = app.withTypeProvider<ZodTypeProvider>();
  roomsRoutes(api, deps);
  sessionsRoutes(api, deps);
  qualityRoutes(api, deps);
  if (deps.recordings) recordingsRoutes(api, deps, deps.recordings);
  if (deps.streaming) streamingRoutes(api, deps, deps.streaming);
  if (deps.operator) operatorRoutes(api, deps.operator);
}
