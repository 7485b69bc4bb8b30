/**
 * Join latency: time from `meeting.join()` to the first decoded frame of a remote participant's
 * video, through the real server and the real browser SDK in Debian's Chromium.
 *
 * One publisher page joins with its (fake) camera on and stays. Then, `--joins N` times, a fresh
 * page (own browser context) joins the same room with mic and camera off, and we time in the page,
 * from `performance.now()` right before `meeting.join()`:
 *   joined     'meeting-joined'
 *   offer      the server's subscriber offer applied (setRemoteDescription on the receive PC)
 *   ice        receive PC iceConnectionState 'connected' (ICE checks done)
 *   dtls       receive PC connectionState 'connected' (DTLS handshake done, SRTP keys ready)
 *   stream     'stream-enabled' (kind 'video') of the publisher on this page
 *   1st pkt    inbound-rtp video packetsReceived > 0 (getStats polled every 5 ms)
 *   decoded    inbound-rtp video framesDecoded > 0 (same poll)
 *   frame      first requestVideoFrameCallback on the <video> playing that stream: the headline
 * A join that has not shown a frame after `--timeout-ms` (default 10 s) counts as a failure.
 *
 *   npm run bench:join [-- --joins 10 --timeout-ms 10000 --settle-ms 3000]
 *
 * Runs inside a loopback-only network namespace (scripts/netns.mjs). Exits 0 when at least one
 * join was measured, 1 when none was or setup failed; the browser and server are always stopped.
 */
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/testServer.js';
import { launchChromium, type LaunchedBrowser } from '../packages/server/test/helpers/chromium.js';
import { events as sdkEvents, join as sdkJoin, openSdkPage, waitFor } from '../packages/server/test/helpers/sdkPage.js';
import { shimKeepNames } from './shimKeepNames.js';

// ---- flags -------------------------------------------------------------------------------------

function parseFlags(argv: string[]): { joins: number; timeoutMs: number; settleMs: number } {
  const flags = { joins: 10, timeoutMs: 10_000, settleMs: 3_000 };
  const names: Record<string, keyof typeof flags> = { '--joins': 'joins', '--timeout-ms': 'timeoutMs', '--settle-ms': 'settleMs' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--help' || flag === '-h') {
      console.log('usage: npm run bench:join -- [--joins N (10)] [--timeout-ms MS per join (10000)] [--settle-ms MS after the publisher is live (3000)]');
      process.exit(0);
    }
    const key = names[flag];
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (!key || raw === undefined || !Number.isInteger(value) || value < (key === 'settleMs' ? 0 : 1)) {
      console.error(`bad flag ${argv[i - (inline === undefined ? 1 : 0)] ?? flag} ${raw ?? ''} (try --help)`);
      process.exit(2);
    }
    flags[key] = value;
  }
  if (flags.joins > 1000) {
    console.error('--joins is at most 1000');
    process.exit(2);
  }
  return flags;
}

// ---- in-page measurement ---------------------------------------------------------------------------

const MARKS = ['joined', 'offer', 'ice', 'dtls', 'stream', 'firstPacket', 'decoded', 'frame'] as const;
type Mark = (typeof MARKS)[number];
const LABELS: Record<Mark, string> = {
  joined: 'meeting-joined',
  offer: 'subscriber offer',
  ice: 'ICE connected',
  dtls: 'DTLS connected',
  stream: 'stream-enabled',
  firstPacket: 'first RTP packet',
  decoded: 'framesDecoded>0',
  frame: 'first frame (rVFC)',
};

interface PageResult {
  ok: boolean;
  error?: string;
  /** ms after join() was called. */
  marks: Partial<Record<Mark, number>>;
  /** Receiver stats when the first frame showed (or at the timeout). */
  /** Keyframe requests the publisher's browser got during this join (filled in by the runner). */
  publisherKeyframeRequests?: number;
  stats?: { pliCount: number; firCount: number; nackCount: number; keyFramesDecoded: number; frameWidth: number; packetsReceived: number };
}

interface MeasureArgs {
  meetingId: string;
  publisherId: string;
  timeoutMs: number;
}

/**
 * Runs in the page: loads the SDK and a token first (not timed), then times one join.
 * Self-contained: page.evaluate ships its source to the page (see shimKeepNames).
 */
async function measureInPage({ meetingId, publisherId, timeoutMs }: MeasureArgs): Promise<PageResult> {
  const w = window as any;
  const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<any>;
  const { VideoSDK } = await importModule('/sdk/videosdk.mjs');
  const res = await fetch(`/dev/token?roomId=${encodeURIComponent(meetingId)}`);
  const { token } = await res.json();

  const marks: Partial<Record<Mark, number>> = {};
  let t0 = 0;
  const mark = (name: Mark, at = performance.now()) => {
    if (marks[name] === undefined && t0 > 0) marks[name] = Math.round((at - t0) * 10) / 10;
  };

  // Watch every PeerConnection the SDK makes; the receive one is the one given an offer.
  const Native = w.RTCPeerConnection as typeof RTCPeerConnection;
  const pcs: RTCPeerConnection[] = [];
  let receivePc: RTCPeerConnection | null = null;
  w.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
      this.addEventListener('iceconnectionstatechange', () => {
        if (this === receivePc && (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed')) mark('ice');
      });
      this.addEventListener('connectionstatechange', () => {
        if (this === receivePc && this.connectionState === 'connected') mark('dtls');
      });
    }
    override setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void> {
      if (desc?.type === 'offer' && !receivePc) {
        receivePc = this;
        mark('offer');
      }
      return super.setRemoteDescription(desc);
    }
  };

  // Receiver stats, polled every 5 ms: the video receiver's own getStats once we know it (cheaper),
  // the whole PC before. Marks use the report's own timestamp (when Chrome collected it), not when
  // the promise resolved, so a slow getStats under load does not push them late.
  let lastStats: PageResult['stats'];
  let videoReceiver: RTCRtpReceiver | null = null;
  const readStats = async () => {
    const source = videoReceiver ?? receivePc;
    if (!source) return;
    const report = await source.getStats();
    for (const s of report.values() as IterableIterator<any>) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
      const at = Math.min(performance.now(), s.timestamp - performance.timeOrigin);
      if (s.packetsReceived > 0) mark('firstPacket', at);
      if (s.framesDecoded > 0) mark('decoded', at);
      lastStats = {
        pliCount: s.pliCount ?? 0,
        firCount: s.firCount ?? 0,
        nackCount: s.nackCount ?? 0,
        keyFramesDecoded: s.keyFramesDecoded ?? 0,
        frameWidth: s.frameWidth ?? 0,
        packetsReceived: s.packetsReceived ?? 0,
      };
    }
  };

  let resolveFrame!: () => void;
  const firstFrame = new Promise<void>((r) => (resolveFrame = r));
  const onVideo = (stream: any) => {
    mark('stream');
    videoReceiver = receivePc?.getReceivers().find((r) => r.track === stream.track) ?? null;
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([stream.track]);
    document.body.appendChild(video);
    video.requestVideoFrameCallback((now) => {
      mark('frame', now);
      resolveFrame();
    });
    void video.play().catch(() => {});
  };
  const watch = (p: any) => {
    if (p.id !== publisherId || p.__rkWatched) return;
    p.__rkWatched = true;
    p.on('stream-enabled', (s: any) => {
      if (s.kind === 'video') onVideo(s);
    });
    for (const s of p.streams?.values?.() ?? []) if (s.kind === 'video') onVideo(s);
  };

  VideoSDK.config(token);
  const meeting = VideoSDK.initMeeting({ meetingId, name: 'bench-joiner', micEnabled: false, webcamEnabled: false, multiStream: true });
  w.rkBenchMeeting = meeting;
  meeting.on('meeting-joined', () => mark('joined'));
  meeting.on('participant-joined', watch);

  let polling = true;
  const poll = (async () => {
    while (polling) {
      await readStats().catch(() => {});
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((r) => (timer = setTimeout(() => r(`no frame after ${timeoutMs} ms`), timeoutMs)));
  t0 = performance.now();
  const joining = meeting.join().then(
    () => {
      for (const p of meeting.participants.values()) watch(p);
      return firstFrame.then(() => '');
    },
    (err: any) => `join failed: ${err?.code ?? ''} ${err?.message ?? err}`,
  );
  const error = await Promise.race([joining, timeout]);
  clearTimeout(timer);
  polling = false;
  await poll;
  await readStats().catch(() => {});
  w.RTCPeerConnection = Native;
  return { ok: error === '', ...(error && { error }), marks, stats: lastStats };
}

// ---- stats and output ----------------------------------------------------------------------------

/** Linear-interpolated percentile (numpy's default) of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 1) return sorted[0];
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '-' : ms.toFixed(1);
}

function printTable(results: PageResult[], joins: number): void {
  const ok = results.filter((r) => r.ok);
  const header = ['', 'n', 'min', 'p50', 'p95', 'max', 'mean'];
  const rows: string[][] = [];
  const addRow = (label: string, pick: (r: PageResult) => number | undefined) => {
    const values = ok.map(pick).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    if (values.length === 0) {
      rows.push([label, '0', '-', '-', '-', '-', '-']);
      return;
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    rows.push([label, String(values.length), fmt(values[0]), fmt(percentile(values, 0.5)), fmt(percentile(values, 0.95)), fmt(values[values.length - 1]), fmt(mean)]);
  };
  for (const m of MARKS) addRow(`join → ${LABELS[m]}`, (r) => r.marks[m]);
  // Where the time goes after the media path is up: forwarding only starts at a keyframe.
  addRow('DTLS connected → first frame', (r) => (r.marks.dtls !== undefined && r.marks.frame !== undefined ? r.marks.frame - r.marks.dtls : undefined));
  const widths = header.map((_, c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log('');
  console.log(`join latency, ms after meeting.join() (${ok.length}/${joins} joins succeeded; p50/p95 interpolated)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('(first RTP packet and framesDecoded come from a 5 ms getStats poll; Chrome\'s stats lag the frame callback, so they are missing when the frame came first)');
  const byRequests = new Map<number, number[]>();
  for (const r of ok) {
    if (r.marks.frame === undefined || r.publisherKeyframeRequests === undefined) continue;
    const list = byRequests.get(r.publisherKeyframeRequests) ?? [];
    list.push(r.marks.frame);
    byRequests.set(r.publisherKeyframeRequests, list);
  }
  for (const [requests, frames] of [...byRequests].sort((a, b) => a[0] - b[0])) {
    frames.sort((a, b) => a - b);
    console.log(`publisher got ${requests} keyframe request(s) during the join: ${frames.length} joins, first frame p50 ${fmt(percentile(frames, 0.5))} ms (min ${fmt(frames[0])}, max ${fmt(frames[frames.length - 1])})`);
  }
  const failed = results.length - ok.length;
  if (failed > 0 || results.length < joins) console.log(`failures: ${joins - ok.length}`);
}

// ---- scenario --------------------------------------------------------------------------------------

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))),
  ]);
}

/** Record the PeerConnections the publisher page's SDK creates, to read its send-side counters. */
async function watchPublisherPcs(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    const Native = w.RTCPeerConnection as typeof RTCPeerConnection;
    const pcs: RTCPeerConnection[] = (w.rkBenchPcs = []);
    w.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    };
  });
}

/** Keyframe requests (PLI+FIR) the publisher's browser received and keyframes it encoded, all layers. */
async function publisherCounters(page: Page): Promise<{ keyframeRequests: number; keyframes: number }> {
  return page.evaluate(async () => {
    let keyframeRequests = 0;
    let keyframes = 0;
    for (const pc of (window as any).rkBenchPcs as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      for (const s of (await pc.getStats()).values() as IterableIterator<any>) {
        if (s.type !== 'outbound-rtp' || s.kind !== 'video') continue;
        keyframeRequests += (s.pliCount ?? 0) + (s.firCount ?? 0);
        keyframes += s.keyFramesEncoded ?? 0;
      }
    }
    return { keyframeRequests, keyframes };
  });
}

async function oneJoin(launched: LaunchedBrowser, url: string, args: MeasureArgs, label: string): Promise<PageResult> {
  let page: Page | undefined;
  try {
    page = await withTimeout(launched.newPage(`${url}/health`, label), 15_000, 'opening a page');
    // The in-page timeout bounds the join; this one only guards against a hung page.
    const result = await withTimeout(page.evaluate(measureInPage, args), args.timeoutMs + 15_000, 'the join');
    await withTimeout(
      page.evaluate(() => (window as any).rkBenchMeeting?.leave()),
      5_000,
      'leave()',
    ).catch((err) => console.error(`  ${label}: ${err.message}`));
    return result;
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), marks: {} };
  } finally {
    await page?.context().close().catch(() => {});
  }
}

async function main(): Promise<number> {
  const { joins, timeoutMs, settleMs } = parseFlags(process.argv.slice(2));
  let server: TestServer | undefined;
  let launched: LaunchedBrowser | undefined;
  const cleanup = async () => {
    await launched?.close().catch((err) => console.error('closing chromium:', err));
    await server?.stop().catch((err) => console.error('stopping the server:', err));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startTestServer();
    launched = await launchChromium();
    shimKeepNames(launched);
    const meetingId = `bench-join-${Date.now().toString(36)}`;

    const publisher = await openSdkPage(launched, server.url, 'publisher');
    await watchPublisherPcs(publisher);
    const joined = await withTimeout(sdkJoin(publisher, { meetingId, name: 'bench-publisher', micEnabled: false, webcamEnabled: true }), 15_000, 'publisher join');
    if (!joined.ok || !joined.participantId) throw new Error(`publisher could not join: ${joined.code} ${joined.message}`);
    const publisherId = joined.participantId;
    const live = await waitFor(async () => (await sdkEvents(publisher)).some((e) => e.ev === 'stream-enabled' && e.participantId === publisherId && e.kind === 'video'), 15_000, 50);
    if (!live) throw new Error('the publisher camera never went live');
    // Let the publisher's simulcast layers and bandwidth estimate settle before measuring.
    await new Promise((r) => setTimeout(r, settleMs));
    console.log(`server ${server.url}, room ${meetingId}, publisher ${publisherId}; ${joins} joins, ${timeoutMs} ms timeout each`);

    const results: PageResult[] = [];
    for (let i = 1; i <= joins; i++) {
      const before = await publisherCounters(publisher);
      const r = await oneJoin(launched, server.url, { meetingId, publisherId, timeoutMs }, `join${i}`);
      const after = await publisherCounters(publisher);
      r.publisherKeyframeRequests = after.keyframeRequests - before.keyframeRequests;
      results.push(r);
      const m = r.marks;
      const parts = MARKS.map((k) => `${k}=${fmt(m[k])}`).join(' ');
      const s = r.stats ? ` pli=${r.stats.pliCount} fir=${r.stats.firCount} nack=${r.stats.nackCount} keyframes=${r.stats.keyFramesDecoded} width=${r.stats.frameWidth}` : '';
      const pub = ` | publisher: +${after.keyframeRequests - before.keyframeRequests} PLI/FIR, +${after.keyframes - before.keyframes} keyframes`;
      console.log(`join ${String(i).padStart(String(joins).length)}/${joins} ${r.ok ? 'ok  ' : 'FAIL'} ${parts}${s}${pub}${r.error ? ` (${r.error})` : ''}`);
    }
    printTable(results, joins);
    return results.some((r) => r.ok) ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything the helpers left open must not keep a finished benchmark alive.
    setTimeout(() => process.exit(code), 3_000).unref();
  },
  (err) => {
    console.error('join-latency failed:', err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 3_000).unref();
  },
);
