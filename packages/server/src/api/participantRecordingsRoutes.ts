// REST API v2 participant and track recordings (VideoSDK's paths): start/stop, list, fetch, delete
// under /v2/recordings/participant/... and /v2/recordings/participant/track/...; files download
// from the same `/v2/recordings/:id/file` as composite recordings.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import {
  RoomkitError,
  listIndividualRecordingsQuerySchema,
  restIdSchema,
  startParticipantRecordingBodySchema,
  startTrackRecordingBodySchema,
  stopParticipantRecordingBodySchema,
  stopTrackRecordingBodySchema,
  type TrackRecordingKind,
} from '@roomkit/protocol';
import { z } from 'zod';
import type { ParticipantRecordings } from '../egress/participant/ParticipantRecordings.js';
import type { RecordingStore, StoredRecording } from '../egress/recording/RecordingStore.js';
import { notFound } from './errors.js';
import { bodyRoom, operatorOnly, queryRoom, roomModerator, type RoomOf } from './restAccess.js';
import type { RestApp } from './parse.js';
import { baseUrl, paged } from './present.js';
import { recordingResponse } from './recordingsRoutes.js';

export interface ParticipantRecordingsRouteDeps {
  /** The room of the recording named by the `:id` param (for access checks). */
  recordingRoom: RoomOf;
  findRoom(roomId: string): Promise<{ roomId: string }>;
  findRecording(id: string): Promise<StoredRecording>;
  recordings: RecordingStore;
  participants: ParticipantRecordings;
  dataDir: string;
  /** Whose webhookUrl a request carries (api/requestOrigin.ts). */
  origin(req: FastifyRequest): 'operator' | 'participant';
}

const idParams = z.object({ id: restIdSchema });

/** Stops the recording `r` if it is the one running for its participant (before deleting it). */
export async function stopIndividual(participants: ParticipantRecordings, r: StoredRecording): Promise<void> {
  const track = r.type === 'track' ? (r.trackKind as TrackRecordingKind) : undefined;
  if (r.participantId !== null && participants.running(r.roomId, r.participantId, track) === r.id) {
    await participants.stop(r.roomId, r.participantId, track).catch(() => {});
  }
}

export function participantRecordingsRoutes(app: RestApp, deps: ParticipantRecordingsRouteDeps): void {
  /** Someone not in the live session is a 404, as in `/v2/sessions/participants/remove`. */
  const start = (request: Parameters<ParticipantRecordings['start']>[0]) =>
    deps.participants.start(request).catch((err: unknown) => {
      if (err instanceof RoomkitError && err.codeName === 'INVALID_PARTICIPANT_ID') throw notFound('INVALID_PARTICIPANT_ID', err.message);
      throw err;
    });
  for (const type of ['participant', 'track'] as const) {
    const prefix = type === 'participant' ? '/v2/recordings/participant' : '/v2/recordings/participant/track';
    const findOfType = async (id: string) => {
      const r = await deps.findRecording(id);
      if (r.type !== type) throw notFound('ERROR_INVALID_PARAMETER', `id: no ${type} recording "${id}"`);
      return r;
    };

    app.get(prefix, { schema: { querystring: listIndividualRecordingsQuerySchema }, config: { access: roomModerator(queryRoom) } }, async (req) => {
      const query = req.query;
      const page = { page: query.page, perPage: query.perPage };
      const roomId = query.roomId === undefined ? undefined : (await deps.findRoom(query.roomId)).roomId;
      const result = await deps.recordings.list({ roomId, sessionId: query.sessionId, participantId: query.participantId, type }, page);
      return paged(result, page, (r) => recordingResponse(r, baseUrl(req)));
    });

    app.get(`${prefix}/:id`, { schema: { params: idParams }, config: { access: roomModerator(deps.recordingRoom) } }, async (req) => {
      const { id } = req.params;
      return recordingResponse(await findOfType(id), baseUrl(req));
    });

    app.delete(`${prefix}/:id`, { schema: { params: idParams }, config: { access: operatorOnly } }, async (req) => {
      const { id } = req.params;
      const r = await findOfType(id);
      if (r.status === 'recording') await stopIndividual(deps.participants, r);
      await rm(join(deps.dataDir, r.filePath), { force: true });
      await deps.recordings.delete(r.id);
      return { message: `${type} recording deleted`, id: r.id };
    });
  }

  app.post('/v2/recordings/participant/start', { schema: { body: startParticipantRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await deps.findRoom(body.roomId);
    const { id } = await start({ roomId: room.roomId, participantId: body.participantId, config: body.config, webhookUrl: body.webhookUrl, origin: deps.origin(req) });
    return { message: 'participant recording started', id, roomId: room.roomId, participantId: body.participantId };
  });

  app.post('/v2/recordings/participant/stop', { schema: { body: stopParticipantRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await deps.findRoom(body.roomId);
    const id = await deps.participants.stop(room.roomId, body.participantId);
    return recordingResponse(await deps.findRecording(id), baseUrl(req));
  });

  app.post('/v2/recordings/participant/track/start', { schema: { body: startTrackRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await deps.findRoom(body.roomId);
    const { id } = await start({ roomId: room.roomId, participantId: body.participantId, track: body.kind, config: body.config, webhookUrl: body.webhookUrl, origin: deps.origin(req) });
    return { message: 'track recording started', id, roomId: room.roomId, participantId: body.participantId, kind: body.kind };
  });

  app.post('/v2/recordings/participant/track/stop', { schema: { body: stopTrackRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await deps.findRoom(body.roomId);
    const id = await deps.participants.stop(room.roomId, body.participantId, body.kind);
    return recordingResponse(await deps.findRecording(id), baseUrl(req));
  });
}
