// REST call quality endpoints in-process, over a real SQLite store: VideoSDK's shapes and units,
// averaging over participants, paging, SDK samples, unknown ids and bad queries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type ParticipantStatsResponse, type SessionStatsResponse } from '@roomkit/protocol';
import { startRestApiFixture, type RestApiFixture } from '../../test/helpers/restApiFixture.js';
import type { QualitySample } from '../rooms/quality/types.js';

let api: RestApiFixture;
let roomId: string;
const base = Date.now() - 3600_000;
const at = (s: number) => new Date(base + s * 1000);

const sample = (participantId: string, s: number, videoLoss: number, audioScore: number): QualitySample => ({
  sessionId: 's1', roomId, participantId, at: at(s), source: 'server',
  send: { video: { lossPct: videoLoss, jitterMs: 4, bitrateBps: 600_000, rttMs: 30 }, audio: { lossPct: 0, jitterMs: 2, bitrateBps: 40_000, rttMs: 30 } },
  recv: { audio: { lossPct: 1, jitterMs: 6, bitrateBps: 42_000, rttMs: 50 } },
  audioScore, videoScore: 4,
});

beforeEach(async () => {
  api = await startRestApiFixture();
  roomId = (await api.post('/v2/rooms', { customRoomId: 'team' })).json().roomId;
  api.rooms.join(roomId, 's1', 'ada', 'Ada', at(0));
  api.rooms.join(roomId, 's1', 'bo', 'Bo', at(0));
  api.store.quality.record([sample('ada', 5, 5, 4), sample('bo', 5, 1, 4.4)]);
  api.store.quality.record([sample('ada', 10, 3, 4.2)]);
});
afterEach(async () => {
  await api?.close();
});

describe('GET /v2/sessions/:sessionId/participant/:participantId/stats', () => {
  it("answers VideoSDK's shape: loss %, RTT and jitter ms averaged over directions, bitrates bps, scores", async () => {
    const res = await api.get('/v2/sessions/s1/participant/ada/stats');
    expect(res.statusCode).toBe(200);
    const body = res.json() as ParticipantStatsResponse;
    expect(body).toMatchObject({
      sessionId: 's1', meetingId: roomId, participantId: 'ada', participantName: 'Ada',
      deviceInfo: { deviceName: 'unknown', deviceVersion: 'unknown' }, sdkInfo: { sdkName: 'unknown', sdkVersion: 'unknown' },
      location: { country: 'unknown', city: 'unknown', region: 'unknown' }, network: { asn: 'unknown', org: 'unknown' },
      resolutionUsage: [], pageInfo: { currentPage: 1, perPage: 1000, lastPage: 1, total: 2 },
    });
    expect(body.stats[0]).toEqual({
      time: at(5).toISOString(),
      recvAudioPacketLost: 1, recvVideoPacketLost: null, sendAudioPacketLost: 0, sendVideoPacketLost: 5,
      averageAudioRtt: 40, averageVideoRtt: 30, averageAudioJitter: 4, averageVideoJitter: 4,
      averageSendAudioBitrate: 40_000, averageSendVideoBitrate: 600_000, averageRecvAudioBitrate: 42_000, averageRecvVideoBitrate: null,
      qualityScore: { audio: 4, video: 4 },
      sendSharePacketLost: null, recvSharePacketLost: null, averageSendShareBitrate: null, averageRecvShareBitrate: null,
    });
    expect(body.stats[1]!.sendVideoPacketLost).toBe(3);
  });

  it('pages with ?page=&perPage=, and ?source=sdk serves the SDK reports with their device and SDK names', async () => {
    const page2 = (await api.get('/v2/sessions/s1/participant/ada/stats?page=2&perPage=1')).json() as ParticipantStatsResponse;
    expect(page2.pageInfo).toEqual({ currentPage: 2, perPage: 1, lastPage: 2, total: 2 });
    expect(page2.stats.map((s) => s.time)).toEqual([at(10).toISOString()]);
    api.store.quality.record([{ ...sample('ada', 6, 2, 4.1), source: 'sdk', device: { name: 'Chrome', version: '156' }, sdk: { name: 'roomkit', version: '0.2.0' } }]);
    const sdk = (await api.get('/v2/sessions/s1/participant/ada/stats?source=sdk')).json() as ParticipantStatsResponse;
    expect(sdk.stats).toHaveLength(1);
    expect(sdk.deviceInfo).toEqual({ deviceName: 'Chrome', deviceVersion: '156' });
    expect(sdk.sdkInfo).toEqual({ sdkName: 'roomkit', sdkVersion: '0.2.0' });
  });

  it('of a participant never in the session gets 404 INVALID_PARTICIPANT_ID; of an unknown session 404 naming sessionId', async () => {
    const res = await api.get('/v2/sessions/s1/participant/zed/stats');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: ErrorCode.INVALID_PARTICIPANT_ID, message: 'participantId: "zed" was not in session "s1"' });
    const none = await api.get('/v2/sessions/nope/participant/ada/stats');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toBe('sessionId: no session "nope"');
  });

  it('with a bad query (perPage 0, perPage over 5000, unknown source, unknown key) gets 400 naming the field', async () => {
    for (const [query, field] of [['perPage=0', 'perPage'], ['perPage=5001', 'perPage'], ['source=browser', 'source'], ['foo=1', 'foo']] as const) {
      const res = await api.get(`/v2/sessions/s1/participant/ada/stats?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(res.json().error.message).toMatch(new RegExp(field));
    }
  });

  it('without a token gets 401, with a guest meeting token 403', async () => {
    expect((await api.get('/v2/sessions/s1/participant/ada/stats', null)).statusCode).toBe(401);
    expect((await api.get('/v2/sessions/s1/participant/ada/stats', api.token({ roles: ['rtc'], permissions: ['allow_join'] }))).statusCode).toBe(403);
  });
});

describe('GET /v2/sessions/:sessionId/stats', () => {
  it('averages every participant of a sample time, one entry per time, oldest first', async () => {
    const res = await api.get('/v2/sessions/s1/stats');
    expect(res.statusCode).toBe(200);
    const body = res.json() as SessionStatsResponse;
    expect(body.sessionId).toBe('s1');
    expect(body.meetingId).toBe(roomId);
    expect(body.pageInfo.total).toBe(2);
    expect(body.stats.map((s) => s.time)).toEqual([at(5).toISOString(), at(10).toISOString()]);
    expect(body.stats[0]!.sendVideoPacketLost).toBe(3); // (5 + 1) / 2
    expect(body.stats[0]!.qualityScore).toEqual({ audio: 4.2, video: 4 });
    expect(body.stats[1]!.sendVideoPacketLost).toBe(3);
  });

  it('of a session without samples answers an empty list; of an unknown session 404', async () => {
    api.rooms.join(roomId, 's2', 'cy', 'Cy', at(20));
    const empty = (await api.get('/v2/sessions/s2/stats')).json() as SessionStatsResponse;
    expect(empty.stats).toEqual([]);
    expect(empty.pageInfo).toEqual({ currentPage: 1, perPage: 1000, lastPage: 1, total: 0 });
    expect((await api.get('/v2/sessions/nope/stats')).statusCode).toBe(404);
  });
});
