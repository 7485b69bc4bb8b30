// Reconnection in the network lab: a server and two Chromium clients on their own hosts. Cutting a
// client's signaling TCP (nftables, no FIN/RST) makes it resume the same participant: the other
// side sees nothing, media keeps flowing. With a short grace period it leaves with 1001 instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import type { LaunchedBrowser } from './helpers/chromium.js';
import { NetLab, type LabHost, type LabServer } from './helpers/netLab.js';
import { events, join, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';

let lab: NetLab;
let hosts: Record<'srv' | 'srv2' | 'alice' | 'bob', LabHost>;
let server: LabServer;
let shortGraceServer: LabServer;
const browsers: Partial<Record<'alice' | 'bob', LaunchedBrowser>> = {};

beforeAll(async () => {
  lab = NetLab.create();
  hosts = { srv: lab.addHost('srv'), srv2: lab.addHost('srv2'), alice: lab.addHost('alice'), bob: lab.addHost('bob') };
  [server, shortGraceServer] = await Promise.all([
    lab.startServer(hosts.srv),
    lab.startServer(hosts.srv2, { env: { ROOMKIT_RECONNECT_GRACE_SECONDS: '2' } }),
  ]);
  const secureOrigin = `${server.url},${shortGraceServer.url}`;
  browsers.alice = await lab.launchChromium(hosts.alice, { secureOrigin });
  browsers.bob = await lab.launchChromium(hosts.bob, { secureOrigin });
}, 90_000);

afterAll(async () => {
  await lab?.teardown();
});

/** Records meeting-state-changed into rk.events (the shared page helper does not). */
async function watchState(page: Page): Promise<void> {
  await page.evaluate(() => {
    const rk = (window as any).rk;
    rk.meeting.on('meeting-state-changed', (s: any) => rk.events.push({ ev: 'meeting-state-changed', data: s.state }));
  });
}

const states = async (page: Page) => (await events(page)).filter((e) => e.ev === 'meeting-state-changed').map((e) => e.data);

async function framesRising(page: Page, participantId: string): Promise<boolean> {
  const first = await videoInfo(page, participantId);
  if (!first || first.framesDecoded === 0) return false;
  await new Promise((r) => setTimeout(r, 500));
  const second = await videoInfo(page, participantId);
  return !!second && second.framesDecoded > first.framesDecoded;
}

async function joinBoth(url: string, meetingId: string) {
  const alice = await openSdkPage(browsers.alice!, url, 'alice');
  const bob = await openSdkPage(browsers.bob!, url, 'bob');
  const a = await join(alice, { meetingId, name: 'Alice' });
  const b = await join(bob, { meetingId, name: 'Bob' });
  expect(a.ok && b.ok, JSON.stringify({ a, b })).toBe(true);
  await watchState(alice);
  expect(await waitFor(() => framesRising(bob, a.participantId!), 20_000), 'Bob decodes Alice').toBe(true);
  expect(await waitFor(() => framesRising(alice, b.participantId!), 20_000), 'Alice decodes Bob').toBe(true);
  return { alice, bob, aliceId: a.participantId!, bobId: b.participantId! };
}

describe('signaling drop within the grace period', () => {
  it('blocking a client\'s signaling TCP: RECONNECTING → CONNECTED, same participant, nobody sees it leave, media flows within 3 s', async () => {
    const { alice, bob, aliceId, bobId } = await joinBoth(server.url, 'lab-resume');
    lab.blockTcp(hosts.alice.ns, 7880, { peerIp: hosts.srv.ip });
    const reconnecting = await waitFor(async () => (await states(alice)).includes('RECONNECTING'), 20_000);
    expect(reconnecting, 'Alice notices the dead socket').toBe(true);
    // Meeting methods meanwhile fail with ERROR_MEETING_RECONNECTING (3065), as in VideoSDK.
    await alice.evaluate(() => (window as any).rk.meeting.disableScreenShare());
    expect((await events(alice)).filter((e) => e.ev === 'error').map((e) => (e.data as { code: number }).code)).toContain(ErrorCode.ERROR_MEETING_RECONNECTING);
    await new Promise((r) => setTimeout(r, 2_000)); // attempts fail while still blocked
    lab.clearDrops(hosts.alice.ns);
    const connected = await waitFor(async () => (await states(alice)).at(-1) === 'CONNECTED', 15_000);
    expect(connected, `states: ${JSON.stringify(await states(alice))}`).toBe(true);
    expect(await states(alice)).toEqual(['RECONNECTING', 'CONNECTED']);

    const resumedAt = Date.now();
    expect(await waitFor(() => framesRising(bob, aliceId), 3_000, 100), 'Bob decodes Alice after the resume').toBe(true);
    expect(await waitFor(() => framesRising(alice, bobId), 3_000, 100), 'Alice decodes Bob after the resume').toBe(true);
    expect(Date.now() - resumedAt).toBeLessThan(4_000);

    // The resumed connection carries live events: Bob's mute reaches Alice.
    await bob.evaluate(() => (window as any).rk.meeting.muteMic());
    expect(await waitFor(async () => (await events(alice)).some((e) => e.ev === 'stream-disabled' && e.participantId === bobId && e.kind === 'audio'))).toBe(true);

    const bobSaw = (await events(bob)).filter((e) => e.participantId === aliceId && (e.ev === 'participant-left' || e.ev === 'participant-joined'));
    expect(bobSaw.map((e) => e.ev)).toEqual(['participant-joined']);
    const aliceSaw = (await events(alice)).filter((e) => e.ev === 'meeting-left' || (e.ev === 'participant-left' && e.participantId === bobId));
    expect(aliceSaw).toEqual([]);
    expect(await alice.evaluate(() => (window as any).rk.meeting.localParticipant.id)).toBe(aliceId);
    await Promise.all([alice.close(), bob.close()]);
  }, 120_000);
});

describe('signaling drop past the grace period', () => {
  it('with reconnectGraceSeconds 2 and the TCP blocked, the others get participant-left 1001 and the client meeting-left 1001', async () => {
    const { alice, bob, aliceId } = await joinBoth(shortGraceServer.url, 'lab-expire');
    lab.blockTcp(hosts.alice.ns, 7880, { peerIp: hosts.srv2.ip });
    try {
      const left = await waitFor(async () => (await events(bob)).find((e) => e.ev === 'participant-left' && e.participantId === aliceId), 30_000);
      expect(left, 'Bob sees Alice leave').toBeTruthy();
      expect(left!.reason).toBe(LeaveReason.WEBSOCKET_DISCONNECTED);
      const aliceLeft = await waitFor(async () => (await events(alice)).find((e) => e.ev === 'meeting-left'), 30_000);
      expect(aliceLeft, 'Alice gives up').toBeTruthy();
      expect(aliceLeft!.reason).toBe(LeaveReason.WEBSOCKET_DISCONNECTED);
      expect(await states(alice)).toEqual(['RECONNECTING', 'DISCONNECTED']);
    } finally {
      lab.clearDrops(hosts.alice.ns);
    }
  }, 120_000);
});

describe('media path failure', () => {
  it('all UDP to a client lost until its PeerConnections fail: it republishes and restarts its subscriber connection, video flows both ways again', async () => {
    const { alice, bob, aliceId, bobId } = await joinBoth(server.url, 'lab-media-fail');
    lab.dropRandom(hosts.alice.ns, 100);
    const failedAt = Date.now();
    try {
      // Chromium declares a PeerConnection failed once ICE consent has gone unanswered for ~30 s.
      await new Promise((r) => setTimeout(r, 40_000));
    } finally {
      lab.clearDrops(hosts.alice.ns);
    }
    const repairedAt = Date.now();
    expect(await waitFor(() => framesRising(bob, aliceId), 20_000), 'Bob decodes Alice again').toBe(true);
    expect(await waitFor(() => framesRising(alice, bobId), 20_000), 'Alice decodes Bob again').toBe(true);
    console.log(`media repaired ${((Date.now() - repairedAt) / 1000).toFixed(1)} s after the loss ended (${((repairedAt - failedAt) / 1000).toFixed(0)} s of loss)`);
    expect(await states(alice)).toEqual([]); // signaling never dropped
    // The repair was real: Alice published her camera again, and re-received Bob's on a new connection.
    const count = async (page: Page, ev: string, id: string) => (await events(page)).filter((e) => e.ev === ev && e.participantId === id && e.kind === 'video').length;
    expect(await count(bob, 'stream-enabled', aliceId), 'Alice republished').toBeGreaterThanOrEqual(2);
    expect(await count(alice, 'stream-enabled', bobId), 'Alice re-subscribed').toBeGreaterThanOrEqual(2);
    await Promise.all([alice.close(), bob.close()]);
  }, 150_000);
});

