// The SDK's side of call quality: every QUALITY_REPORT_INTERVAL_MS while joined, a summary of the
// browser's own getStats() since the previous report (loss, jitter, bitrate, RTT and frame rate per
// kind and direction) goes to the server as a `qualityReport`, which stores it beside the samples
// it takes from RTCP itself (`GET /v2/sessions/:id/participant/:pid/stats?source=sdk`). The server
// cannot see frame rate nor the browser's RTT estimate; everything else it measures on its own.
import type { QualityFigures, QualityKind, QualityReportRequest } from '@roomkit/protocol';

export const QUALITY_REPORT_INTERVAL_MS = 10_000;

/** One peer connection to read: a publish connection of `kind`, or the receive connection. */
export interface StatsSource {
  direction: 'send' | 'recv';
  /** The publication's kind (send); receive connections tell their kinds per RTP stream. */
  kind?: QualityKind;
  stats(): Promise<RTCStatsReport | Iterable<[string, Record<string, unknown>]>>;
}

type Counters = { bytes: number; lost: number; received: number; at: number };
type Acc = { bits: number; lost: number; packets: number; loss: number[]; jitter: number[]; rtt: number[]; fps: number[]; seen: boolean };
type Report = Pick<QualityReportRequest, 'send' | 'recv'>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const newAcc = (): Acc => ({ bits: 0, lost: 0, packets: 0, loss: [], jitter: [], rtt: [], fps: [], seen: false });

/**
 * Turns stats reports into one report's figures. `previous` (by RTP stream id) is updated in place;
 * a stream seen for the first time contributes only from the next report on (bitrate and loss need
 * two readings).
 */
export function summarizeQuality(readings: Array<{ source: StatsSource; report: Map<string, Record<string, unknown>> }>, previous: Map<string, Counters>, nowMs: number): Report {
  const acc = { send: new Map<QualityKind, Acc>(), recv: new Map<QualityKind, Acc>() };
  const seenIds = new Set<string>();
  for (const { source, report } of readings) {
    let pairRtt: number | undefined;
    for (const s of report.values()) {
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated === true) pairRtt = num(s.currentRoundTripTime);
    }
    for (const s of report.values()) {
      const id = String(s.id);
      const mediaKind = s.kind === 'audio' ? 'audio' : s.kind === 'video' ? 'video' : undefined;
      if (source.direction === 'send' && s.type === 'outbound-rtp' && mediaKind) {
        const kind = source.kind ?? mediaKind;
        const a = acc.send.get(kind) ?? newAcc();
        acc.send.set(kind, a);
        const fps = num(s.framesPerSecond);
        if (fps !== undefined) a.fps.push(fps);
        const remote = typeof s.remoteId === 'string' ? report.get(s.remoteId) : undefined;
        const fraction = num(remote?.fractionLost);
        if (fraction !== undefined) a.loss.push(fraction * 100);
        const jitter = num(remote?.jitter);
        if (jitter !== undefined) a.jitter.push(jitter * 1000);
        const rtt = num(remote?.roundTripTime) ?? pairRtt;
        if (rtt !== undefined) a.rtt.push(rtt * 1000);
        track(a, id, num(s.bytesSent) ?? 0, 0, 0);
      } else if (source.direction === 'recv' && s.type === 'inbound-rtp' && mediaKind) {
        const a = acc.recv.get(mediaKind) ?? newAcc();
        acc.recv.set(mediaKind, a);
        const fps = num(s.framesPerSecond);
        if (fps !== undefined) a.fps.push(fps);
        const jitter = num(s.jitter);
        if (jitter !== undefined) a.jitter.push(jitter * 1000);
        if (pairRtt !== undefined) a.rtt.push(pairRtt * 1000);
        track(a, id, num(s.bytesReceived) ?? 0, num(s.packetsLost) ?? 0, num(s.packetsReceived) ?? 0);
      }
    }
  }
  for (const id of previous.keys()) if (!seenIds.has(id)) previous.delete(id);
  const out: Report = {};
  for (const direction of ['send', 'recv'] as const) {
    for (const [kind, a] of acc[direction]) {
      if (!a.seen) continue;
      const lossPct = a.loss.length > 0 ? mean(a.loss)! : a.lost + a.packets > 0 ? (100 * a.lost) / (a.lost + a.packets) : 0;
      const figures: QualityFigures = { lossPct: clamp(lossPct, 100), jitterMs: clamp(mean(a.jitter) ?? 0, 60_000), bitrateBps: clamp(Math.round(a.bits), 1e9) };
      const rtt = mean(a.rtt);
      if (rtt !== undefined) figures.rttMs = clamp(rtt, 60_000);
      const fps = mean(a.fps);
      if (fps !== undefined && kind !== 'audio') figures.framesPerSecond = clamp(fps, 240);
      (out[direction] ??= {})[kind] = figures;
    }
  }
  return out;

  function track(a: Acc, id: string, bytes: number, lost: number, received: number): void {
    seenIds.add(id);
    const before = previous.get(id);
    previous.set(id, { bytes, lost, received, at: nowMs });
    if (!before || nowMs <= before.at) return;
    a.seen = true;
    a.bits += (Math.max(0, bytes - before.bytes) * 8 * 1000) / (nowMs - before.at);
    a.lost += Math.max(0, lost - before.lost);
    a.packets += Math.max(0, received - before.received);
  }
}

/** Sends a report every interval while started; a failed read or send is skipped, never thrown. */
export class QualityReporter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly previous = new Map<string, Counters>();

  constructor(
    private readonly sources: () => StatsSource[],
    private readonly send: (report: Report) => Promise<unknown>,
    private readonly intervalMs = QUALITY_REPORT_INTERVAL_MS,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.previous.clear();
  }

  async tick(): Promise<void> {
    try {
      const readings = await Promise.all(
        this.sources().map(async (source) => ({ source, report: new Map([...((await source.stats()) as Iterable<[string, Record<string, unknown>]>)]) })),
      );
      const report = summarizeQuality(readings, this.previous, Date.now());
      if (report.send || report.recv) await this.send(report);
    } catch {
      // Stats of a closing connection, a refused report (rate limit, not joined): the next tick tries again.
    }
  }
}
