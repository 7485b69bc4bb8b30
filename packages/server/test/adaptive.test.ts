// Adaptive subscription the SDK does by itself, with real Chromium clients: participant.renderVideo()
// elements pick the simulcast layer by their size, pause the stream on the server while they are
// off-screen or display:none, and a hidden page pauses incoming video but not audio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { audioPackets, inboundVideo, join, openSdkPage, startScreenShare, waitFor } from './helpers/sdkPage.js';

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
  const a = await join(alice, { meetingId: 'adaptive-room', name: 'Alice' });
  const b = await join(bob, { meetingId: 'adaptive-room', name: 'Bob', webcamEnabled: false, micEnabled: false });
  expect(a.ok && b.ok, JSON.stringify([a, b])).toBe(true);
  aliceId = a.participantId!;
  // Bob's page: a tile area at the top, then enough page below it to scroll the tile away.
  await bob.evaluate(() => {
    const w = window as any;
    w.__pauses = [] as { ev: string; kind: string; reason: string }[];
    const area = document.createElement('div');
    area.id = 'tiles';
    const spacer = document.createElement('div');
    spacer.style.height = '6000px';
    document.body.prepend(area, spacer);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Renders Alice's camera in Bob's page with renderVideo() and records her stream-paused/resumed. */
async function renderAlice(options: Record<string, unknown>): Promise<void> {
  await bob.evaluate(
    ([id, opts]) => {
      const w = window as any;
      const p = w.rk.meeting.participants.get(id);
      if (!w.__listening) {
        w.__listening = true;
        p.on('stream-paused', (e: any) => w.__pauses.push({ ev: 'stream-paused', ...e }));
        p.on('stream-resumed', (e: any) => w.__pauses.push({ ev: 'stream-resumed', ...e }));
      }
      w.__el?.remove();
      w.__el = p.renderVideo(opts);
      document.getElementById('tiles')!.appendChild(w.__el);
    },
    [aliceId, options] as const,
  );
}

const pauses = () => bob.evaluate(() => (window as any).__pauses as { ev: string; kind: string; reason: string }[]);
const style = (css: Record<string, string>) => bob.evaluate((c) => Object.assign((window as any).__el.style, c), css);
/** Alice's camera as Bob's renderVideo() element shows it. */
const shown = () => bob.evaluate(() => {
  const v = (window as any).__el?.querySelector('video') as HTMLVideoElement | null;
  return { width: v?.videoWidth ?? 0, attached: Boolean(v?.srcObject) };
});
const inbound = async () => (await inboundVideo(bob, aliceId)) ?? { framesDecoded: 0, frameWidth: 0, bytesReceived: 0 };

async function waitForEvent(ev: string, reason: string, after: number, kind = 'video'): Promise<boolean> {
  return Boolean(await waitFor(async () => (await pauses()).slice(after).some((e) => e.ev === ev && e.reason === reason && e.kind === kind), 10_000));
}

/** Frames decoded keep increasing over 1.5 s. */
async function framesFlow(): Promise<boolean> {
  const a = await inbound();
  await new Promise((r) => setTimeout(r, 1500));
  const b = await inbound();
  return b.framesDecoded > a.framesDecoded && b.bytesReceived > a.bytesReceived;
}

/**
 * Nothing arrives for 2 s (after 1 s for packets in flight to land), and no frame is decoded in
 * the last second (frames already received may still leave the jitter buffer at first).
 */
async function nothingArrives(): Promise<{ bytes: number; lateFrames: number }> {
  // First let the decoder finish what it already received: a CPU-starved Chrome decodes a backlog
  // of frames a second or two late (seen in CI), which says nothing about what the server sends.
  let settled = await inbound();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await inbound();
    const still = next.framesDecoded === settled.framesDecoded && next.bytesReceived === settled.bytesReceived;
    settled = next;
    if (still) break;
  }
  await new Promise((r) => setTimeout(r, 2000));
  const after = await inbound();
  return { bytes: after.bytesReceived - settled.bytesReceived, lateFrames: after.framesDecoded - settled.framesDecoded };
}

describe('participant.renderVideo()', () => {
  it('a 320x180 element receives the low layer', async () => {
    await waitFor(() => bob.evaluate((id) => Boolean((window as any).rk.meeting.participants.get(id)?.streamOf('video')), aliceId), 20_000);
    await renderAlice({ type: 'video', containerStyle: { width: '320px', height: '180px' } });
    const low = await waitFor(async () => {
      const [s, v] = [await inbound(), await shown()];
      return s.frameWidth > 0 && s.frameWidth <= 320 && v.width > 0 && v.width <= 320 ? { s, v } : null;
    }, 20_000);
    expect(low, 'the element shows the 320-wide layer').toBeTruthy();
    expect(await framesFlow()).toBe(true);
  });

  it('scrolled off-screen: stream-paused (offscreen), and nothing more arrives from the server', async () => {
    const n = (await pauses()).length;
    await bob.evaluate(() => window.scrollTo(0, 5000));
    expect(await waitForEvent('stream-paused', 'offscreen', n)).toBe(true);
    expect(await nothingArrives()).toEqual({ bytes: 0, lateFrames: 0 });
  });

  it('scrolled back: stream-resumed (offscreen) and frames flow again within seconds', async () => {
    const n = (await pauses()).length;
    // Scrolled back, how long until the element shows a new frame (logged, not asserted).
    const ms = await bob.evaluate(async () => {
      const video = (window as any).__el.querySelector('video') as HTMLVideoElement;
      const frames = () => video.getVideoPlaybackQuality().totalVideoFrames;
      const start = frames();
      const t0 = performance.now();
      window.scrollTo(0, 0);
      while (frames() === start && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
      return Math.round(performance.now() - t0);
    });
    console.log(`[adaptive] back on screen -> first new frame shown after ${ms} ms`);
    expect(await waitForEvent('stream-resumed', 'offscreen', n)).toBe(true);
    expect(await waitFor(framesFlow, 10_000)).toBe(true);
  });

  it('display:none pauses it and showing it again resumes it', async () => {
    const n = (await pauses()).length;
    await style({ display: 'none' });
    expect(await waitForEvent('stream-paused', 'offscreen', n)).toBe(true);
    expect(await nothingArrives()).toEqual({ bytes: 0, lateFrames: 0 });
    await style({ display: 'block' });
    expect(await waitForEvent('stream-resumed', 'offscreen', n)).toBe(true);
    expect(await waitFor(framesFlow, 10_000)).toBe(true);
  });

  it('made 1280x720, the element gets the high layer', async () => {
    await style({ width: '1280px', height: '720px' });
    const high = await waitFor(async () => ((await inbound()).frameWidth >= 1280 ? true : null), 20_000);
    const debug = await bob.evaluate(async (id) => {
      const p = (window as any).rk.meeting.participants.get(id);
      return { quality: p.quality, stats: await p.getVideoStats(), size: [(window as any).__el.clientWidth, (window as any).__el.clientHeight] };
    }, aliceId);
    expect(high, `the 1280-wide layer ${JSON.stringify(debug)}`).toBe(true);
    expect(await waitFor(async () => ((await shown()).width >= 1280 ? true : null), 10_000)).toBe(true);
  });

  it('maxQuality caps the layer: a 1280x720 element with maxQuality low stays on the low layer', async () => {
    await renderAlice({ maxQuality: 'low', containerStyle: { width: '1280px', height: '720px' } });
    const low = await waitFor(async () => {
      const s = await inbound();
      return s.frameWidth > 0 && s.frameWidth <= 320 ? s : null;
    }, 20_000);
    expect(low, 'back to the 320-wide layer').toBeTruthy();
  });

  it('removed from the page, the element lets go: no observers or listeners left, the stream is not paused', async () => {
    const n = (await pauses()).length;
    const counts = await bob.evaluate(() => {
      const w = window as any;
      w.__el.remove();
      const renderers = w.rk.meeting.renderers;
      return { ...renderers.counts, srcObject: Boolean(w.__el.querySelector('video').srcObject) };
    });
    expect(counts).toEqual({ video: 0, audio: 0, adaptiveViews: 0, srcObject: false });
    // An element off-screen and then removed: its pause must not outlive it.
    await renderAlice({ containerStyle: { width: '320px', height: '180px' } });
    await bob.evaluate(() => window.scrollTo(0, 5000));
    expect(await waitForEvent('stream-paused', 'offscreen', n)).toBe(true);
    await bob.evaluate(() => (window as any).__el.remove());
    expect(await waitForEvent('stream-resumed', 'offscreen', n)).toBe(true);
    await bob.evaluate(() => window.scrollTo(0, 0));
    expect(await waitFor(framesFlow, 10_000)).toBe(true);
  });
});

describe('page visibility', () => {
  /** Headless Chromium never hides a page: override visibilityState and fire the real event. */
  const setHidden = (hidden: boolean) =>
    bob.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);

  it('a hidden page pauses incoming video (stream-paused page-hidden) but audio keeps arriving', async () => {
    const n = (await pauses()).length;
    await setHidden(true);
    expect(await waitForEvent('stream-paused', 'page-hidden', n)).toBe(true);
    const audioBefore = await audioPackets(bob, aliceId);
    expect(await nothingArrives()).toEqual({ bytes: 0, lateFrames: 0 });
    expect(await audioPackets(bob, aliceId)).toBeGreaterThan(audioBefore + 50);
  });

  it('visible again: stream-resumed (page-hidden) and video flows', async () => {
    const n = (await pauses()).length;
    await setHidden(false);
    expect(await waitForEvent('stream-resumed', 'page-hidden', n)).toBe(true);
    expect(await waitFor(framesFlow, 10_000)).toBe(true);
  });
});

describe('renderVideo() of a screen share and of your own camera', () => {
  const shareShown = () => bob.evaluate(() => ((window as any).__share?.querySelector('video') as HTMLVideoElement | undefined)?.videoWidth ?? 0);
  const shareBytes = async () => (await inboundVideo(bob, aliceId, 'share'))?.bytesReceived ?? 0;

  it("type 'share' shows the screen; hidden it is paused (stream-paused kind share), shown again it flows", async () => {
    expect(await startScreenShare(alice)).toBe('ok');
    expect(await waitFor(() => bob.evaluate((id) => Boolean((window as any).rk.meeting.participants.get(id)?.streamOf('share')), aliceId), 15_000)).toBe(true);
    await bob.evaluate((id) => {
      const w = window as any;
      w.__share = w.rk.meeting.participants.get(id).renderVideo({ type: 'share', containerStyle: { width: '640px', height: '360px' } });
      document.getElementById('tiles')!.appendChild(w.__share);
    }, aliceId);
    expect(await waitFor(async () => (await shareShown()) > 0, 15_000)).toBe(true);
    const n = (await pauses()).length;
    await bob.evaluate(() => ((window as any).__share.style.display = 'none'));
    expect(await waitForEvent('stream-paused', 'offscreen', n, 'share')).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    const before = await shareBytes();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await shareBytes()).toBe(before);
    await bob.evaluate(() => ((window as any).__share.style.display = 'block'));
    expect(await waitForEvent('stream-resumed', 'offscreen', n, 'share')).toBe(true);
    expect(await waitFor(async () => (await shareBytes()) > before, 10_000)).toBe(true);
    // Alice stops sharing: the element empties itself.
    await alice.evaluate(() => (window as any).rk.meeting.disableScreenShare());
    expect(await waitFor(() => bob.evaluate(() => !(window as any).__share.querySelector('video').srcObject), 10_000)).toBe(true);
    await bob.evaluate(() => (window as any).__share.remove());
  });

  it('renderVideo() of your own participant shows your camera', async () => {
    const width = await alice.evaluate(async () => {
      const w = window as any;
      const el = w.rk.meeting.localParticipant.renderVideo({ containerStyle: { width: '320px', height: '180px' } });
      document.body.prepend(el);
      const video = el.querySelector('video') as HTMLVideoElement;
      for (let i = 0; i < 50 && video.videoWidth === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const out = { width: video.videoWidth, src: Boolean(video.srcObject), kinds: [...w.rk.meeting.localParticipant.streams.values()].map((s: any) => s.kind), connected: el.isConnected, tag: el.tagName };
      el.remove();
      return out;
    });
    expect(width.width, JSON.stringify(width)).toBeGreaterThan(0);
  });
});

describe('renderAudio() and cleanup when the participant leaves', () => {
  it('renderAudio plays the microphone; after Alice leaves every element is empty and nothing is held', async () => {
    const audio = await bob.evaluate(async (id) => {
      const w = window as any;
      const p = w.rk.meeting.participants.get(id);
      w.__audio = p.renderAudio();
      document.body.appendChild(w.__audio);
      w.__el = p.renderVideo({ containerStyle: { width: '320px', height: '180px' } });
      document.getElementById('tiles')!.appendChild(w.__el);
      await new Promise((r) => setTimeout(r, 1500));
      return { track: (w.__audio.srcObject as MediaStream | null)?.getAudioTracks()[0]?.readyState, time: w.__audio.currentTime, counts: w.rk.meeting.renderers.counts };
    }, aliceId);
    expect(audio.track).toBe('live');
    expect(audio.time).toBeGreaterThan(0.5);
    expect(audio.counts).toEqual({ video: 1, audio: 1, adaptiveViews: 1 });
    await alice.evaluate(() => (window as any).rk.meeting.leave());
    const after = await waitFor(async () => {
      const r = await bob.evaluate(() => {
        const w = window as any;
        return { counts: w.rk.meeting.renderers.counts, video: Boolean(w.__el.querySelector('video').srcObject), left: !w.rk.meeting.participants.size };
      });
      return r.left ? r : null;
    }, 15_000);
    expect(after).toEqual({ counts: { video: 0, audio: 0, adaptiveViews: 0 }, video: false, left: true });
  });
});
