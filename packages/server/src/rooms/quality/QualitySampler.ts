// Samples every visible participant's send and receive quality every `sampleSeconds`: reads the
// media layer's cumulative counters (the `quality` command), takes differences from the previous
// read, maps producers and subscriber slots to participants and kinds, scores, and hands the
// samples to the sink (the store). Also takes the SDK's own reports (`qualityReport`), rate-limited.
import type { QualityReportRequest, StreamKind } from '@roomkit/protocol';
import { QUALITY_REPORT_MIN_INTERVAL_MS, RoomkitError } from '@roomkit/protocol';
import type { MediaEngine, ProducerQuality, SubscriberSlotQuality } from '../../media/types.js';
import type { Room } from '../Room.js';
import type { Participant } from '../Participant.js';
import type { FiguresByKind, KindFigures, QualitySample, QualitySink } from './types.js';
import { mergeFigures, recvFigures, scoreSample, sendFigures } from './sampleMath.js';
import { logger } from '../../logger.js';

const log = logger('rooms:quality');

/** Size of the SDK-report rate map at which it drops participants no longer live. */
const CLIENT_REPORT_KEYS_PRUNE_AT = 1000;

/** Stream kinds as quality kinds; share audio is not sampled separately (it rides with the share). */
const KIND_OF_STREAM: Partial<Record<StreamKind, 'audio' | 'video' | 'share'>> = { audio: 'audio', video: 'video', share: 'share' };

export class QualitySampler {
  private previousProducers = new Map<string, ProducerQuality>();
  private previousSlots = new Map<string, SubscriberSlotQuality>();
  private previousAtMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** The last round's samples by `sessionId/participantId` (replaced every round: live participants only). */
  private latestSamples = new Map<string, QualitySample>();
  /** participant key → when its last SDK report was accepted (only live participants are kept). */
  private readonly lastClientReport = new Map<string, number>();

  constructor(
    private readonly media: MediaEngine,
    private readonly rooms: () => Iterable<Room>,
    private readonly sink: QualitySink,
    readonly sampleSeconds: number,
  ) {}

  start(): void {
    if (this.timer || this.sampleSeconds <= 0) return;
    this.timer = setInterval(() => void this.sampleOnce(), this.sampleSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round; overlapping rounds (a slow worker) are skipped, never queued. Never throws. */
  async sampleOnce(): Promise<QualitySample[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const report = await this.media.request({ op: 'quality' });
      const nowMs = Date.now();
      const seconds = this.previousAtMs > 0 ? (nowMs - this.previousAtMs) / 1000 : 0;
      this.previousAtMs = nowMs;
      const producers = new Map(report.producers.map((p) => [p.producerId, p]));
      const slotsByTransport = new Map(report.subscribers.map((s) => [s.transportId, s.slots]));
      const samples: QualitySample[] = [];
      const at = new Date(nowMs);
      for (const room of this.rooms()) {
        if (room.closed) continue;
        const sourceOfConsumer = consumerSources(room);
        for (const participant of room.participants.values()) {
          if (participant.hidden || participant.left) continue;
          const sample = this.sampleParticipant(room, participant, at, seconds, producers, slotsByTransport, sourceOfConsumer);
          if (sample) samples.push(sample);
        }
      }
      this.previousProducers = producers;
      this.previousSlots = new Map();
      for (const s of report.subscribers) s.slots.forEach((slot, i) => this.previousSlots.set(`${s.transportId}#${i}`, slot));
      this.forgetGoneParticipants();
      this.latestSamples = new Map(samples.map((s) => [`${s.sessionId}/${s.participantId}`, s]));
      if (samples.length > 0) this.sink.record(samples);
      return samples;
    } catch (err) {
      log.warn({ err }, 'quality sample failed');
      return [];
    } finally {
      this.running = false;
    }
  }

  private sampleParticipant(
    room: Room, participant: Participant, at: Date, seconds: number,
    producers: Map<string, ProducerQuality>, slotsByTransport: Map<string, SubscriberSlotQuality[]>, sourceOfConsumer: Map<string, ConsumerSource>,
  ): QualitySample | null {
    const recvLists: Record<string, KindFigures[]> = { audio: [], video: [], share: [] };
    const slots = participant.subscriberTransportId ? (slotsByTransport.get(participant.subscriberTransportId) ?? []) : [];
    const rtts: number[] = [];
    slots.forEach((slot, i) => {
      if (slot.rttMs >= 0) rtts.push(slot.rttMs);
      const source = slot.consumerId === null ? undefined : sourceOfConsumer.get(slot.consumerId);
      if (!source) return;
      const figures = recvFigures(slot, this.previousSlots.get(`${participant.subscriberTransportId}#${i}`), seconds);
      if (!figures) return;
      // Sequence gaps the publisher's uplink made reach the subscriber too (we forward its
      // numbering): what the subscriber's own downlink lost is its reported loss less those.
      const upstream = producers.get(source.producerId);
      const upstreamLoss = upstream ? (sendFigures(upstream, this.previousProducers.get(source.producerId), seconds, null)?.lossPct ?? 0) : 0;
      figures.lossPct = Math.max(0, Math.round((figures.lossPct - upstreamLoss) * 100) / 100);
      recvLists[source.kind]!.push(figures);
    });
    // The publisher's own PeerConnections carry no RTT we can see (a send-only browser sends no
    // receiver reports): its subscriber connection's RTT is the same client over the same path.
    const rtt = rtts.length > 0 ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null;
    const send: FiguresByKind = {};
    for (const stream of participant.streams.values()) {
      const kind = KIND_OF_STREAM[stream.kind];
      const now = producers.get(stream.transportId);
      if (!kind || !now) continue;
      const figures = sendFigures(now, this.previousProducers.get(stream.transportId), seconds, rtt);
      if (figures) send[kind] = figures;
    }
    const recv: FiguresByKind = {};
    for (const kind of ['audio', 'video', 'share'] as const) {
      const merged = mergeFigures(recvLists[kind]!);
      if (merged) recv[kind] = merged;
    }
    if (Object.keys(send).length === 0 && Object.keys(recv).length === 0) return null;
    return { sessionId: room.sessionId, roomId: room.id, participantId: participant.id, at, source: 'server', send, recv, ...scoreSample(send, recv) };
  }

  /** A live participant's newest server sample (for live views such as a dashboard); null if none this round. */
  latest(sessionId: string, participantId: string): QualitySample | null {
    return this.latestSamples.get(`${sessionId}/${participantId}`) ?? null;
  }

  /**
   * An SDK's own getStats summary: stored as a `sdk` sample. More than one per participant per
   * QUALITY_REPORT_MIN_INTERVAL_MS is refused (RATE_LIMITED 4029, nothing stored).
   */
  acceptClientReport(room: Room, participant: Participant, report: QualityReportRequest): void {
    const key = `${room.sessionId}/${participant.id}`;
    const nowMs = Date.now();
    const last = this.lastClientReport.get(key);
    if (last !== undefined && nowMs - last < QUALITY_REPORT_MIN_INTERVAL_MS) {
      throw new RoomkitError('RATE_LIMITED', `qualityReport: at most one every ${QUALITY_REPORT_MIN_INTERVAL_MS} ms per participant`);
    }
    // Rounds prune it; with sampling off (0 s) nothing would, so a large map prunes itself here.
    if (this.lastClientReport.size >= CLIENT_REPORT_KEYS_PRUNE_AT) this.forgetGoneParticipants();
    this.lastClientReport.set(key, nowMs);
    const toFigures = (byKind: QualityReportRequest['send']): FiguresByKind => {
      const out: FiguresByKind = {};
      for (const kind of ['audio', 'video', 'share'] as const) {
        const f = byKind?.[kind];
        if (f) out[kind] = { ...f, rttMs: f.rttMs ?? null };
      }
      return out;
    };
    const send = toFigures(report.send);
    const recv = toFigures(report.recv);
    this.sink.record([{
      sessionId: room.sessionId, roomId: room.id, participantId: participant.id, at: new Date(nowMs), source: 'sdk', send, recv,
      ...scoreSample(send, recv),
      ...(report.device && { device: report.device }),
      ...(report.sdk && { sdk: report.sdk }),
    }]);
  }

  /** The SDK-report rate map holds live participants only (bounded by who is connected). */
  private forgetGoneParticipants(): void {
    if (this.lastClientReport.size === 0) return;
    const live = new Set<string>();
    for (const room of this.rooms()) for (const p of room.participants.values()) live.add(`${room.sessionId}/${p.id}`);
    for (const key of this.lastClientReport.keys()) if (!live.has(key)) this.lastClientReport.delete(key);
  }
}

interface ConsumerSource {
  kind: 'audio' | 'video' | 'share';
  producerId: string;
}

/** consumerId → the kind and producer of the stream it carries, for every consumer in the room. */
function consumerSources(room: Room): Map<string, ConsumerSource> {
  const ofStream = new Map<string, ConsumerSource>();
  for (const p of room.participants.values()) {
    for (const s of p.streams.values()) {
      const kind = KIND_OF_STREAM[s.kind];
      if (kind) ofStream.set(s.id, { kind, producerId: s.transportId });
    }
  }
  const out = new Map<string, ConsumerSource>();
  for (const p of room.participants.values()) {
    for (const [streamId, consumerId] of p.consumers) {
      const source = ofStream.get(streamId);
      if (source) out.set(consumerId, source);
    }
  }
  return out;
}
