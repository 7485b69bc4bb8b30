// REST API v2 recordings: start/end a room's composite recording, list, fetch, download, delete.
import { requestOrigin } from './requestOrigin.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { endRecordingBodySchema, listRecordingsQuerySchema, restIdSchema, startRecordingBodySchema, type RecordingResponse } from '@roomkit/protocol';
import { z } from 'zod';
import type { RecordingStore, StoredRecording } from '../egress/recording/RecordingStore.js';
import type { EgressService } from '../egress/EgressService.js';
import type { ParticipantRecordings } from '../egress/participant/ParticipantRecordings.js';
import { participantRecordingsRoutes, stopIndividual } from './participantRecordingsRoutes.js';
import { notFound } from './errors.js';
import { sendFile } from './sendFile.js';
import { bodyRoom, operatorOnly, queryRoom, roomModerator, type RoomOf } from './restAccess.js';
import type { RestApp } from './parse.js';
import { baseUrl, paged } from './present.js';
import type { RestApiDeps } from './restApi.js';

export interface RecordingsDeps {
  service: Pick<EgressService, 'start' | 'stop' | 'job'>;
  recordings: RecordingStore;
  /** Participant and track recordings; without it their routes are not mounted. */
  participants?: ParticipantRecordings;
  dataDir: string;
}

const fileTypeOf = (path: string) => (path.endsWith('.m4a') ? 'audio/mp4' : 'video/mp4');

const idParams = z.object({ id: restIdSchema });

export function recordingResponse(r: StoredRecording, base: string): RecordingResponse {
  const url = `${base}/v2/recordings/${encodeURIComponent(r.id)}`;
  return {
    id: r.id,
    roomId: r.roomId,
    sessionId: r.sessionId,
    status: r.status,
    start: r.start.toISOString(),
    end: r.end === null ? null : r.end.toISOString(),
    file: r.status === 'completed' && r.size !== null ? { fileUrl: `${url}/file`, size: r.size, duration: r.duration ?? 0, type: fileTypeOf(r.filePath) } : null,
    links: {
      get_recording: url,
      get_room: `${base}/v2/rooms/${encodeURIComponent(r.roomId)}`,
      get_session: `${base}/v2/sessions/${encodeURIComponent(r.sessionId)}`,
    },
    ...(r.type !== 'composite' && r.participantId !== null
      ? { participantId: r.participantId, kind: r.type === 'track' ? (r.trackKind as RecordingResponse['kind']) : 'audio_video' }
      : {}),
  };
}

export function recordingsRoutes(app: RestApp, { store, auth }: RestApiDeps, deps: RecordingsDeps): void {
  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };
  const findRecording = async (id: string) => {
    const r = await deps.recordings.get(id);
    if (!r) throw notFound('ERROR_INVALID_PARAMETER', `id: no recording "${id}"`);
    return r;
  };

  /** The room of the recording named in the path (none for an unknown id). */
  const recordingRoom: RoomOf = async (req) => {
    const id = (req.params as { id?: unknown }).id;
    return typeof id === 'string' ? ((await deps.recordings.get(id).catch(() => null))?.roomId ?? undefined) : undefined;
  };

  app.post('/v2/recordings/start', { schema: { body: startRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const { id } = await deps.service.start({ kind: 'recording', roomId: room.roomId, config: body.config, webhookUrl: body.webhookUrl, awsDirPath: body.awsDirPath, by: 'api', origin: requestOrigin(req, auth) });
    return { message: 'recording started', id, roomId: room.roomId };
  });

  app.post('/v2/recordings/end', { schema: { body: endRecordingBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const id = deps.service.job(room.roomId, 'recording')?.jobId;
    await deps.service.stop(room.roomId, 'recording', 'api', { wait: true });
    const r = id ? await deps.recordings.get(id) : null;
    return r ? recordingResponse(r, baseUrl(req)) : { message: 'recording stopped' };
  });

  app.get('/v2/recordings', { schema: { querystring: listRecordingsQuerySchema }, config: { access: roomModerator(queryRoom) } }, async (req) => {
    const query = req.query;
    const page = { page: query.page, perPage: query.perPage };
    const roomId = query.roomId === undefined ? undefined : (await findRoom(query.roomId)).roomId;
    const result = await deps.recordings.list({ roomId, sessionId: query.sessionId, type: 'composite' }, page);
    return paged(result, page, (r) => recordingResponse(r, baseUrl(req)));
  });

  app.get('/v2/recordings/:id', { schema: { params: idParams }, config: { access: roomModerator(recordingRoom) } }, async (req) => {
    const { id } = req.params;
    return recordingResponse(await findRecording(id), baseUrl(req));
  });

  app.get('/v2/recordings/:id/file', { schema: { params: idParams }, config: { access: roomModerator(recordingRoom) } }, async (req, reply) => {
    const { id } = req.params;
    const r = await findRecording(id);
    const audio = fileTypeOf(r.filePath) === 'audio/mp4';
    // Range (a <video> seeking), ETag → 304; a finished recording never changes, one still being
    // written does (revalidated).
    return sendFile(req, reply, join(deps.dataDir, r.filePath), {
      contentType: audio ? 'audio/mp4' : 'video/mp4',
      cacheControl: r.status === 'completed' ? 'private, max-age=86400' : 'private, no-cache',
      contentDisposition: `attachment; filename="${r.id}.${audio ? 'm4a' : 'mp4'}"`,
      notFoundMessage: `id: recording "${id}" has no file`,
    });
  });

  if (deps.participants) participantRecordingsRoutes(app, { recordingRoom, findRoom, findRecording, recordings: deps.recordings, participants: deps.participants, dataDir: deps.dataDir, origin: (req) => requestOrigin(req, auth) });

  app.delete('/v2/recordings/:id', { schema: { params: idParams }, config: { access: operatorOnly } }, async (req) => {
    const { id } = req.params;
    const r = await findRecording(id);
    if (r.status === 'recording' && deps.service.job(r.roomId, 'recording')?.jobId === r.id) {
      await deps.service.stop(r.roomId, 'recording', 'api', { wait: true }).catch(() => {});
    }
    if (r.status === 'recording' && r.participantId !== null && deps.participants) await stopIndividual(deps.participants, r);
    await rm(join(deps.dataDir, r.filePath), { force: true });
    await deps.recordings.delete(r.id);
    return { message: 'recording deleted', id: r.id };
  });
}
