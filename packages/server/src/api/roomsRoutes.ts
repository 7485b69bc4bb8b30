// REST API v2 rooms: create (idempotent on customRoomId), list, fetch, validate, deactivate.
import type { FastifyInstance } from 'fastify';
import { createRoomBodySchema, deactivateRoomBodySchema, pageQuerySchema, restIdSchema } from '@roomkit/protocol';
import { z } from 'zod';
import { notFound } from './errors.js';
import { guardedRoomWebhook, requestOrigin } from './requestOrigin.js';
import { parseInput } from './parse.js';
import { baseUrl, paged, roomResponse } from './present.js';
import type { RestApiDeps } from './restApi.js';

const roomParams = z.object({ roomId: restIdSchema });

export function roomsRoutes(app: FastifyInstance, { store, rooms, auth, outbound }: RestApiDeps): void {
  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };

  app.post('/v2/rooms', async (req) => {
    const body = parseInput(createRoomBodySchema, req.body ?? {}, 'body');
    // A room webhook set with a participant's token: checked now and on every delivery (issue #14).
    if (body.webhook && requestOrigin(req, auth) !== 'operator') body.webhook = await guardedRoomWebhook(body.webhook, outbound);
    const { room } = await store.createRoom(body);
    return roomResponse(room, baseUrl(req));
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
