// REST API v2 call quality: `GET /v2/sessions/:sessionId/stats` (every participant's samples
// averaged per sample time) and `.../participant/:participantId/stats` (one participant's), in
// VideoSDK's shapes (see the server README, "Call quality").
import {
  participantStatsParamsSchema, sessionStatsParamsSchema, statsQuerySchema,
  type ParticipantStatsResponse, type QualityStatsEntry, type SessionStatsResponse,
} from '@roomkit/protocol';
import { notFound } from './errors.js';
import { roomModerator } from './restAccess.js';
import { sessionLookup } from './sessionLookup.js';
import type { RestApp } from './parse.js';
import { paged } from './present.js';
import type { RestApiDeps } from './restApi.js';
import type { StoredQualitySample } from '../store/Store.js';
import type { KindFigures } from '../rooms/quality/types.js';

const UNKNOWN = 'unknown';

const mean = (values: Array<number | null | undefined>): number | null => {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 100) / 100;
};
const rttOf = (...f: Array<KindFigures | undefined>) => mean(f.map((x) => x?.rttMs));
const jitterOf = (...f: Array<KindFigures | undefined>) => mean(f.map((x) => x?.jitterMs));

/** One participant's sample as a VideoSDK stats entry. */
export function statsEntry(s: StoredQualitySample): QualityStatsEntry {
  const { send, recv } = s;
  return {
    time: s.at.toISOString(),
    recvAudioPacketLost: recv.audio?.lossPct ?? null,
    recvVideoPacketLost: recv.video?.lossPct ?? null,
    sendAudioPacketLost: send.audio?.lossPct ?? null,
    sendVideoPacketLost: send.video?.lossPct ?? null,
    averageAudioRtt: rttOf(send.audio, recv.audio),
    averageVideoRtt: rttOf(send.video, recv.video),
    averageAudioJitter: jitterOf(send.audio, recv.audio),
    averageVideoJitter: jitterOf(send.video, recv.video),
    averageSendAudioBitrate: send.audio?.bitrateBps ?? null,
    averageSendVideoBitrate: send.video?.bitrateBps ?? null,
    averageRecvAudioBitrate: recv.audio?.bitrateBps ?? null,
    averageRecvVideoBitrate: recv.video?.bitrateBps ?? null,
    qualityScore: { audio: s.audioScore, video: s.videoScore },
    sendSharePacketLost: send.share?.lossPct ?? null,
    recvSharePacketLost: recv.share?.lossPct ?? null,
    averageSendShareBitrate: send.share?.bitrateBps ?? null,
    averageRecvShareBitrate: recv.share?.bitrateBps ?? null,
  };
}

export function qualityRoutes(app: RestApp, { store }: RestApiDeps): void {
  const { findSession, sessionRoom } = sessionLookup(store);
  const access = { access: roomModerator((req) => sessionRoom((req.params as { sessionId?: string }).sessionId)) };

  app.get('/v2/sessions/:sessionId/stats', { schema: { params: sessionStatsParamsSchema, querystring: statsQuerySchema }, config: access }, async (req): Promise<SessionStatsResponse> => {
    const { sessionId } = req.params;
    const query = req.query;
    const session = await findSession(sessionId);
    const page = { page: query.page, perPage: query.perPage };
    const { pageInfo, data } = paged(await store.sessionQuality(session.id, query.source, page), page, statsEntry);
    return { sessionId: session.id, meetingId: session.roomId, stats: data, pageInfo };
  });

  app.get('/v2/sessions/:sessionId/participant/:participantId/stats', { schema: { params: participantStatsParamsSchema, querystring: statsQuerySchema }, config: access }, async (req): Promise<ParticipantStatsResponse> => {
    const { sessionId, participantId } = req.params;
    const query = req.query;
    const session = await findSession(sessionId);
    const participant = session.participants.find((p) => p.participantId === participantId);
    if (!participant) throw notFound('INVALID_PARTICIPANT_ID', `participantId: "${participantId}" was not in session "${session.id}"`);
    const page = { page: query.page, perPage: query.perPage };
    const { pageInfo, data } = paged(await store.participantQuality(session.id, participantId, query.source, page), page, statsEntry);
    const client = await store.participantQualityClient(session.id, participantId);
    return {
      sessionId: session.id,
      meetingId: session.roomId,
      participantId,
      participantName: participant.name,
      deviceInfo: { deviceName: client?.device?.name ?? UNKNOWN, deviceVersion: client?.device?.version ?? UNKNOWN },
      sdkInfo: { sdkName: client?.sdk?.name ?? UNKNOWN, sdkVersion: client?.sdk?.version ?? UNKNOWN },
      // A self-hosted server looks up no one's address: always unknown.
      location: { country: UNKNOWN, city: UNKNOWN, region: UNKNOWN },
      network: { asn: UNKNOWN, org: UNKNOWN },
      stats: data,
      resolutionUsage: [],
      pageInfo,
    };
  });
}
