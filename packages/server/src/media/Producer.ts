// One incoming track (a publisher's mic, camera or screen): learns its simulcast layers, fans every
// RTP packet out to its consumers, and talks back to the browser (REMB, receiver reports, PLI).
import type { Track } from 'node-datachannel';
import { ONE_BYTE_EXTENSION_PROFILE, RtpView, isRtcpPacket, parseRtp, readAudioLevel, readRid } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8 } from './rtp/vp8.js';
import { ReportBlock, parseRtcp, writePli, writeReceiverReport, writeRemb, type RtcpHandler } from './rtp/rtcp.js';
import { ReceiveStats } from './rtp/ReceiveStats.js';
import { PacketHistory } from './rtp/PacketHistory.js';
import { NackGenerator, PacketArrival } from './rtp/NackGenerator.js';
import { findFixedHeaderExtension } from './rtp/rtpPacket.js';
import { writeNack } from './rtp/rtcp.js';
import { readU16 } from './rtp/bytes.js';
import { TransportCcFeedback } from './TransportCcFeedback.js';
import type { MediaKind } from './types.js';
import { replayFromKeyframe, type ReplayRange } from './keyframeReplay.js';
import { DEFAULT_MAX_AUDIO_LATENESS_MS, DEFAULT_MAX_VIDEO_LATENESS_MS, StaleMediaGuard, Verdict, type StaleMediaLimits } from './overload/StaleMediaGuard.js';
import { logger } from '../logger.js';
import { reportPacketError } from './mediaCounters.js';

const log = logger('media:Producer');

/** What a producer hands each packet to. Implemented by Consumer. */
export interface PacketSink {
  /** Packet `seq` of `layer` will not be forwarded (padding): renumber so no gap appears. */
  skip(layer: number, seq: number): void;
  /** `absSendTimeOffset`: where the abs-send-time extension's data is (-1 if absent). */
  forward(buf: Buffer, rtp: RtpView, vp8: Vp8View, layer: number, nowMs: number, absSendTimeOffset: number): void;
  /** Packets of `layer` were shed (overload); the next one is a keyframe: restart numbering on it. */
  resync(layer: number): void;
}

const DEFAULT_STALE_LIMITS: StaleMediaLimits = { maxVideoLatenessMs: DEFAULT_MAX_VIDEO_LATENESS_MS, maxAudioLatenessMs: DEFAULT_MAX_AUDIO_LATENESS_MS };

export interface ProducerParams {
  id: string;
  /** Opaque grouping from the caller (the publishing participant): ties a camera to its mic. */
  group: string | null;
  kind: MediaKind;
  payloadType: number;
  simulcast: boolean;
  /** rids lowest layer first; empty when not simulcast */
  rids: string[];
  ridExtensionId: number;
  audioLevelExtensionId: number;
  absSendTimeExtensionId: number;
  /** When stale media is shed under overload (defaults: DEFAULT_MAX_*_LATENESS_MS). */
  staleMedia?: StaleMediaLimits;
  /** Transport-wide sequence number extension id (0: not negotiated, no transport-cc feedback). */
  transportCcExtensionId?: number;
}

class Layer {
  ssrc = 0;
  lastPacketMs = -1e9;
  /** When media came back after a pause of this layer (-1e9: it never paused). */
  resumedAtMs = -1e9;
  lastKeyframeMs = -1e9;
  lastPliMs = -1e9;
  /**
   * Video: where a fast start replays from (the last keyframe's first packet still continuous in
   * the history, -1: none) to (the newest packet forwarded), and when that keyframe arrived.
   */
  replayFromSeq = -1;
  replayToSeq = -1;
  replayKeyframeMs = -1e9;
  stats: ReceiveStats;
  /** Video only: recent packets for retransmission, and the packets missing from the publisher. */
  readonly history: PacketHistory | null;
  readonly nack: NackGenerator | null;
  /** Bytes since the last rate update, and the smoothed bitrate of this layer. */
  bytes = 0;
  bitrateBps = 0;
  /** Sheds this layer's packets when they reach us too late (this thread fell behind). */
  readonly guard: StaleMediaGuard;
  constructor(clockRate: number, video: boolean, limits: StaleMediaLimits) {
    this.stats = new ReceiveStats(clockRate);
    this.guard = new StaleMediaGuard(clockRate, video, limits);
    this.history = video ? new PacketHistory(1024) : null;
    this.nack = video ? new NackGenerator() : null;
  }
}

/** A layer counts as live while packets arrived within this window. */
const LAYER_TIMEOUT_MS = 1500;
/**
 * Shorter for simulcast layers: a publisher whose uplink estimate dips stops encoding its upper
 * layers, and its subscribers freeze until we notice and switch down (a lower layer exists).
 */
const SIMULCAST_LAYER_TIMEOUT_MS = 700;
/**
 * Sooner when a lower layer shows the browser is still sending: every layer encodes the same
 * captured frames, so an upper layer silent this long while a lower one kept going was paused
 * (its uplink estimate dipped). Subscribers on it freeze until we switch them down, and the
 * 700 ms above plus a keyframe made that freeze ~0.8-1 s in the lab.
 */
const PAUSED_LAYER_SILENCE_MS = 350;
/**
 * A layer that came back after a pause is not chosen again until it has flowed this long (unless
 * nothing steadier is live): a browser near the edge of its uplink estimate pauses and resumes its
 * middle layer every few seconds, and each pause freezes the subscribers on it for the time it
 * takes to notice and get a keyframe of the layer below (lab, 600 kbps uplink: resumed, paused
 * again 2-7 s later, 0.4-1 s freezes).
 */
const RESUMED_LAYER_HOLD_MS = 8000;
/** Keyframe requests per layer are at most this frequent. */
const PLI_MIN_INTERVAL_MS = 100;
/**
 * libwebrtc ignores keyframe requests within 300 ms of its previous keyframe
 * (EncoderRtcpFeedback), so a PLI sent then is wasted; the tick retries after that window.
 */
const ENCODER_KEYFRAME_GAP_MS = 300;
/** The most we tell a browser it may send (REMB): above the sum of our three layers. */
const REMB_MAX_BPS = 3_000_000;
const REMB_MIN_BPS = 150_000;

/** Linear amplitude of each RFC 6464 level (-dBov), precomputed: no pow() per packet. */
const AMPLITUDE_OF_LEVEL = Float64Array.from({ length: 128 }, (_, level) => 10 ** (-level / 20));

// Scratch objects shared by every producer: packet handling is synchronous on one thread.
const rtpView = new RtpView();
const vp8View = new Vp8View();
const feedbackBuffer = Buffer.alloc(1500);
const reportBlocks = [new ReportBlock(), new ReportBlock(), new ReportBlock()];
const rembSsrcs = [0, 0, 0];
const replayRange: ReplayRange = { firstSeq: 0, lastSeq: 0, layer: 0, absSendTimeExtensionId: 0, transportCcExtensionId: 0 };

export class Producer {
  readonly id: string;
  readonly kind: MediaKind;
  readonly layers: (Layer | undefined)[] = [undefined, undefined, undefined];
  readonly consumers: PacketSink[] = [];
  packetsIn = 0;
  /** Packets shed because they were stale (see StaleMediaGuard). */
  packetsShed = 0;
  /** Sum of linear amplitudes since the last takeAudioLevel(), and how many packets. */
  audioAmplitudeSum = 0;
  audioLevelCount = 0;
  private readonly layerBySsrc = new Map<number, number>();
  private readonly params: ProducerParams;
  private readonly senderSsrc = (Math.random() * 0xffffffff) >>> 0;
  private track: Track | null = null;
  private closed = false;
  private readonly rtcpHandler: RtcpHandler;
  /**
   * The publisher's uplink as we see it, sent as REMB: loss in what arrives lowers it to what got
   * through, loss-free seconds raise it again. Without this (or transport-cc feedback, which
   * replaces it) the browser would keep pushing all layers into a narrow uplink and lose them all.
   */
  private uplinkEstimateBps = REMB_MAX_BPS;
  /** Transport-wide feedback to the browser (its own congestion control), when negotiated. */
  readonly transportCc: TransportCcFeedback | null;
  /** Called once, on the first RTP packet counted (time to first media in /metrics). */
  onFirstPacket: (() => void) | null = null;

  constructor(params: ProducerParams) {
    this.id = params.id;
    this.kind = params.kind;
    this.params = params;
    this.transportCc = params.transportCcExtensionId ? new TransportCcFeedback(this.senderSsrc, (packet) => this.sendRtcpPacket(packet)) : null;
    const layers = this.layers;
    const layerBySsrc = this.layerBySsrc;
    this.rtcpHandler = {
      onSenderReport(ssrc, ntpMsw, ntpLsw) {
        const index = layerBySsrc.get(ssrc);
        if (index !== undefined) layers[index]?.stats.onSenderReport(ntpMsw, ntpLsw, performance.now());
      },
    };
  }

  /** Keep the track referenced here: a collected Track silently stops delivering. */
  attach(track: Track): void {
    this.track = track;
    track.onMessage((msg) => this.receive(msg));
  }

  /**
   * The packet path's entry point: whatever one packet makes throw (a parser or rewrite bug, a
   * consumer's) is counted and the packet dropped; the next is handled as usual. An exception
   * escaping a node-datachannel callback would kill the worker and every room on it.
   */
  receive(buf: Buffer): void {
    try {
      this.onPacket(buf);
    } catch (err) {
      reportPacketError(err, 'producer');
    }
  }

  /**
   * Relay copy of a producer on another worker (a room spanning workers): keyframe requests go
   * through this to the origin instead of to a publisher's track.
   */
  keyframeRelay: ((layer: number) => void) | null = null;

  /** A packet piped from the origin worker; `layer` is the origin's (the rid may be long gone). */
  onPipedPacket(buf: Buffer, layer: number): void {
    try {
      this.onPacket(buf, layer);
    } catch (err) {
      reportPacketError(err, 'pipe');
    }
  }

  /** What a relay copy of this producer is built from. */
  get description(): ProducerParams {
    return this.params;
  }

  private onPacket(buf: Buffer, pipedLayer = -1): void {
    if (this.closed) return;
    if (isRtcpPacket(buf)) {
      parseRtcp(buf, buf.length, this.rtcpHandler);
      return;
    }
    if (!parseRtp(buf, buf.length, rtpView)) return;
    const now = performance.now();
    // Every packet counts for congestion control, padding probes included.
    if (this.transportCc && rtpView.extProfile === ONE_BYTE_EXTENSION_PROFILE) {
      const offset = findFixedHeaderExtension(buf, rtpView, this.params.transportCcExtensionId!, 2);
      if (offset >= 0) {
        this.transportCc.onPacket(readU16(buf, offset), rtpView.ssrc, now);
        rtpView.transportCcOffset = offset; // consumers restamp it with their subscriber's numbering
      }
    }
    if (rtpView.payloadType !== this.params.payloadType) return;
    let index = this.layerBySsrc.get(rtpView.ssrc);
    if (index === undefined) {
      index = pipedLayer >= 0 ? this.addLayer(pipedLayer) : this.learnLayer(buf);
      if (index < 0) return;
    }
    const layer = this.layers[index]!;
    if (this.packetsIn++ === 0) this.onFirstPacket?.();
    layer.stats.onPacket(rtpView.sequenceNumber, rtpView.timestamp, now, buf.length);
    // When the publisher sent it (the guard measures our own delay against it); also restamped by consumers.
    const absSendTime = this.params.absSendTimeExtensionId > 0 ? findFixedHeaderExtension(buf, rtpView, this.params.absSendTimeExtensionId, 3) : -1;
    const sentAt = absSendTime >= 0 ? (buf[absSendTime]! << 16) | (buf[absSendTime + 1]! << 8) | buf[absSendTime + 2]! : -1;
    if (this.kind === 'video') {
      const arrival = layer.nack!.onPacket(rtpView.sequenceNumber, now);
      if (!parseVp8(buf, rtpView.payloadOffset, rtpView.payloadLength, vp8View)) {
        // Padding-only packets (the browser probing its uplink) and unparsable ones are not
        // forwarded; consumers close the sequence gap they would leave.
        if (arrival !== PacketArrival.LATE) this.skipForConsumers(index, rtpView.sequenceNumber);
        return;
      }
      // A retransmission from the publisher only refills the history: subscribers that lost it
      // NACK us and get it as RTX; forwarding it now would break their sequence order.
      if (arrival === PacketArrival.LATE) {
        layer.history!.store(rtpView.sequenceNumber, buf, buf.length, now);
        return;
      }
      if (arrival === PacketArrival.GAP) this.sendNacks(layer, now);
      if (vp8View.isKeyframe) layer.lastKeyframeMs = now;
      const verdict = layer.guard.judge(rtpView.timestamp, now, vp8View.isStartOfFrame, vp8View.isKeyframe, sentAt);
      if (verdict === Verdict.DROP) {
        this.packetsShed++;
        layer.replayFromSeq = -1;
        if (layer.guard.wantsKeyframe) this.requestKeyframe(index, now);
        return;
      }
      layer.history!.store(rtpView.sequenceNumber, buf, buf.length, now);
      if (verdict === Verdict.RESUME) this.resyncConsumers(index);
      if (vp8View.isKeyframe) {
        layer.replayFromSeq = rtpView.sequenceNumber;
        layer.replayKeyframeMs = now;
      }
      layer.replayToSeq = rtpView.sequenceNumber;
    } else if (layer.guard.judge(rtpView.timestamp, now, true, false, sentAt) === Verdict.DROP) {
      this.packetsShed++;
      return;
    } else if (this.params.audioLevelExtensionId > 0) {
      const level = readAudioLevel(buf, rtpView, this.params.audioLevelExtensionId);
      if (level >= 0) {
        this.audioAmplitudeSum += AMPLITUDE_OF_LEVEL[level]!;
        this.audioLevelCount++;
      }
    }
    // Only media keeps a layer live: a browser probing its uplink pads layers it has stopped encoding.
    if (now - layer.lastPacketMs >= PAUSED_LAYER_SILENCE_MS && layer.lastPacketMs > -1e9) layer.resumedAtMs = now;
    layer.lastPacketMs = now;
    layer.bytes += buf.length;
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) consumers[i]!.forward(buf, rtpView, vp8View, index, now, absSendTime);
  }

  resyncConsumers(layer: number): void {
    const l = this.layers[layer];
    if (l) l.replayFromSeq = -1; // shed packets left a hole: no replay across it
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) consumers[i]!.resync(layer);
  }

  skipForConsumers(layer: number, seq: number): void {
    this.layers[layer]?.history?.markSkipped(seq);
    const consumers = this.consumers;
    for (let i = 0; i < consumers.length; i++) consumers[i]!.skip(layer, seq);
  }

  /** First packet of an unknown SSRC: find its layer from the rid header extension. */
  private learnLayer(buf: Buffer): number {
    let index = 0;
    if (this.params.simulcast) {
      const rid = readRid(buf, rtpView, this.params.ridExtensionId);
      index = rid === null ? -1 : this.params.rids.indexOf(rid);
      if (index < 0 || index > 2) return -1;
    }
    return this.addLayer(index);
  }

  private addLayer(index: number): number {
    const layer = new Layer(this.kind === 'audio' ? 48000 : 90000, this.kind === 'video', this.params.staleMedia ?? DEFAULT_STALE_LIMITS);
    layer.ssrc = rtpView.ssrc;
    const previous = this.layers[index];
    if (previous) this.layerBySsrc.delete(previous.ssrc);
    this.layers[index] = layer;
    this.layerBySsrc.set(rtpView.ssrc, index);
    return index;
  }

  isLayerLive(index: number, nowMs: number): boolean {
    const layer = this.layers[index];
    if (layer === undefined) return false;
    const silentMs = nowMs - layer.lastPacketMs;
    if (!this.params.simulcast) return silentMs < LAYER_TIMEOUT_MS;
    if (silentMs >= SIMULCAST_LAYER_TIMEOUT_MS) return false;
    if (silentMs < PAUSED_LAYER_SILENCE_MS) return true;
    for (let i = 0; i < index; i++) {
      const lower = this.layers[i];
      if (lower !== undefined && lower.lastPacketMs - layer.lastPacketMs >= PAUSED_LAYER_SILENCE_MS) return false;
    }
    return true;
  }

  /**
   * Best steady live layer at or below `preferred` (one that resumed after a pause counts once it
   * held for RESUMED_LAYER_HOLD_MS), else the best live one at or below it, else the lowest live
   * one, else -1.
   */
  pickLayer(preferred: number, nowMs: number): number {
    for (let i = preferred; i >= 0; i--) if (this.isLayerLive(i, nowMs) && nowMs - this.layers[i]!.resumedAtMs >= RESUMED_LAYER_HOLD_MS) return i;
    for (let i = preferred; i >= 0; i--) if (this.isLayerLive(i, nowMs)) return i;
    for (let i = preferred + 1; i < 3; i++) if (this.isLayerLive(i, nowMs)) return i;
    return -1;
  }

  /** Asks the publisher for a keyframe on one layer, unless the browser would ignore it now. */
  requestKeyframe(index: number, nowMs: number): void {
    if (this.kind !== 'video' || (!this.track && !this.keyframeRelay)) return;
    const layer = this.layers[index];
    if (!layer || nowMs - layer.lastPliMs < PLI_MIN_INTERVAL_MS || nowMs - layer.lastKeyframeMs < ENCODER_KEYFRAME_GAP_MS) return;
    // While still shedding a keyframe would be shed too: ask once caught up.
    if (layer.guard.shedding && !layer.guard.wantsKeyframe) return;
    layer.lastPliMs = nowMs;
    if (this.keyframeRelay) this.keyframeRelay(index);
    else this.sendRtcp(writePli(feedbackBuffer, 0, this.senderSsrc, layer.ssrc));
  }

  get simulcast(): boolean {
    return this.params.simulcast;
  }

  get group(): string | null {
    return this.params.group;
  }

  get absSendTimeExtensionId(): number {
    return this.params.absSendTimeExtensionId;
  }

  get transportCcExtensionId(): number {
    return this.params.transportCcExtensionId ?? 0;
  }

  /**
   * Fast start: when the last keyframe of `index` is younger than the encoder's keyframe gap (a
   * request now would be ignored), replays it and what followed from the history into `sink`.
   * Returns the packets replayed; 0 when it cannot (ask for a keyframe as usual).
   */
  replayLayer(index: number, nowMs: number, sink: PacketSink): number {
    const layer = this.layers[index];
    if (!layer?.history || layer.replayFromSeq < 0 || nowMs - layer.replayKeyframeMs >= ENCODER_KEYFRAME_GAP_MS) return 0;
    const range = replayRange;
    range.firstSeq = layer.replayFromSeq;
    range.lastSeq = layer.replayToSeq;
    range.layer = index;
    range.absSendTimeExtensionId = this.params.absSendTimeExtensionId;
    range.transportCcExtensionId = this.params.transportCcExtensionId ?? 0;
    return replayFromKeyframe(layer.history, range, nowMs, sink);
  }

  /** Copies packet `seq` of `layer` as it arrived into `out`; returns its length, 0 if gone. */
  copyFromHistory(layer: number, seq: number, nowMs: number, out: Uint8Array): number {
    return this.layers[layer]?.history?.copyTo(seq, nowMs, out, 0) ?? 0;
  }

  /** Smoothed bitrate of a layer (bps), 0 when it is not live. */
  layerBitrate(index: number, nowMs: number): number {
    return this.isLayerLive(index, nowMs) ? this.layers[index]!.bitrateBps : 0;
  }

  /** Periodic work: NACK retries toward the publisher and layer bitrates. */
  tick(nowMs: number, elapsedMs: number): void {
    this.transportCc?.flush(nowMs);
    for (let i = 0; i < 3; i++) {
      const layer = this.layers[i];
      if (!layer) continue;
      const instant = elapsedMs > 0 ? (layer.bytes * 8 * 1000) / elapsedMs : 0;
      layer.bitrateBps = layer.bitrateBps === 0 ? instant : layer.bitrateBps * 0.7 + instant * 0.3;
      layer.bytes = 0;
      if (layer.nack?.hasMissing) this.sendNacks(layer, nowMs);
      if (layer.guard.wantsKeyframe) this.requestKeyframe(i, nowMs);
    }
  }

  private sendNacks(layer: Layer, nowMs: number): void {
    if (!this.track) return;
    layer.nack!.collect(nowMs, (seq) => {
      this.sendRtcp(writeNack(feedbackBuffer, 0, this.senderSsrc, layer.ssrc, seq, 0));
    });
  }

  /** Receiver reports for every layer, plus REMB for video so the browser sends all layers. */
  sendFeedback(nowMs: number): void {
    if (!this.track) return;
    let blocks = 0;
    let receivedBps = 0;
    let lossWeighted = 0;
    for (let i = 0; i < 3; i++) {
      const layer = this.layers[i];
      if (!layer || nowMs - layer.lastPacketMs > 5000) continue;
      reportBlocks[blocks]!.ssrc = layer.ssrc;
      layer.stats.fillReportBlock(reportBlocks[blocks]!, nowMs);
      rembSsrcs[blocks] = layer.ssrc;
      receivedBps += layer.bitrateBps;
      lossWeighted += (reportBlocks[blocks]!.fractionLost / 256) * layer.bitrateBps;
      blocks++;
    }
    if (blocks === 0) return;
    let length = writeReceiverReport(feedbackBuffer, 0, this.senderSsrc, reportBlocks, blocks);
    if (this.kind === 'video') {
      this.updateUplinkEstimate(receivedBps, receivedBps > 0 ? lossWeighted / receivedBps : 0, nowMs);
      if (log.isLevelEnabled('debug')) {
        log.debug({ producer: this.id, receivedBps: Math.round(receivedBps), loss: receivedBps > 0 ? lossWeighted / receivedBps : 0, rembBps: Math.round(this.uplinkEstimateBps), lost: this.layers.map((l) => l?.nack?.lostDetected ?? 0), recovered: this.layers.map((l) => l?.nack?.recovered ?? 0), sendTimeClock: this.layers.map((l) => l?.guard.measuresSendTime ?? false) }, 'publisher feedback');
      }
      length += writeRemb(feedbackBuffer, length, this.senderSsrc, this.uplinkEstimateBps, rembSsrcs, blocks);
    }
    this.sendRtcp(length);
  }

  private updateUplinkEstimate(receivedBps: number, loss: number, nowMs: number): void {
    // With transport-cc feedback the browser's own estimator (delay and loss) sizes its layers; a
    // loss-cut REMB on top held it down for many seconds after one lossy second (a cap starting:
    // REMB 158 kbps, +8 %/s back, on a 600 kbps uplink in the lab), pausing its layers for nothing.
    if (this.transportCc !== null && this.transportCc.active(nowMs)) {
      this.uplinkEstimateBps = REMB_MAX_BPS;
      return;
    }
    if (loss > 0.1) this.uplinkEstimateBps = Math.max(REMB_MIN_BPS, Math.min(this.uplinkEstimateBps, receivedBps) * (1 - 0.5 * loss));
    else if (loss < 0.02) this.uplinkEstimateBps = Math.min(REMB_MAX_BPS, this.uplinkEstimateBps * 1.08 + 10_000);
  }

  private sendRtcp(length: number): void {
    this.sendRtcpPacket(feedbackBuffer.subarray(0, length));
  }

  private sendRtcpPacket(packet: Buffer): void {
    try {
      this.track?.sendMessageBinary(packet);
    } catch {
      // The transport is closing; feedback is best effort.
    }
  }

  /**
   * Level (0 loud .. 127 silent, -dBov) of the mean amplitude since the last call; 127 when nothing
   * arrived. Averaging amplitudes, not dB values, keeps speech with pauses from reading as silence.
   */
  takeAudioLevel(): number {
    const mean = this.audioLevelCount === 0 ? 0 : this.audioAmplitudeSum / this.audioLevelCount;
    this.audioAmplitudeSum = 0;
    this.audioLevelCount = 0;
    return mean <= AMPLITUDE_OF_LEVEL[127]! ? 127 : Math.min(127, -20 * Math.log10(mean));
  }

  /** Highest lateness of any layer since the last call (ms). */
  takeLatenessPeak(): number {
    let peak = 0;
    for (let i = 0; i < 3; i++) {
      const p = this.layers[i]?.guard.takePeak() ?? 0;
      if (p > peak) peak = p;
    }
    return peak;
  }

  removeConsumer(sink: PacketSink): void {
    const i = this.consumers.indexOf(sink);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  close(): void {
    this.closed = true;
    this.track = null;
    this.consumers.length = 0;
  }
}
