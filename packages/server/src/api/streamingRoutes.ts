// REST API v2 RTMP livestreams and HLS: start/end a room's stream, list the recent ones
// (`/v2/livestreams`, `/v2/hls`), and capture a thumbnail of a running HLS stream (`/v2/hls/capture`). State, events and webhooks come from the egress service.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  endStreamBodySchema,
  hlsCaptureBodySchema,
  listStreamsQuerySchema,
  restIdSchema,
  startHlsBodySchema,
  startLivestreamBodySchema,
  validateRtmpOutputs,
  type HlsCaptureResponse,
  type HlsResponse,
  type LivestreamResponse,
} from '@roomkit/protocol';
import type { EgressService } from '../egress/EgressService.js';
import type { StreamingKinds } from '../egress/streamingKinds.js';
import type { HlsRecord } from '../egress/hls/HlsKind.js';
import type { LivestreamRecord } from '../egress/livestream/LivestreamKind.js';
import { ApiError, notFound } from './errors.js';
import { requestOrigin } from './requestOrigin.js';
import { anyMeetingToken, bodyRoom, operatorOnly, queryRoom, roomModerator } from './restAccess.js';
import type { RestApp } from './parse.js';
import { baseUrl, paged } from './present.js';
import type { RestApiDeps } from './restApi.js';

export interface StreamingDeps {
  service: Pick<EgressService, 'start' | 'stop' | 'job'>;
  kinds: StreamingKinds;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function livestreamResponse(r: LivestreamRecord): LivestreamResponse {
  return {
    id: r.id,
    roomId: r.roomId,
    sessionId: r.sessionId,
    start: r.start.toISOString(),
    end: iso(r.end),
    status: r.status,
    outputs: r.outputs.map((o) => ({ ...o })),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function hlsResponse(r: HlsRecord, base: string): HlsResponse {
  return {
    id: r.id,
    roomId: r.roomId,
    sessionId: r.sessionId,
    start: r.start.toISOString(),
    end: iso(r.end),
    status: r.status,
    playbackHlsUrl: `${base}${r.playbackHlsUrl}`,
    livestreamUrl: `${base}${r.livestreamUrl}`,
    playable: r.playable,
    recordingUrl: r.recordingUrl === null ? null : `${base}${r.recordingUrl}`,
    ...(r.error ? { error: r.error } : {}),
  };
}

export function streamingRoutes(app: RestApp, { store, auth }: RestApiDeps, deps: StreamingDeps): void {
  const findRoom = async (roomId: string) => {
    const room = await store.getRoom(roomId);
    if (!room) throw notFound('INVALID_MEETING_ID', `roomId: no room "${roomId}"`);
    return room;
  };

  app.post('/v2/livestreams/start', { schema: { body: startLivestreamBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const outputs = validateRtmpOutputs(body.outputs); // 4015 before anything else
    const room = await findRoom(body.roomId);
    const { id } = await deps.service.start({ kind: 'livestream', roomId: room.roomId, config: body.config, outputs, by: 'api', origin: requestOrigin(req, auth) });
    return livestreamResponse(deps.kinds.livestream.records.get(id)!);
  });

  app.post('/v2/livestreams/end', { schema: { body: endStreamBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const id = deps.service.job(room.roomId, 'livestream')?.jobId;
    await deps.service.stop(room.roomId, 'livestream', 'api', { wait: true });
    const record = id ? deps.kinds.livestream.records.get(id) : undefined;
    return record ? livestreamResponse(record) : { message: 'livestream stopped' };
  });

  app.get('/v2/livestreams', { schema: { querystring: listStreamsQuerySchema }, config: { access: roomModerator(queryRoom) } }, async (req) => {
    const query = req.query;
    const roomId = query.roomId === undefined ? undefined : (await findRoom(query.roomId)).roomId;
    const page = { page: query.page, perPage: query.perPage };
    return paged(deps.kinds.livestream.records.list({ roomId, sessionId: query.sessionId }, page), page, livestreamResponse);
  });

  app.post('/v2/hls/start', { schema: { body: startHlsBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const { id } = await deps.service.start({ kind: 'hls', roomId: room.roomId, config: body.config, by: 'api' });
    return hlsResponse(deps.kinds.hls.records.get(id)!, baseUrl(req));
  });

  app.post('/v2/hls/end', { schema: { body: endStreamBodySchema }, config: { access: roomModerator(bodyRoom) } }, async (req) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const id = deps.service.job(room.roomId, 'hls')?.jobId;
    await deps.service.stop(room.roomId, 'hls', 'api', { wait: true });
    const record = id ? deps.kinds.hls.records.get(id) : undefined;
    return record ? hlsResponse(record, baseUrl(req)) : { message: 'HLS stopped' };
  });

  // VideoSDK answers with JSON naming the image's URL; so do we. `Accept: image/jpeg` (without
  // JSON) gets the bytes themselves, saving a round trip.
  app.post('/v2/hls/capture', { schema: { body: hlsCaptureBodySchema }, config: { access: anyMeetingToken(bodyRoom) } }, async (req, reply) => {
    const body = req.body;
    const room = await findRoom(body.roomId);
    const job = deps.service.job(room.roomId, 'hls');
    const shot = job ? await deps.kinds.hls.capture(job.jobId, body) : null;
    if (!shot) throw new ApiError(409, 'HLS_FAILED', `roomId: no playable HLS stream in room "${room.roomId}" (start one with POST /v2/hls/start and wait for hls-playable)`);
    const accept = req.headers.accept ?? '';
    if (/image\/(jpeg|\*)/.test(accept) && !accept.includes('json')) {
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(await readFile(shot.path));
    }
    const response: HlsCaptureResponse = {
      message: 'HLS thumbnail captured',
      roomId: room.roomId,
      hlsId: job!.jobId,
      fileName: shot.fileName,
      filePath: `${baseUrl(req)}${shot.urlPath}`,
      fileSize: shot.bytes,
      meta: { createdAt: new Date().toISOString(), width: shot.width, height: shot.height, format: 'jpg', time: Math.round(shot.time * 1000) / 1000 },
    };
    return response;
  });

  // Deletes a stream (kept or not) and its files: stops it first if it still runs. Operator only.
  app.delete('/v2/hls/:id', { schema: { params: z.object({ id: restIdSchema }) }, config: { access: operatorOnly } }, async (req) => {
    const { id } = req.params;
    const record = deps.kinds.hls.records.get(id);
    if (!record) throw notFound('ERROR_INVALID_PARAMETER', `id: no HLS stream "${id}"`);
    if (deps.service.job(record.roomId, 'hls')?.jobId === id) await deps.service.stop(record.roomId, 'hls', 'api', { wait: true }).catch(() => {});
    await deps.kinds.hls.remove(id);
    return { message: 'HLS stream deleted', id };
  });

  app.get('/v2/hls', { schema: { querystring: listStreamsQuerySchema }, config: { access: roomModerator(queryRoom) } }, async (req) => {
    const query = req.query;
    const roomId = query.roomId === undefined ? undefined : (await findRoom(query.roomId)).roomId;
    const page = { page: query.page, perPage: query.perPage };
    const base = baseUrl(req);
    return paged(deps.kinds.hls.records.list({ roomId, sessionId: query.sessionId }, page), page, (r) => hlsResponse(r, base));
  });
}
