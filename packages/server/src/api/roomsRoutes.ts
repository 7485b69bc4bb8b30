// REST API v2 rooms: create (idempotent on customRoomId), list, fetch, validate, deactivate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StoredRoom } from '../store/Store.js';
import { createRoomBodySchema, deactivateRoomBodySchema, pageQuerySchema, restIdSchema } from '@roomkit/protocol';
import { z } from 'zod';
import { ApiError, notFound } from './errors.js';
import { anyMeetingToken, isOperator, operatorOnly, paramRoom } from './restAccess.js';
import { parseInput } from './parse.js';
import { baseUrl, paged, roomResponse } from './present.js';
import type { RestApiDeps } from './restApi.js';

const roomParams = z.object({ roomId: restIdSchema });

export function roomsRoutes(app: FastifyInstance, { store, rooms }: RestApiDeps): void {
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

  app.post('/v2/rooms', { config: { access: anyMeetingToken() } }, async (req) => {
    const body = parseInput(createRoomBodySchema, req.body ?? {}, 'body');
    if (body.webhook !== undefined && !isOperator(req.roomkitClaims!)) {
      throw new ApiError(403, 'INVALID_PERMISSIONS', 'webhook: setting a room\'s webhook needs an operator token ("roles" including "crawler")');
    }
    const { room } = await store.createRoom(body);
    return shown(req, room);
  });

  app.get('/v2/rooms', { config: { access: operatorOnly } }, async (req) => {
    const page = parseInput(pageQuerySchema, req.query, 'query');
    return paged(await store.listRooms(page), page, (room) => roomResponse(room, baseUrl(req)));
  });

  app.get('/v2/rooms/validate/:roomId', { config: { access: anyMeetingToken(paramRoom) } }, async (req) => {
    const { roomId } = parseInput(roomParams, req.params, 'params');
    return shown(req, await findRoom(roomId));
  });

  app.get('/v2/rooms/:roomId', { config: { access: anyMeetingToken(paramRoom) } }, async (req) => {
    const { roomId } = parseInput(roomParams, req.params, 'params');
    return shown(req, await findRoom(roomId));
  });

  app.post('/v2/rooms/deactivate', { config: { access: operatorOnly } }, async (req) => {
    const body = parseInput(deactivateRoomBodySchema, req.body, 'body');
    const room = await findRoom(body.roomId);
    const disabled = (await store.deactivateRoom(room.roomId)) ?? room;
    await rooms.endMeeting(room.roomId);
    return roomResponse(disabled, baseUrl(req));
  });
}
