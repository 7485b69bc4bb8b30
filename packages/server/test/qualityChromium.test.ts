// Call quality with real browsers: two Chromium participants on loopback. Chrome answers the
// server's sender reports in its receiver reports, so each participant's RTT is measured; on a
// clean link the stats routes show no loss, real bitrates both ways and high scores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParticipantStatsResponse, QualityStatsEntry } from '@roomkit/protocol';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { join, openSdkPage } from './helpers/sdkPage.js';
import { sleep } from './helpers/nodeParticipants.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

let server: TestServer;
let browser: LaunchedBrowser;
let aliceId = '';
let sessionId = '';

beforeAll(async () => {
  server = await startTestServer({ qualitySampleSeconds: 1 });
  browser = await launchChromium();
  const alice = await openSdkPage(browser, server.url, 'alice');
  const bob = await openSdkPage(browser, server.url, 'bob');
  const a = await join(alice, { meetingId: 'quality-chromium', name: 'Alice' });
  const b = await join(bob, { meetingId: 'quality-chromium', name: 'Bob' });
  expect(a.ok && b.ok, JSON.stringify([a, b])).toBe(true);
  aliceId = a.participantId!;
  await sleep(8000);
  sessionId = (await (await fetch(`${server.url}/v2/sessions?roomId=quality-chromium`, { headers: { authorization: operator() } })).json()).data[0].id;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const operator = () => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });

describe('call quality with Chromium participants', () => {
  it('a clean loopback call: no loss, RTT measured from Chrome\'s receiver reports, bitrates both ways, scores above 4', async () => {
    const res = await fetch(`${server.url}/v2/sessions/${sessionId}/participant/${aliceId}/stats`, { headers: { authorization: operator() } });
    expect(res.status).toBe(200);
    const stats = ((await res.json()) as ParticipantStatsResponse).stats;
    // The last few samples: the call is up and both streams flow both ways by then.
    const recent: QualityStatsEntry[] = stats.slice(-3);
    const detail = JSON.stringify(recent);
    expect(recent.length, detail).toBe(3);
    for (const s of recent) {
      expect(s.sendVideoPacketLost, detail).toBe(0);
      expect(s.averageSendVideoBitrate!, detail).toBeGreaterThan(50_000);
      expect(s.averageRecvVideoBitrate!, detail).toBeGreaterThan(50_000);
      expect(s.averageSendAudioBitrate!, detail).toBeGreaterThan(5_000);
      expect(s.qualityScore.audio!, detail).toBeGreaterThan(4);
      expect(s.qualityScore.video!, detail).toBeGreaterThan(4);
    }
    const rtts = recent.map((s) => s.averageVideoRtt).filter((r): r is number => r !== null);
    expect(rtts.length, detail).toBeGreaterThan(0);
    expect(Math.max(...rtts), detail).toBeLessThan(500);
  });

  it('the browser SDK reports its own getStats() every 10 s: ?source=sdk holds its samples, named roomkit-js', async () => {
    const sdkStats = async () => {
      const res = await fetch(`${server.url}/v2/sessions/${sessionId}/participant/${aliceId}/stats?source=sdk`, { headers: { authorization: operator() } });
      return (await res.json()) as ParticipantStatsResponse;
    };
    let body = await sdkStats();
    for (let i = 0; i < 50 && body.stats.length === 0; i++) {
      await sleep(500);
      body = await sdkStats();
    }
    const detail = JSON.stringify(body);
    expect(body.stats.length, detail).toBeGreaterThan(0);
    expect(body.sdkInfo, detail).toEqual({ sdkName: 'roomkit-js', sdkVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const last = body.stats.at(-1)!;
    expect(last.averageSendVideoBitrate!, detail).toBeGreaterThan(50_000);
    expect(last.averageRecvVideoBitrate!, detail).toBeGreaterThan(50_000);
    expect(last.sendVideoPacketLost, detail).toBe(0);
  }, 40_000);
});
