// REST API v2 rooms: create (idempotent on customRoomId), list, fetch, validate, deactivate.
import type { FastifyInstance } from 'fastify';
import { createRoomBodySchema, deactivateRoomBodySchema, pageQuerySchema, restIdSchema } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol';
import { z } from 'zod';
import { KeyedRateLimiter } from '../rooms/KeyedRateLimiter.js';
import { decodeJwtUnverified } from '../auth/jwt.js';
import { notFound } from './errors.js';
import { parseInput } from './parse.js';
import { baseUrl, paged, roomResponse } from './present.js';
import type { RestApiDeps } from './restApi.js';

const roomParams = z.object({ roomId: restIdSchema });

/** A token whose roles include `crawler` (its signature was verified before the route ran). */
function isOperatorToken(token: string): boolean {
  try {
    const roles = decodeJwtUnverified(token).payload.roles;
    return Array.isArray(roles) && roles.includes('crawler');
  } catch {
    return false;
  }
}

export function roomsRoutes(app: FastifyInstance, { store, rooms, roomsCreatedPerTokenPerMinute }: RestApiDeps): void {
  // A meeting token may create rooms (VideoSDK apps' "New meeting" button), so a guest could fill
  // the database with them: creations are rate-limited per token.
  const creations = new KeyedRateLimiter(roomsCreatedPerTokenPerMinute ?? 0);

  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };

  app.post('/v2/rooms', async (req) => {
    const body = parseInput(createRoomBodySchema, req.body ?? {}, 'body');
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    // The operator's own tokens (role crawler, checked by the onRequest hook) are not limited.
    const operator = isOperatorToken(token);
    if (!operator && !creations.take(token)) {
      throw new RoomkitError('RATE_LIMITED', `this token created ${creations.perMinute} rooms in the last minute; try again in a minute`);
    }
    let created = false;
    try {
      const result = await store.createRoom(body);
      created = result.created;
      return roomResponse(result.room, baseUrl(req));
    } finally {
      if (!created && !operator) creations.refund(token); // an existing customRoomId, or a failure: nothing was created
    }
  });

  app.get('/v2/rooms', async (req) => {
    const page = parseInput(pageQuerySchema, req.query, 'query');
    return paged(await store.listRooms(page), page, (room) => roomResponse(room, baseUrl(req)));
  });

  app.get('/v2/rooms/validate/:roomId', async (req) => {
    const { roomId } = parseInput(roomParams, req.params, 'params');
    return roomResponse(await findRoom(roomId), baseUrl(req));
  });

  app.get('/v2/rooms/:roomId', async (req) => {
    const { roomId } = parseInput(roomParams, req.params, 'params');
    return roomResponse(await findRoom(roomId), baseUrl(req));
  });

  app.post('/v2/rooms/deactivate', async (req) => {
    const body = parseInput(deactivateRoomBodySchema, req.body, 'body');
    const room = await findRoom(body.roomId);
    const disabled = (await store.deactivateRoom(room.roomId)) ?? room;
    await rooms.endMeeting(room.roomId);
    return roomResponse(disabled, baseUrl(req));
  });
}
