// Turns two cumulative reads of the media layer's counters into one interval's figures, and
// scores a sample. Pure functions: the sampler keeps the previous reads.
import type { ProducerQuality, SubscriberSlotQuality } from '../../media/types.js';
import type { FiguresByKind, KindFigures } from './types.js';
import { audioMos, SCREEN_TARGET_BPS, VIDEO_TARGET_BPS, videoMos } from './score.js';

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * What a publisher sent over the interval, from the server's reception: loss is what the network
 * took before any retransmission (expected - (received - late)), so a recovered packet still counts.
 * Null when no packet was expected (nothing flowed).
 */
export function sendFigures(now: ProducerQuality, before: ProducerQuality | undefined, seconds: number, rttMs: number | null): KindFigures | null {
  // A counter went backwards: the producer restarted its layers; count from zero.
  const base = before && now.packetsExpected >= before.packetsExpected && now.packetsReceived >= before.packetsReceived ? before : undefined;
  const expected = now.packetsExpected - (base?.packetsExpected ?? 0);
  if (expected <= 0 || seconds <= 0) return null;
  const fresh = now.packetsReceived - now.packetsLate - ((base?.packetsReceived ?? 0) - (base?.packetsLate ?? 0));
  const lossPct = Math.min(100, Math.max(0, ((expected - fresh) / expected) * 100));
  const bytes = now.bytesReceived - (base?.bytesReceived ?? 0);
  return { lossPct: round(lossPct), jitterMs: round(now.jitterMs), bitrateBps: Math.round((bytes * 8) / seconds), rttMs: rttMs === null ? null : round(rttMs) };
}

/** What a subscriber received on one slot over the interval: sent bytes, and its own last report. */
export function recvFigures(now: SubscriberSlotQuality, before: SubscriberSlotQuality | undefined, seconds: number): KindFigures | null {
  const base = before && now.packetsSent >= before.packetsSent ? before : undefined;
  const packets = now.packetsSent - (base?.packetsSent ?? 0);
  if (packets <= 0 || seconds <= 0) return null;
  const bytes = now.bytesSent - (base?.bytesSent ?? 0);
  return {
    lossPct: now.reports > 0 ? round(now.fractionLost * 100) : 0,
    jitterMs: now.reports > 0 ? round(now.jitterMs) : 0,
    bitrateBps: Math.round((bytes * 8) / seconds),
    rttMs: now.rttMs >= 0 ? round(now.rttMs) : null,
  };
}

/** Several streams of one kind (one per remote publisher) as one: loss, jitter, RTT averaged, bitrates summed. */
export function mergeFigures(list: KindFigures[]): KindFigures | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  const rtts = list.map((f) => f.rttMs).filter((r): r is number => r !== null);
  const fps = list.map((f) => f.framesPerSecond).filter((r): r is number => r !== undefined);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    lossPct: round(mean(list.map((f) => f.lossPct))),
    jitterMs: round(mean(list.map((f) => f.jitterMs))),
    bitrateBps: list.reduce((a, f) => a + f.bitrateBps, 0),
    rttMs: rtts.length > 0 ? round(mean(rtts)) : null,
    ...(fps.length > 0 && { framesPerSecond: round(mean(fps)) }),
  };
}

/**
 * A participant's scores: the worse of what it sends (as others will get it) and what it
 * receives, per medium; video covers camera and screen share (bitrate counts on the send side only). Null when that medium did not flow.
 */
export function scoreSample(send: FiguresByKind, recv: FiguresByKind): { audioScore: number | null; videoScore: number | null } {
  const audio = [send.audio, recv.audio].filter((f): f is KindFigures => f !== undefined).map((f) => audioMos(f));
  const video: number[] = [];
  for (const [kind, target] of [['video', VIDEO_TARGET_BPS], ['share', SCREEN_TARGET_BPS]] as const) {
    const sent = send[kind];
    const received = recv[kind];
    if (sent) video.push(videoMos({ ...sent, targetBps: target }));
    // The received rate is the layer the server chose for the subscriber's view (a small tile
    // gets the small layer), not an impairment: it is left out of the receive score.
    if (received) video.push(videoMos({ ...received, bitrateBps: null }));
  }
  return { audioScore: audio.length > 0 ? Math.min(...audio) : null, videoScore: video.length > 0 ? Math.min(...video) : null };
}

/**
 * Several participants' samples of one moment as one (a session's point in time): per direction and
 * kind, loss, jitter, RTT and bitrate averaged over the participants that have that kind; scores
 * averaged over those that have one. Null scores and absent kinds stay absent.
 */
export function averageSamples(samples: ReadonlyArray<{ send: FiguresByKind; recv: FiguresByKind; audioScore: number | null; videoScore: number | null }>): {
  send: FiguresByKind; recv: FiguresByKind; audioScore: number | null; videoScore: number | null;
} {
  const mean = (xs: number[]) => (xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length));
  const known = <T>(xs: Array<T | null | undefined>) => xs.filter((x): x is T => x !== null && x !== undefined);
  const side = (pick: (s: (typeof samples)[number]) => FiguresByKind): FiguresByKind => {
    const out: FiguresByKind = {};
    for (const kind of ['audio', 'video', 'share'] as const) {
      const list = known(samples.map((s) => pick(s)[kind]));
      if (list.length === 0) continue;
      const fps = known(list.map((f) => f.framesPerSecond));
      out[kind] = {
        lossPct: mean(list.map((f) => f.lossPct))!,
        jitterMs: mean(list.map((f) => f.jitterMs))!,
        bitrateBps: Math.round(mean(list.map((f) => f.bitrateBps))!),
        rttMs: mean(known(list.map((f) => f.rttMs))),
        ...(fps.length > 0 && { framesPerSecond: mean(fps)! }),
      };
    }
    return out;
  };
  return {
    send: side((s) => s.send),
    recv: side((s) => s.recv),
    audioScore: mean(known(samples.map((s) => s.audioScore))),
    videoScore: mean(known(samples.map((s) => s.videoScore))),
  };
}
