// The server-offered PeerConnection that sends remote streams to one client. It grows by slots
// (one m-line each) and reuses free slots, so most subscriptions need no renegotiation at all.
import nodeDataChannel from 'node-datachannel';
import { SubscriberSlot, type SlotReport } from './SubscriberSlot.js';
import { createPeerConnection, type PeerConnection } from './peerConnection.js';
import { EXT_ABS_SEND_TIME, EXT_TRANSPORT_CC, withAnnouncedCandidate } from './sdp.js';
import { SubscriberBandwidth } from './SubscriberBandwidth.js';
import { TransportCcEstimator } from './TransportCcEstimator.js';
import { PACING_FACTOR, Pacer } from './Pacer.js';
import { writeSenderReport, type RtcpHandler } from './rtp/rtcp.js';
import { ntpFraction, ntpSeconds, rttFromReport } from './rtp/ntp.js';
import { SubscriberRtcpGate } from './SubscriberRtcpGate.js';
import { reportPacketError } from './mediaCounters.js';
import { isRtcpPacket } from './rtp/rtpPacket.js';
import { MediaError } from './errors.js';
import type { MediaEngineOptions, MediaKind } from './types.js';

const { Audio, Video } = nodeDataChannel;

const randomSsrc = () => (Math.random() * 0xfffffff0 + 1) >>> 0;

/** Pacing factor on a link whose rate is known (it was congested): near the rate, not 2.5x above. */
const CAPPED_PACING_FACTOR = 1.2;
/** Probe copies queue in the pacer only up to this much (a few packets): it paces them out. */
const PROBE_BACKLOG_BYTES = 6000;
/**
 * How long new slots wait for others to join the same offer. A join's consumes arrive together,
 * right behind its createSubscriber, so a short wait suffices; every ms here delays first media.
 */
const NEGOTIATION_BATCH_MS = 3;

/** How often each sending slot gets a sender report (RFC 3550 would allow more; Chrome sends ~1/s). */
const SENDER_REPORT_INTERVAL_MS = 1000;
const reportBuffer = Buffer.alloc(28);

function recordReport(report: SlotReport, fractionLost: number, cumulativeLost: number, jitter: number, rttMs: number): void {
  report.count++;
  report.fractionLost = fractionLost / 256;
  report.cumulativeLost = cumulativeLost;
  report.jitter = jitter;
  if (rttMs >= 0) report.rttMs = rttMs;
}

export const SUBSCRIBER_VIDEO_PT = 96;
export const SUBSCRIBER_RTX_PT = 97;
export const SUBSCRIBER_AUDIO_PT = 111;
/** The abs-send-time id we offer; forwarded packets are relabelled to it. */
export const SUBSCRIBER_ABS_SEND_TIME_ID = 2;
/**
 * The transport-wide sequence number id we offer. Forwarded packets carry the publisher's element,
 * restamped and relabelled to it; 3 is where Chrome puts it too, so the relabel is usually a no-op
 * and never collides with another element of Chrome's packets.
 */
export const SUBSCRIBER_TRANSPORT_CC_ID = 3;

export class SubscriberTransport {
  readonly slots: SubscriberSlot[] = [];
  /** Loss-based estimate from receiver reports: the fallback when no transport-cc feedback comes. */
  readonly bandwidth = new SubscriberBandwidth();
  /** Estimate from transport-cc feedback (delay, loss, acked rate, probes). */
  readonly transportCc = new TransportCcEstimator((nowMs) => this.sendProbe(nowMs));
  /** Spreads bursts (keyframes) over time at PACING_FACTOR times the estimate; shared by the slots. */
  readonly pacer = new Pacer();
  /** Caps the RTCP this subscriber can make us parse (shared by its slots). */
  readonly rtcpGate = new SubscriberRtcpGate();
  private probeSlot = 0;
  /** Bytes sent to this subscriber since the allocator last looked (media + retransmissions). */
  bytesSent = 0;
  private readonly pc: PeerConnection;
  private offerInFlight = false;
  private offerAgain = false;
  private slotsInOffer: SubscriberSlot[] = [];
  private readonly waiters = new Map<SubscriberSlot, Array<() => void>>();
  private closed = false;
  private nextMid = 0;
  private negotiationTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    readonly routerId: string,
    private readonly options: MediaEngineOptions,
    private readonly emitOffer: (sdp: string) => void,
    onState: (transport: SubscriberTransport, state: string) => void,
  ) {
    this.pc = createPeerConnection(`sub-${id}`, options, false);
    this.pc.onStateChange((state) => onState(this, state));
    // ICE is up and DTLS follows: a keyframe asked for now reaches us about when the slots open.
    this.pc.onIceStateChange((state) => {
      if (state !== 'connected' || this.closed) return;
      const now = performance.now();
      for (const slot of this.slots) slot.consumer?.onTransportConnecting?.(now);
    });
    this.pc.onLocalDescription((sdp, type) => {
      if (type !== 'offer' || this.closed) return;
      this.emitOffer(withAnnouncedCandidate(sdp, this.options.announcedIp, this.options.rtcPort));
      const offered = this.slotsInOffer;
      this.slotsInOffer = [];
      for (const slot of offered) {
        slot.offered = true;
        for (const resolve of this.waiters.get(slot) ?? []) resolve();
        this.waiters.delete(slot);
      }
    });
  }

  /** A free slot of this kind, or a new one; resolves once the client has been offered it. */
  acquireSlot(kind: MediaKind): Promise<SubscriberSlot> {
    if (this.closed) return Promise.reject(new MediaError('closed', `subscriber ${this.id} is closed`));
    const free = this.slots.find((s) => s.kind === kind && s.consumer === null && s.offered);
    if (free) return Promise.resolve(free);
    const slot = this.addSlot(kind);
    const offered = new Promise<void>((resolve) => this.waiters.set(slot, [resolve]));
    this.scheduleNegotiation();
    return offered.then(() => slot);
  }

  private addSlot(kind: MediaKind): SubscriberSlot {
    const mid = String(this.nextMid++);
    const ssrc = randomSsrc();
    const rtxSsrc = kind === 'video' ? randomSsrc() : 0;
    const cname = `rk-${this.id}`;
    const media = kind === 'video' ? new Video(mid, 'SendOnly') : new Audio(mid, 'SendOnly');
    if (kind === 'video') {
      const video = media as InstanceType<typeof Video>;
      video.addVP8Codec(SUBSCRIBER_VIDEO_PT);
      video.addRTXCodec(SUBSCRIBER_RTX_PT, SUBSCRIBER_VIDEO_PT, 90000);
    } else {
      (media as InstanceType<typeof Audio>).addOpusCodec(SUBSCRIBER_AUDIO_PT);
    }
    media.parseSdpLine(`a=extmap:${SUBSCRIBER_ABS_SEND_TIME_ID} ${EXT_ABS_SEND_TIME}`);
    media.parseSdpLine(`a=extmap:${SUBSCRIBER_TRANSPORT_CC_ID} ${EXT_TRANSPORT_CC}`);
    media.parseSdpLine(`a=rtcp-fb:${kind === 'video' ? SUBSCRIBER_VIDEO_PT : SUBSCRIBER_AUDIO_PT} transport-cc`);
    media.addSSRC(ssrc, cname, `rk-${mid}`, `rk-${mid}-track`);
    if (rtxSsrc) {
      media.addSSRC(rtxSsrc, cname, `rk-${mid}`, `rk-${mid}-track`);
      media.parseSdpLine(`a=ssrc-group:FID ${ssrc} ${rtxSsrc}`);
    }
    const track = this.pc.addTrack(media);
    const slot = new SubscriberSlot(mid, kind, ssrc, kind === 'video' ? SUBSCRIBER_VIDEO_PT : SUBSCRIBER_AUDIO_PT, track, rtxSsrc, rtxSsrc ? SUBSCRIBER_RTX_PT : 0);
    slot.transportCc = this.transportCc;
    slot.transportCcId = SUBSCRIBER_TRANSPORT_CC_ID;
    slot.pacer = this.pacer;
    const bandwidth = this.bandwidth;
    const transportCc = this.transportCc;
    const rtcp: RtcpHandler = {
      onTransportCc: (_sender, buf, offset, end) => transportCc.onFeedback(buf, offset, end, performance.now()),
      onPli: () => slot.consumer?.onKeyframeRequest(performance.now()),
      onFir: () => slot.consumer?.onKeyframeRequest(performance.now()),
      onNack: (_sender, _media, pid, blp) => slot.consumer?.onNack(pid, blp, performance.now()),
      onRemb: (_sender, bitrateBps) => bandwidth.onRemb(bitrateBps, performance.now()),
      onReceiverReportBlock: (_reporter, reportedSsrc, fractionLost, cumulativeLost, _highestSeq, jitter, lsr, dlsr) => {
        if (reportedSsrc !== ssrc) return;
        const now = performance.now();
        bandwidth.onLossReport(fractionLost / 256, this.sendBitrateBps, now);
        recordReport(slot.report, fractionLost, cumulativeLost, jitter, rttFromReport(performance.timeOrigin + now, lsr, dlsr));
      },
    };
    track.onOpen(() => {
      slot.open = true;
      slot.consumer?.onSlotOpen(performance.now());
    });
    track.onClosed(() => {
      slot.open = false;
    });
    const gate = this.rtcpGate;
    track.onMessage((msg) => {
      // The entry point of this subscriber's RTCP: a throw is counted and the packet dropped.
      try {
        if (isRtcpPacket(msg)) gate.handle(msg, rtcp, performance.now());
      } catch (err) {
        reportPacketError(err, 'subscriber-rtcp');
      }
    });
    this.slots.push(slot);
    return slot;
  }

  private lastReportsMs = 0;

  /**
   * Sender reports for every slot that has sent, about once a second: without them the browser's
   * receiver reports carry no LSR/DLSR and the round trip to this subscriber cannot be measured.
   */
  sendReports(nowMs: number): void {
    if (this.closed || nowMs - this.lastReportsMs < SENDER_REPORT_INTERVAL_MS) return;
    this.lastReportsMs = nowMs;
    const wallMs = performance.timeOrigin + nowMs;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (!slot.open || !slot.hasSent) continue;
      // The RTP time now: the last sent timestamp moved on by the wall time since it left.
      const clockRate = slot.kind === 'video' ? 90000 : 48000;
      const rtpNow = (slot.lastTs + Math.round(((nowMs - slot.lastSendMs) * clockRate) / 1000)) >>> 0;
      const length = writeSenderReport(reportBuffer, 0, slot.ssrc, ntpSeconds(wallMs), ntpFraction(wallMs), rtpNow, slot.packetsSentTotal >>> 0, slot.octetsSentTotal >>> 0);
      try {
        if (length === reportBuffer.length) slot.track.sendMessageBinary(reportBuffer);
      } catch {
        // closing: reports are best effort
      }
    }
  }

  /** Our recent send rate to this subscriber (bps), updated by the allocator. */
  sendBitrateBps = 0;

  /** What the downlink carries (bps): from transport-cc feedback while it comes, else from loss reports. */
  estimateBps(nowMs: number): number {
    return this.transportCc.active(nowMs) ? this.transportCc.estimate : this.bandwidth.estimate;
  }

  /**
   * The allocator's round: packets may leave at PACING_FACTOR times the estimate; while a probe
   * runs, at exactly its rate, so a probe tests the link at the rate it claims and no faster (on
   * a capped link a faster burst overflows its queue and loses media, not just probe copies).
   */
  setPacingRate(estimateBps: number): void {
    // A link that showed its rate under congestion (a cap): stay near it. After a stall of this
    // thread the backlog would otherwise leave at 2.5x the estimate and overflow the link's queue.
    const ceiling = this.transportCc.ceilingBps;
    const rate = estimateBps * PACING_FACTOR;
    this.pacer.setRate(ceiling > 0 ? Math.min(rate, Math.max(ceiling, estimateBps * CAPPED_PACING_FACTOR)) : rate);
  }

  paceProbe(): void {
    this.pacer.setRate(this.transportCc.probeRateBps);
  }

  /** One RTX copy from the next video slot that has sent something (round robin). */
  private sendProbe(nowMs: number): number {
    // Enough is waiting in the pacer to keep it busy at the probe's rate until the next fill.
    if (this.pacer.backlogBytes >= PROBE_BACKLOG_BYTES) return 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[(this.probeSlot + i) % slots.length]!;
      if (slot.kind !== 'video' || !slot.open || slot.consumer === null) continue;
      const bytes = slot.consumer.sendProbe(nowMs);
      if (bytes > 0) {
        this.probeSlot = (this.probeSlot + i + 1) % slots.length;
        return bytes;
      }
    }
    return 0;
  }

  /**
   * Slots asked for in the same moment (a join consuming everything, commands arriving one by one
   * from the main process) go into one offer: fewer renegotiations for every client.
   */
  private scheduleNegotiation(): void {
    if (this.negotiationTimer) return;
    this.negotiationTimer = setTimeout(() => {
      this.negotiationTimer = null;
      if (!this.closed) this.negotiate();
    }, NEGOTIATION_BATCH_MS);
  }

  private negotiate(): void {
    if (this.offerInFlight) {
      this.offerAgain = true;
      return;
    }
    this.offerInFlight = true;
    this.slotsInOffer = this.slots.filter((s) => !s.offered);
    this.pc.setLocalDescription('offer');
  }

  applyAnswer(sdp: string): void {
    if (!this.offerInFlight) throw new MediaError('bad_sdp', 'no subscriber offer is waiting for an answer');
    try {
      this.pc.setRemoteDescription(sdp, 'answer');
    } catch (err) {
      throw new MediaError('bad_sdp', `subscriber answer rejected: ${(err as Error).message}`, { cause: err });
    }
    this.offerInFlight = false;
    if (this.offerAgain) {
      this.offerAgain = false;
      this.negotiate();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.negotiationTimer) clearTimeout(this.negotiationTimer);
    for (const slot of this.slots) slot.open = false;
    this.pacer.close();
    this.waiters.clear();
    try {
      this.pc.close();
    } catch {
      // already closed
    }
  }
}
