// Media on impaired links, with test hosts in network namespaces (see helpers/netLab.ts): a capped
// subscriber drops to the low layer while an uncapped one keeps the high layer and comes back up
// when the cap lifts; random loss is repaired with RTX; a capped publisher still delivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NetLab, type LabHost, type LabServer } from './helpers/netLab.js';
import type { LaunchedBrowser } from './helpers/chromium.js';
import { events, inboundVideo, join, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';

/**
 * Part of `npm test` (root: namespaces, tc, nftables; about 55 s); `npm run test:network` runs it
 * alone. On the final code 16 of the last 17 runs passed, the last 14 in a row (1-minute load average
 * 1.2-14.9 on 2 cores); the one failure, at load 19.8, was CPU starvation (0.504 s frozen vs a 0.5 s
 * limit under loss; 77 frames and 1.4 s frozen on the capped publisher's low layer). The 400 kbps
 * cap measured 0-1.7 % loss in every run of the last 25 (was up to 4 %; 1.7 % is 2 packets).
 * What made it flaky before, found with RK_LAB_LOG (issue 5): keyframe bursts and probes overflowing
 * the capped link's small tbf queue (now paced; probes after congestion stay within 1.1x the link),
 * the stale-media guard shedding frames that were late because of the publisher, not us (now
 * measured against abs-send-time), a loss-cut REMB holding a capped publisher far below its link,
 * a publisher stall resetting every consumer to wait for a keyframe, and a flapping middle layer
 * (noticed after 350 ms instead of 700, and not re-chosen until it has flowed 8 s).
 */

let lab: NetLab;
let server: LabServer;
const hosts: Record<string, LabHost> = {};
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const MEETING = 'lab-room';

async function participant(name: string, opts: { cam: boolean }): Promise<void> {
  hosts[name] = lab.addHost(name);
  const browser: LaunchedBrowser = await lab.launchChromium(hosts[name]!, { secureOrigin: server.url });
  pages[name] = await openSdkPage(browser, server.url, name);
  const res = await join(pages[name]!, { meetingId: MEETING, name, micEnabled: true, webcamEnabled: opts.cam });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  ids[name] = res.participantId!;
}

const width = async (viewer: string) => (await videoInfo(pages[viewer]!, ids.pub!))?.width ?? 0;

/** The SDK's video-quality-changed events of `viewer` about the publisher, oldest first. */
async function qualityEvents(viewer: string): Promise<Array<{ currentQuality: string; prevQuality: string }>> {
  return (await events(pages[viewer]!)).filter((e) => e.ev === 'video-quality-changed' && e.participantId === ids.pub).map((e) => e.data as { currentQuality: string; prevQuality: string });
}

/** Inbound video counters of `viewer` for the publisher over `ms`: loss share and frames. */
async function measure(viewer: string, ms: number) {
  const a = await inboundVideo(pages[viewer]!, ids.pub!);
  await new Promise((r) => setTimeout(r, ms));
  const b = await inboundVideo(pages[viewer]!, ids.pub!);
  if (!a || !b) return null;
  const received = b.packetsReceived - a.packetsReceived;
  const lost = Math.max(0, b.packetsLost - a.packetsLost);
  return {
    loss: received + lost > 0 ? lost / (received + lost) : 0,
    frames: b.framesDecoded - a.framesDecoded,
    freezeSeconds: b.totalFreezesDuration - a.totalFreezesDuration,
    retransmitted: b.retransmittedPacketsReceived - a.retransmittedPacketsReceived,
    nacks: b.nackCount - a.nackCount,
    kbps: ((b.bytesReceived - a.bytesReceived) * 8) / ms,
    // Diagnostics for failure messages: where a freeze came from.
    freezes: b.freezeCount - a.freezeCount,
    plis: b.pliCount - a.pliCount,
    keyframes: b.keyFramesDecoded - a.keyFramesDecoded,
    received: b.framesReceived - a.framesReceived,
    dropped: b.framesDropped - a.framesDropped,
    width: b.frameWidth,
  };
}

beforeAll(async () => {
  lab = NetLab.create();
  const srv = lab.addHost('srv');
  // RK_LAB_LOG=1 prints the server's debug log (layer allocations, publisher feedback) at the end.
  // RK_LAB_LOG=trace adds the estimator's state every half second.
  const level = process.env.RK_LAB_LOG === 'trace' ? 'trace' : 'debug';
  server = await lab.startServer(srv, process.env.RK_LAB_LOG ? { env: { ROOMKIT_LOG_LEVEL: level } } : {});
  await participant('pub', { cam: true });
  await participant('capped', { cam: false });
  await participant('free', { cam: false });
}, 120_000);

afterAll(async () => {
  if (process.env.RK_LAB_LOG) console.log(server?.output());
  await lab?.teardown();
});

describe('bandwidth caps', () => {
  it('both subscribers first receive the high layer', async () => {
    for (const viewer of ['capped', 'free']) {
      const high = await waitFor(async () => (await width(viewer)) >= 640, 30_000);
      expect(high, `${viewer} reaches a high layer (width ${await width(viewer)})`).toBe(true);
    }
  });

  it('a 400 kbps cap on one subscriber: within 10 s it gets the low layer with under 2 % loss; the other keeps the high layer', async () => {
    const before = await width('free');
    const eventsBefore = (await qualityEvents('capped')).length;
    lab.capDownlink(hosts.capped!, 400);
    const low = await waitFor(async () => (await width('capped')) <= 320 && (await width('capped')) > 0, 10_000, 250);
    expect(low, `capped subscriber on the low layer (width ${await width('capped')})`).toBe(true);
    // The SDK heard it from the server's allocation (not from the frame size).
    const heard = await waitFor(async () => (await qualityEvents('capped')).slice(eventsBefore).some((e) => e.currentQuality === 'low' && e.prevQuality !== 'low'), 3000);
    expect(heard, JSON.stringify(await qualityEvents('capped'))).toBe(true);
    // Give the queue built before the switch a moment to drain, then measure the loss rate over
    // 12 s: the low layer is ~20-25 packets/s, so over 4 s 2 % was two packets (a fresh-clone CI run
    // failed on three, 3.2 %) and over 8 s three to four (another failed on 3 of 157, 2.2 %, with
    // 37 packets lost and repaired by RTX in the same window).
    await new Promise((r) => setTimeout(r, 2000));
    const stats = await measure('capped', 12_000);
    console.log(`400 kbps cap, capped subscriber: ${JSON.stringify(stats)}`);
    expect(stats!.frames).toBeGreaterThan(20);
    expect(stats!.loss, JSON.stringify(stats)).toBeLessThan(0.02);
    // The uncapped subscriber is not pulled down by the other's cap (it may still be climbing).
    expect(await width('free')).toBeGreaterThanOrEqual(before);
  });

  it('lifting the cap brings the subscriber back up within 20 s', async () => {
    lab.clearCaps(hosts.capped!);
    const up = await waitFor(async () => (await width('capped')) >= 640, 20_000, 500);
    expect(up, `back above the low layer (width ${await width('capped')})`).toBe(true);
    const last = await waitFor(async () => (await qualityEvents('capped')).at(-1)?.currentQuality !== 'low', 3000);
    expect(last, JSON.stringify(await qualityEvents('capped'))).toBe(true);
  });
});

describe('random loss', () => {
  it('5 % loss on a subscriber link: video keeps decoding, NACKs are answered with RTX, freezes stay near the loss-free run', async () => {
    // The loss-free reference is the other subscriber of the same publisher over the same seconds:
    // on this shared 2-core machine most freezes come from CPU starvation (the publisher's encoder,
    // a browser, our worker), which varies from one 8 s window to the next but hits both viewers of
    // one window alike. (Measured one after the other, a clean window froze 0-1.2 s by itself.)
    const before = await measure('free', 8000);
    lab.dropRandom(hosts.free!.ns, 5);
    try {
      const [lossy, clean] = await Promise.all([measure('free', 8000), measure('capped', 8000)]);
      console.log(`5 % loss: ${JSON.stringify(lossy)}; loss-free: ${JSON.stringify(clean)}; before the loss: ${JSON.stringify(before)}`);
      expect(lossy!.frames, JSON.stringify(lossy)).toBeGreaterThan(60);
      expect(lossy!.nacks).toBeGreaterThan(0);
      expect(lossy!.retransmitted, JSON.stringify(lossy)).toBeGreaterThan(0);
      // Twice the loss-free freeze time; a floor of 0.5 s because a clean run here often has none.
      expect(lossy!.freezeSeconds, `lossy ${JSON.stringify(lossy)} clean ${JSON.stringify(clean)}`).toBeLessThanOrEqual(Math.max(2 * clean!.freezeSeconds, 0.5));
    } finally {
      lab.clearDrops(hosts.free!.ns);
    }
  });
});

describe('capped publisher', () => {
  it('a publisher uplink capped at 600 kbps still delivers its low layer smoothly', async () => {
    lab.capUplink(hosts.pub!, 600);
    try {
      // The browser needs a few seconds to learn the narrow uplink (from our REMB and reports).
      await new Promise((r) => setTimeout(r, 8000));
      const stats = await measure('free', 5000);
      console.log(`600 kbps publisher uplink, subscriber: ${JSON.stringify(stats)}`);
      expect(stats!.frames, JSON.stringify(stats)).toBeGreaterThan(75); // 15 fps or better
      expect(stats!.freezeSeconds, JSON.stringify(stats)).toBeLessThan(1);
      expect(await width('free')).toBeGreaterThan(0);
    } finally {
      lab.clearCaps(hosts.pub!);
    }
  });
});
