// participant.getVideoStats() / getAudioStats() on a real call: bitrate, loss, jitter, RTT, frame
// size, and the simulcast layer being received (following setQuality).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { join, openSdkPage, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
let alice: Page;
let bob: Page;
let aliceId: string;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  alice = await openSdkPage(browser, server.url, 'alice');
  bob = await openSdkPage(browser, server.url, 'bob');
  const a = await join(alice, { meetingId: 'stats-room', name: 'Alice' });
  const b = await join(bob, { meetingId: 'stats-room', name: 'Bob', webcamEnabled: false });
  expect(a.ok && b.ok).toBe(true);
  aliceId = a.participantId!;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type Stat = Record<string, any>;
const remoteStats = (page: Page, id: string, kind: 'video' | 'audio') =>
  page.evaluate(
    async ([pid, k]) => {
      const p = (window as any).rk.meeting.participants.get(pid);
      return (await (k === 'video' ? p.getVideoStats() : p.getAudioStats())) as Stat[];
    },
    [id, kind] as const,
  );

describe('remote stream stats', () => {
  it('getVideoStats reports bitrate, packets, loss, jitter, RTT, size and the received layer (2 at high)', async () => {
    const stat = await waitFor(async () => {
      const s = (await remoteStats(bob, aliceId, 'video'))[0];
      // The server forwards the high layer. Its width is 1280 unless Alice's CPU-limited encoder
      // scaled its layers down (Chrome does that on a loaded 2-core machine): above the low layer's.
      return s && s.bitrate > 0 && s.currentSpatialLayer === 2 && s.frameWidth > 320 ? s : null;
    }, 45_000); // the first browser test of a fresh CI run: a cold Chrome ramps its uplink slowly
    expect(stat, 'high layer with a bitrate').toBeTruthy();
    expect(stat).toMatchObject({ codec: 'vp8', currentSpatialLayer: 2, preferredSpatialLayer: 2 });
    expect(stat!.size).toMatchObject({ width: stat!.frameWidth, height: stat!.frameHeight });
    expect(stat!.totalPackets).toBeGreaterThan(0);
    expect(typeof stat!.packetsLost).toBe('number');
    expect(typeof stat!.jitter).toBe('number');
    expect(typeof stat!.rtt).toBe('number');
    expect(stat!.framesDecoded).toBeGreaterThan(0);
  });

  it('after setQuality(low) the received layer is 0 and the bitrate drops', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // a full second for the bitrate sample
    const before = (await remoteStats(bob, aliceId, 'video'))[0]!;
    expect(before.bitrate).toBeGreaterThan(300);
    await bob.evaluate((id) => (window as any).rk.meeting.participants.get(id).setQuality('low'), aliceId);
    const low = await waitFor(async () => {
      const s = (await remoteStats(bob, aliceId, 'video'))[0];
      return s && s.currentSpatialLayer === 0 && s.frameWidth <= 320 ? s : null;
    }, 15_000);
    expect(low, 'low layer received').toBeTruthy();
    expect(low!.preferredSpatialLayer).toBe(0);
    const settled = await waitFor(async () => {
      const s = (await remoteStats(bob, aliceId, 'video'))[0];
      return s && s.bitrate > 0 && s.bitrate < before.bitrate / 2 ? s : null;
    }, 10_000);
    expect(settled, `bitrate below half of ${before.bitrate} kbps`).toBeTruthy();
  });

  it('getAudioStats reports opus with packets and a bitrate', async () => {
    const audio = await waitFor(async () => {
      const s = (await remoteStats(bob, aliceId, 'audio'))[0];
      return s && s.bitrate > 0 ? s : null;
    }, 10_000);
    expect(audio).toMatchObject({ codec: 'opus' });
    expect(audio!.totalPackets).toBeGreaterThan(0);
    expect(audio!.currentSpatialLayer).toBeUndefined();
  });

  it('the local participant\'s getVideoStats lists its simulcast layers q, h, f with sizes', async () => {
    const local = await waitFor(async () => {
      const s: Stat[] = await alice.evaluate(() => (window as any).rk.meeting.localParticipant.getVideoStats());
      return s.length === 3 && s.every((l) => l.frameWidth > 0) ? s : null;
    }, 15_000);
    expect(local, 'three encodings').toBeTruthy();
    expect(local!.map((l) => l.rid)).toEqual(['q', 'h', 'f']);
    expect(local![2]!.frameWidth).toBeGreaterThan(local![0]!.frameWidth);
  });
});
