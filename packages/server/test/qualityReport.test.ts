// The SDK's optional `qualityReport` signaling message against a real server: validated by the
// protocol schema (bad figures and unknown keys refused with 3073), refused before joining (3035),
// at most one per participant every 2 s (4029), and stored as `source=sdk` samples served by the
// participant stats route with the device and SDK it named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, QUALITY_REPORT_MIN_INTERVAL_MS, type ParticipantStatsResponse } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { sleep } from './helpers/nodeParticipants.js';

let server: TestServer;
let client: WsTestClient;
let participantId = '';
let sessionId = '';
const token = (roles?: Array<'rtc' | 'crawler'>) => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], ...(roles && { roles }) });

const report = {
  t: 'qualityReport',
  send: { audio: { lossPct: 1.5, jitterMs: 4, bitrateBps: 32_000, rttMs: 40 }, video: { lossPct: 2, jitterMs: 6, bitrateBps: 450_000, framesPerSecond: 24 } },
  recv: { video: { lossPct: 0.5, jitterMs: 8, bitrateBps: 900_000, rttMs: 42, framesPerSecond: 30 } },
  device: { name: 'Chrome', version: '156.0' },
  sdk: { name: '@roomkit/client', version: '0.2.0' },
};

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 0 });
  client = await connectWs(server.url);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('qualityReport', () => {
  it('before joining is refused with ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', async () => {
    const res = await client.request(report);
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(ErrorCode.ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED);
  });

  it('with bad figures or unknown keys is refused with ERROR_INVALID_PARAMETER naming the field, and nothing is stored', async () => {
    const joined = await client.request({ t: 'join', token: token(), meetingId: 'quality-report', name: 'Ada', mode: 'SIGNALLING_ONLY' });
    expect(joined.ok).toBe(true);
    participantId = joined.data.participantId;
    sessionId = joined.data.sessionId;
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...report, send: { video: { lossPct: 150, jitterMs: 1, bitrateBps: 1 } } }, /lossPct/],
      [{ ...report, send: { video: { lossPct: 1, jitterMs: -1, bitrateBps: 1 } } }, /jitterMs/],
      [{ ...report, recv: { screen: { lossPct: 1, jitterMs: 1, bitrateBps: 1 } } }, /screen|recv/],
      [{ ...report, device: { name: 'x'.repeat(65), version: '1' } }, /device/],
      [{ ...report, extra: true }, /extra/],
    ];
    for (const [message, field] of bad) {
      const res = await client.request(message);
      expect(res.ok, JSON.stringify(message)).toBe(false);
      expect(res.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(res.error.message).toMatch(field);
    }
  });

  it('a valid report is stored; a second within 2 s is refused with RATE_LIMITED; after 2 s one more is taken', async () => {
    expect((await client.request(report)).ok).toBe(true);
    const again = await client.request(report);
    expect(again.ok).toBe(false);
    expect(again.error.code).toBe(ErrorCode.RATE_LIMITED);
    await sleep(QUALITY_REPORT_MIN_INTERVAL_MS + 200);
    expect((await client.request({ ...report, send: { video: { lossPct: 4, jitterMs: 6, bitrateBps: 450_000 } } })).ok).toBe(true);
    const res = await fetch(`${server.url}/v2/sessions/${sessionId}/participant/${participantId}/stats?source=sdk`, { headers: { authorization: token(['crawler']) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ParticipantStatsResponse;
    expect(body.deviceInfo).toEqual({ deviceName: 'Chrome', deviceVersion: '156.0' });
    expect(body.sdkInfo).toEqual({ sdkName: '@roomkit/client', sdkVersion: '0.2.0' });
    expect(body.stats.map((s) => s.sendVideoPacketLost)).toEqual([2, 4]);
    expect(body.stats[0]).toMatchObject({ sendAudioPacketLost: 1.5, recvVideoPacketLost: 0.5, averageSendVideoBitrate: 450_000, averageAudioRtt: 40 });
    expect(body.stats[0]!.qualityScore.audio).toBeGreaterThan(4);
    expect(body.stats[1]!.qualityScore.video).toBeLessThan(body.stats[0]!.qualityScore.video!);
    // A SIGNALLING_ONLY participant sends and receives no media: the server's own sampling has nothing.
    const server_ = await fetch(`${server.url}/v2/sessions/${sessionId}/participant/${participantId}/stats`, { headers: { authorization: token(['crawler']) } });
    expect(((await server_.json()) as ParticipantStatsResponse).stats).toEqual([]);
  });
});
