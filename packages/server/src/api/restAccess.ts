// Who may call which REST route (least privilege, issue #14). Every /v2 route declares an `access`
// rule in its route config; one preValidation hook checks it against the caller's verified claims, after
// the body is parsed (the room may be in it) and before the handler reads anything. A route
// without a rule is refused to everyone (fail closed). The table is in the root README.
import type { FastifyRequest } from 'fastify';
import { RoomkitError } from '@roomkit/protocol';
import type { TokenClaims } from '../auth/AccessToken.js';
import type { Store } from '../store/Store.js';
import { ApiError } from './errors.js';

/** The room a request acts on, read from its params, query, body or a stored record; undefined if none. */
export type RoomOf = (req: FastifyRequest) => Promise<string | undefined> | string | undefined;

export type RouteAccess =
  /** Operator only: a token whose `roles` include `crawler`. */
  | { who: 'operator' }
  /**
   * Any valid meeting token (what front-end apps hold). With `room`, a token whose `roomId` claim
   * is set must name the request's room.
   */
  | { who: 'meeting'; room?: RoomOf }
  /** The operator, or a token whose `roomId` claim is the request's room and which holds `allow_mod`. */
  | { who: 'moderator'; room: RoomOf };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The verified claims of the REST caller (set by the token check in restApi.ts). */
    roomkitClaims?: TokenClaims;
  }
}

export const OPERATOR_ROLE = 'crawler';

export const operatorOnly: RouteAccess = { who: 'operator' };
export const anyMeetingToken = (room?: RoomOf): RouteAccess => ({ who: 'meeting', room });
export const roomModerator = (room: RoomOf): RouteAccess => ({ who: 'moderator', room });

const field = (source: unknown, name: string): string | undefined => {
  const value = (source as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
export const bodyRoom: RoomOf = (req) => field(req.body, 'roomId');
export const queryRoom: RoomOf = (req) => field(req.query, 'roomId');
export const paramRoom: RoomOf = (req) => field(req.params, 'roomId');

export const isOperator = (claims: TokenClaims) => claims.roles?.includes(OPERATOR_ROLE) === true;

const operatorNeeded = (route: string) =>
  new RoomkitError('UNAUTHORIZED_ROLE', `${route} needs an operator token: its "roles" claim must include "${OPERATOR_ROLE}"`);

/** Throws the 403 that says which claim is missing, or returns when `claims` may make this call. */
export async function checkAccess(req: FastifyRequest, claims: TokenClaims, store: Pick<Store, 'getRoom'>): Promise<void> {
  const access = req.routeOptions.config.access;
  const route = `${req.method} ${req.routeOptions.url ?? ''}`;
  if (!access) throw new ApiError(403, 'UNAUTHORIZED_REQUEST', `${route} declares no access rule, so no token may call it (fail closed)`);
  if (isOperator(claims)) return;
  if (access.who === 'operator') throw operatorNeeded(route);
  if (access.who === 'meeting' && (access.room === undefined || claims.roomId === undefined)) return;
  if (claims.roomId === undefined) {
    throw new RoomkitError(
      'UNAUTHORIZED_ROLE',
      `${route} needs an operator token ("roles" including "${OPERATOR_ROLE}") or a token whose "roomId" claim is the room it acts on, with "allow_mod"`,
    );
  }
  const requested = await access.room!(req);
  if (requested === undefined || !(await sameRoom(claims.roomId, requested, store))) {
    const which = requested === undefined ? 'no single room' : `room ${JSON.stringify(requested.slice(0, 64))}`;
    throw new RoomkitError('UNAUTHORIZED_MEETING_ID', `token is for room "${claims.roomId}", but ${route} acts on ${which}; an operator token ("roles" including "${OPERATOR_ROLE}") may act on any room`);
  }
  if (access.who === 'moderator' && !claims.permissions.includes('allow_mod')) {
    throw new ApiError(403, 'INVALID_PERMISSIONS', `${route} needs "allow_mod" in the token's "permissions" (has [${claims.permissions.join(', ')}])`);
  }
}

/** A room named by its roomId or its customRoomId is the same room. */
async function sameRoom(claimed: string, requested: string, store: Pick<Store, 'getRoom'>): Promise<boolean> {
  if (claimed === requested) return true;
  const [a, b] = await Promise.all([store.getRoom(claimed), store.getRoom(requested)]);
  return a !== null && b !== null && a.roomId === b.roomId;
}
