// Drives many Node clients against a server: rooms of publishers (synthetic camera + mic) and
// receive-only subscribers, joined with bounded concurrency, then a fixed measurement window with
// one progress line per second, then everyone leaves. Every wait is bounded: the run always ends.
import { DEFAULT_LAYERS, loadSyntheticMedia, type SyntheticMedia } from '../media/SyntheticMedia.js';
import type { Meeting } from '../Meeting.js';
import type { Stream } from '../Stream.js';
import { initMeeting } from '../VideoSDK.js';
import { distribution } from './percentiles.js';
import { findPidByPort, psLine, readProcTree, type ProcSample } from './procStats.js';
import type { LoadTestOptions, LoadTestResult, ServerFigures } from './types.js';

const JOIN_TIMEOUT_MS = 20_000;
const LEAVE_TIMEOUT_MS = 5_000;
/** After the last join, wait at most this long for every subscriber's first media before measuring. */
const SETTLE_MAX_MS = 5_000;

interface Client {
  meeting: Meeting;
  role: 'publisher' | 'subscriber';
  joinMs: number;
  failed: boolean;
  /** Remote streams this client received (stats objects stay readable after the stream ends). */
  streams: Stream[];
}

interface Totals {
  at: number;
  packetsOut: number;
  bytesOut: number;
  packetsIn: number;
  bytesIn: number;
  lost: number;
  nacks: number;
  plis: number;
  keyframeRequests: number;
  nacksToPublishers: number;
  invalid: number;
}

export async function runLoadTest(options: LoadTestOptions, log: (line: string) => void = () => {}): Promise<LoadTestResult> {
  const url = new URL(options.url);
  const local = /^(127\.|localhost$|\[::1\]$|::1$)/.test(url.hostname);
  const bindAddress = options.bindAddress ?? (local ? '127.0.0.1' : undefined);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const pid = options.serverPid ?? (local ? findPidByPort(port) : null);
  const checks: string[] = [];
  if (pid === null) log(`server process not found (port ${port}): server CPU and memory are not reported; pass --server-pid`);

  const layers = Math.min(3, Math.max(1, options.layers));
  const media = await loadSyntheticMedia({ layers: DEFAULT_LAYERS.slice(0, layers) });
  const prefix = options.roomPrefix ?? `load-${Math.random().toString(36).slice(2, 8)}`;
  const clients: Client[] = [];
  const started = performance.now();
  let peakRssKb = 0;
  /** RSS samples taken inside the measurement window (their mean is the loaded RSS). */
  let windowRss: number[] | null = null;
  const sample = (): ProcSample | null => {
    if (pid === null) return null;
    try {
      // The tree: media workers may run as child processes of the server.
      const s = readProcTree(pid);
      peakRssKb = Math.max(peakRssKb, s.rssKb);
      windowRss?.push(s.rssKb);
      return s;
    } catch {
      return null;
    }
  };
  const before = sample();
  if (options.verbose && pid !== null) checks.push(`start: /proc ${JSON.stringify(before)}`, `start: ${psLine(pid).replace(/\n/g, ' | ')}`);

  // Progress, once a second, for the whole run.
  let last = totals(clients);
  let lastProc = before;
  const progress = setInterval(() => {
    const now = totals(clients);
    const proc = sample();
    const dt = (now.at - last.at) / 1000;
    const joined = clients.filter((c) => !c.failed && c.joinMs >= 0).length;
    const cpu = proc && lastProc ? `${(((proc.cpuSeconds - lastProc.cpuSeconds) / ((proc.at - lastProc.at) / 1000)) * 100).toFixed(0)}%` : '-';
    const lossWindow = now.lost - last.lost;
    const recvWindow = now.packetsIn - last.packetsIn;
    log(
      `t=${((now.at - started) / 1000).toFixed(0).padStart(3)}s joined ${joined}/${clients.length}` +
      `  out ${kbps(now.bytesOut - last.bytesOut, dt)} kbps  in ${kbps(now.bytesIn - last.bytesIn, dt)} kbps` +
      `  loss ${recvWindow + lossWindow > 0 ? ((lossWindow / (recvWindow + lossWindow)) * 100).toFixed(2) : '0.00'}%` +
      `  server cpu ${cpu} rss ${proc ? `${(proc.rssKb / 1024).toFixed(0)} MB` : '-'}`,
    );
    last = now;
    lastProc = proc;
  }, 1000);

  try {
    // Publishers of every room first (so subscribers measure time to first media from a live
    // stream), then subscribers; at most joinConcurrency joins in flight.
    const limit = limiter(options.joinConcurrency ?? 10);
    const joins: Promise<void>[] = [];
    for (let r = 0; r < options.rooms; r++) {
      for (let i = 0; i < options.publishers; i++) joins.push(limit(() => join(`${prefix}-${r}`, `pub-${r}-${i}`, 'publisher')));
    }
    await Promise.all(joins);
    if (options.publishers > 0) await waitForPublishing(clients, options.audioOnly ? 1 : 2);
    joins.length = 0;
    for (let r = 0; r < options.rooms; r++) {
      for (let i = 0; i < options.subscribers; i++) joins.push(limit(() => join(`${prefix}-${r}`, `sub-${r}-${i}`, 'subscriber')));
    }
    await Promise.all(joins);
    await settle(clients, options.audioOnly, options.publishers);

    // The measurement window.
    windowRss = [];
    const loaded = sample();
    const windowStart = totals(clients);
    const cpuStart = process.cpuUsage();
    await new Promise((r) => setTimeout(r, options.durationSec * 1000));
    const windowEnd = totals(clients);
    const cpuClient = process.cpuUsage(cpuStart);
    const end = sample();
    if (options.verbose && pid !== null) {
      checks.push(`end: /proc ${JSON.stringify(end)}`, `end: ${psLine(pid).replace(/\n/g, ' | ')}`);
    }
    const windowSec = (windowEnd.at - windowStart.at) / 1000;
    const subscriberCount = clients.filter((c) => c.role === 'subscriber' && !c.failed).length;
    const packetsIn = windowEnd.packetsIn - windowStart.packetsIn;
    let server: ServerFigures | null = null;
    if (pid !== null && before && loaded && end) {
      const cpuSeconds = end.cpuSeconds - loaded.cpuSeconds;
      // V8 grows and trims its heap in steps: the window's mean RSS is steadier than one reading.
      const rssLoadedKb = windowRss.reduce((a, b) => a + b, 0) / windowRss.length;
      server = {
        pid,
        threads: end.threads,
        cpuSeconds,
        cpuPercent: (cpuSeconds / windowSec) * 100,
        rssBeforeKb: before.rssKb,
        rssLoadedKb,
        rssPeakSampledKb: peakRssKb,
        hwmKb: end.hwmKb,
        memoryPerSubscriberKb: subscriberCount > 0 ? (rssLoadedKb - before.rssKb) / subscriberCount : NaN,
        memoryPerParticipantKb: (rssLoadedKb - before.rssKb) / Math.max(1, clients.filter((c) => !c.failed).length),
        forwardedPacketsPerCpuSecond: cpuSeconds > 0 ? packetsIn / cpuSeconds : NaN,
      };
    }
    const subscriberStreams = clients.filter((c) => c.role === 'subscriber').flatMap((c) => c.streams.map((s) => ({ c, s })));
    const mediaStreams = subscriberStreams.filter(({ s }) => s.kind === (options.audioOnly ? 'audio' : 'video'));
    const firstMedia = mediaStreams
      .filter(({ s }) => s.stats!.firstDecodableAt > 0)
      .map(({ c, s }) => s.stats!.firstDecodableAt - c.meeting.timings.joinStartedAt);
    const subscribers = clients.filter((c) => c.role === 'subscriber' && !c.failed);
    const mediaKind = options.audioOnly ? 'audio' : 'video';
    const stage = (at: (c: (typeof clients)[number]) => number) =>
      distribution(subscribers.map((c) => at(c) - c.meeting.timings.joinStartedAt).filter((ms) => ms >= 0)).p50;
    const firstPacketAt = (c: (typeof clients)[number]) => {
      const firsts = c.streams.filter((s) => s.kind === mediaKind && s.stats!.firstPacketAt > 0).map((s) => s.stats!.firstPacketAt);
      return firsts.length > 0 ? Math.min(...firsts) : -1;
    };
    const lost = windowEnd.lost - windowStart.lost;
    const { token: _token, ...shownOptions } = options;
    return {
      options: shownOptions,
      participants: clients.length,
      joinFailures: clients.filter((c) => c.failed).length,
      joinMs: distribution(clients.filter((c) => !c.failed).map((c) => c.joinMs)),
      firstMediaMs: distribution(firstMedia),
      firstMediaStagesMs: {
        socketOpen: stage((c) => c.meeting.timings.socketOpenAt),
        offer: stage((c) => c.meeting.timings.subscriberOfferAt),
        answered: stage((c) => c.meeting.timings.subscriberAnsweredAt),
        connected: stage((c) => c.meeting.timings.subscriberConnectedAt),
        firstPacket: stage(firstPacketAt),
      },
      streamsWithoutMedia: mediaStreams.length - firstMedia.length + missingStreams(clients, options),
      windowSec,
      packetsOut: windowEnd.packetsOut - windowStart.packetsOut,
      bitrateOutKbps: Number(kbps(windowEnd.bytesOut - windowStart.bytesOut, windowSec)),
      packetsIn,
      bitrateInKbps: Number(kbps(windowEnd.bytesIn - windowStart.bytesIn, windowSec)),
      lost,
      lossPercent: packetsIn + lost > 0 ? (lost / (packetsIn + lost)) * 100 : 0,
      nacksSent: windowEnd.nacks - windowStart.nacks,
      plisSent: windowEnd.plis - windowStart.plis,
      keyframeRequestsToPublishers: windowEnd.keyframeRequests - windowStart.keyframeRequests,
      nacksToPublishers: windowEnd.nacksToPublishers - windowStart.nacksToPublishers,
      invalid: windowEnd.invalid,
      clientCpuPercent: ((cpuClient.user + cpuClient.system) / 1e6 / windowSec) * 100,
      server,
      checks,
    };
  } finally {
    clearInterval(progress);
    await Promise.all(clients.map((c) => withTimeout(c.meeting.leave(), LEAVE_TIMEOUT_MS).catch(() => {})));
  }

  async function join(roomId: string, name: string, role: Client['role']): Promise<void> {
    const meeting = initMeeting({
      meetingId: roomId,
      name,
      signalingBaseUrl: options.url,
      token: await options.token(roomId),
      mode: role === 'publisher' ? 'SEND_AND_RECV' : 'RECV_ONLY',
      micEnabled: role === 'publisher',
      webcamEnabled: role === 'publisher' && !options.audioOnly,
      multiStream: layers > 1,
      media: media as SyntheticMedia,
      bindAddress,
    });
    const client: Client = { meeting, role, joinMs: -1, failed: false, streams: [] };
    clients.push(client);
    meeting.on('participant-joined', (p) => p.on('stream-enabled', (s) => client.streams.push(s)));
    const t0 = performance.now();
    try {
      await withTimeout(meeting.join(), JOIN_TIMEOUT_MS);
      client.joinMs = performance.now() - t0;
    } catch (err) {
      client.failed = true;
      log(`${name}: join failed: ${(err as Error).message}`);
    }
  }
}

function totals(clients: readonly Client[]): Totals {
  const t: Totals = { at: performance.now(), packetsOut: 0, bytesOut: 0, packetsIn: 0, bytesIn: 0, lost: 0, nacks: 0, plis: 0, keyframeRequests: 0, nacksToPublishers: 0, invalid: 0 };
  for (const c of clients) {
    for (const s of c.meeting.localParticipant.streams.values()) {
      const out = s.sendStats;
      if (!out) continue;
      t.packetsOut += out.packetsSent;
      t.bytesOut += out.bytesSent;
      t.keyframeRequests += out.keyframeRequests;
      t.nacksToPublishers += out.nacksReceived;
    }
    for (const s of c.streams) {
      const st = s.stats;
      if (!st) continue;
      t.packetsIn += st.packets;
      t.bytesIn += st.bytes;
      t.lost += st.lost;
      t.nacks += st.nacksSent;
      t.plis += st.plisSent;
      t.invalid += st.invalidRtp + st.invalidPayload + st.ssrcChanges + st.unexpectedPayloadType;
    }
  }
  return t;
}

/** Remote streams a subscriber should have but never got (each sees every publisher's streams). */
function missingStreams(clients: readonly Client[], options: LoadTestOptions): number {
  const kind = options.audioOnly ? 'audio' : 'video';
  let missing = 0;
  for (const c of clients) {
    if (c.role !== 'subscriber' || c.failed) continue;
    missing += Math.max(0, options.publishers - c.streams.filter((s) => s.kind === kind).length);
  }
  return missing;
}

/** Until every publisher has all `streamsEach` streams sending (right after join() it has none yet). */
async function waitForPublishing(clients: readonly Client[], streamsEach: number): Promise<void> {
  const deadline = performance.now() + SETTLE_MAX_MS;
  const sending = (c: Client) => {
    const streams = [...c.meeting.localParticipant.streams.values()];
    return streams.length >= streamsEach && streams.every((s) => (s.sendStats?.packetsSent ?? 0) > 0);
  };
  const publishing = () => clients.every((c) => c.role !== 'publisher' || c.failed || sending(c));
  while (!publishing() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function settle(clients: readonly Client[], audioOnly: boolean, publishers: number): Promise<void> {
  if (publishers === 0) return;
  const deadline = performance.now() + SETTLE_MAX_MS;
  const kind = audioOnly ? 'audio' : 'video';
  const ready = () =>
    clients.every((c) => c.role !== 'subscriber' || c.failed || c.streams.filter((s) => s.kind === kind && s.stats!.firstDecodableAt > 0).length >= publishers);
  while (!ready() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function kbps(bytes: number, seconds: number): string {
  return seconds > 0 ? ((bytes * 8) / 1000 / seconds).toFixed(0) : '0';
}

function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= max) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
