// REST API v2 sessions: list by room, fetch with participants and timelogs, end, remove a participant.
import { RoomkitError, endSessionBodySchema, listSessionsQuerySchema, removeParticipantBodySchema, restIdSchema } from '@roomkit/protocol';
import { z } from 'zod';
import { notFound } from './errors.js';
import { bodyRoom, queryRoom, roomModerator, type RoomOf } from './restAccess.js';
import type { RestApp } from './parse.js';
import { sessionLookup } from './sessionLookup.js';
import { baseUrl, paged, sessionResponse } from './present.js';
import type { RestApiDeps } from './restApi.js';

const sessionParams = z.object({ sessionId: restIdSchema });

export function sessionsRoutes(app: RestApp, { store, rooms }: RestApiDeps): void {
  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };
  const { findSession, sessionRoom } = sessionLookup(store);
  /** A session named by id is in its own room, whatever roomId the body also gives. */
  const endRoom: RoomOf = async (req) => {
    const sessionId = (req.body as { sessionId?: unknown } | null)?.sessionId;
    return typeof sessionId === 'string' ? sessionRoom(sessionId) : bodyRoom(req);
  };

  app.get('/v2/sessions', { schema: { querystring: listSessionsQuerySchema }, config: { access: roomModerator(queryRoom) } }, async (req) => {
    const query = req.query;
    const roomId = query.roomId === undefined ? undefined : (await findRoom(query.roomId)).roomId;
    const page = { page: query.page, perPage: query.perPage };
    return paged(await store.listSessions({ roomId }, page), page, (s) => sessionResponse(s, baseUrl(req)));
  });

  app.get('/v2/sessions/:sessionId', { schema: { params: sessionParams }, config: { access: roomModerator((req) => sessionRoom((req.params as { sessionId?: string }).sessionId)) } }, async (req) => {
    const { sessionId } = req.params;
    return sessionResponse(await findSession(sessionId), baseUrl(req));
  });

  app.post('/v2/sessions/end', { schema: { body: endSessionBodySchema }, config: { access: roomModerator(endRoom) } }, async (req) => {
    const body = req.body;
    let sessionId: string;
    if (body.sessionId !== undefined) {
      const session = await findSession(body.sessionId);
      if (body.roomId !== undefined && (await findRoom(body.roomId)).roomId !== session.roomId) {
        throw new RoomkitError('ERROR_INVALID_PARAMETER', `sessionId: session "${session.id}" is not in room "${body.roomId}"`);
      }
      sessionId = session.id;
      // Ending an ended session is a no-op that returns it.
      if (session.end === null && rooms.liveSession(session.roomId)?.sessionId === session.id) await rooms.endMeeting(session.roomId);
    } else {
      const room = await findRoom(body.roomId!);
      const live = rooms.liveSession(room.roomId);
      if (!live) throw notFound('INVALID_MEETING_ID', `roomId: room "${room.roomId}" has no ongoing session`);
      sessionId = live.sessionId;
      await rooms.endMeeting(room.roomId);
    }
    return sessionResponse(await findSession(sessionId), baseUrl(req));
  });

  app.post('/v2/sessions/participants/remove', { schema: { body: removeParticipantBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const live = rooms.liveSession(room.roomId);
    const present =
      live !== null &&
      (body.sessionId === undefined || body.sessionId === live.sessionId) &&
      live.participantIds.includes(body.participantId) &&
      (await rooms.removeParticipant(room.roomId, body.participantId));
    if (!present) {
      throw notFound('INVALID_PARTICIPANT_ID', `participantId: "${body.participantId}" is not in the ongoing session of room "${room.roomId}"`);
    }
    return sessionResponse(await findSession(live.sessionId), baseUrl(req));
  });
}
