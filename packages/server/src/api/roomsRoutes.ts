// REST API v2 rooms: create (idempotent on customRoomId), list, fetch, validate, deactivate.
import type { FastifyRequest } from 'fastify';
import type { StoredRoom } from '../store/Store.js';
import { createRoomBodySchema, deactivateRoomBodySchema, pageQuerySchema, restIdSchema } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol';
import { z } from 'zod';
import { KeyedRateLimiter } from '../rooms/KeyedRateLimiter.js';
import { ApiError, notFound } from './errors.js';
import { anyMeetingToken, isOperator, operatorOnly, paramRoom } from './restAccess.js';
import type { RestApp } from './parse.js';
import { baseUrl, paged, roomResponse } from './present.js';
import type { RestApiDeps } from './restApi.js';

const roomParams = z.object({ roomId: restIdSchema });

export function roomsRoutes(app: RestApp, { store, rooms, roomsCreatedPerTokenPerMinute }: RestApiDeps): void {
  // A meeting token may create rooms (VideoSDK apps' "New meeting" button), so a guest could fill
  // the database with them: creations are rate-limited per token.
  const creations = new KeyedRateLimiter(roomsCreatedPerTokenPerMinute ?? 0);

  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };

  // VideoSDK apps' "New meeting" button creates rooms with the meeting token; a webhook (where the
  // server will POST) is the operator's to set.
  /** The room as this caller may see it: where its webhook points is the operator's business. */
  const shown = (req: FastifyRequest, room: StoredRoom) => {
    const response = roomResponse(room, baseUrl(req));
    return isOperator(req.roomkitClaims!) ? response : { ...response, webhook: null };
  };

  app.post('/v2/rooms', { schema: { body: createRoomBodySchema.default({}) }, config: { access: anyMeetingToken() } }, async (req) => {
    const body = req.body;
    const operator = isOperator(req.roomkitClaims!);
    if (body.webhook !== undefined && !operator) {
      throw new ApiError(403, 'INVALID_PERMISSIONS', 'webhook: setting a room\'s webhook needs an operator token ("roles" including "crawler")');
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    // The operator's own tokens (role crawler) are not limited.
    if (!operator && !creations.take(token)) {
      throw new RoomkitError('RATE_LIMITED', `this token created ${creations.perMinute} rooms in the last minute; try again in a minute`);
    }
    let created = false;
    try {
      const result = await store.createRoom(body);
      created = result.created;
      return shown(req, result.room);
    } finally {
      if (!created && !operator) creations.refund(token); // an existing customRoomId, or a failure: nothing was created
    }
  });

  app.get('/v2/rooms', { schema: { querystring: pageQuerySchema }, config: { access: operatorOnly } }, async (req) => {
    const page = req.query;
    return paged(await store.listRooms(page), page, (room) => roomResponse(room, baseUrl(req)));
  });

  app.get('/v2/rooms/validate/:roomId', { schema: { params: roomParams }, config: { access: anyMeetingToken(paramRoom) } }, async (req) => {
    const { roomId } = req.params;
    return shown(req, await findRoom(roomId));
  });

  app.get('/v2/rooms/:roomId', { schema: { params: roomParams }, config: { access: anyMeetingToken(paramRoom) } }, async (req) => {
    const { roomId } = req.params;
    return shown(req, await findRoom(roomId));
  });

  app.post('/v2/rooms/deactivate', { schema: { body: deactivateRoomBodySchema }, config: { access: operatorOnly } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const disabled = (await store.deactivateRoom(room.roomId)) ?? room;
    await rooms.endMeeting(room.roomId);
    return roomResponse(disabled, baseUrl(req));
  });
}
