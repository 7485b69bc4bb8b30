// One sending m-line of a subscriber PeerConnection. Its SSRC and sequence space outlive the
// streams assigned to it, so a slot can carry one remote stream after another without renegotiation.
import type { Track } from 'node-datachannel';
import type { MediaKind } from './types.js';
import type { TransportCcEstimator } from './TransportCcEstimator.js';
import type { PacedSink, Pacer } from './Pacer.js';
import { relabelOneByteExtension } from './rtp/absSendTime.js';
import { writeU16 } from './rtp/bytes.js';

/** The consumer side a slot needs: who to tell when the subscriber asks for a keyframe. */
export interface SlotConsumer {
  readonly id: string;
  onKeyframeRequest(nowMs: number): void;
  onSlotOpen(nowMs: number): void;
  /** The transport's ICE connected: the slot opens once DTLS is done (tens of ms). */
  onTransportConnecting?(nowMs: number): void;
  /** The subscriber lost packets `pid` and those flagged in `blp` (our outgoing numbering). */
  onNack(pid: number, blp: number, nowMs: number): void;
  /** Sends one RTX copy of a recent packet to probe the downlink; returns its size (0: none). */
  sendProbe(nowMs: number): number;
}

/**
 * Where a Consumer writes: a subscriber's m-line (SubscriberSlot) or a plain-RTP tap (RtpTapSlot).
 * It carries the outgoing numbering, so one output stream stays continuous across sources.
 */
export interface ForwardSlot {
  readonly kind: MediaKind;
  readonly ssrc: number;
  readonly payloadType: number;
  /** RTX SSRC and payload type; 0 when retransmission is not offered. */
  readonly rtxSsrc: number;
  readonly rtxPayloadType: number;
  open: boolean;
  hasSent: boolean;
  lastSeq: number;
  lastTs: number;
  lastPictureId: number;
  lastTl0PicIdx: number;
  rtxSeq: number;
  absSendTimeId: number;
  consumer: SlotConsumer | null;
  /** Transport-wide congestion control of the subscriber's transport; null where there is none (taps). */
  readonly transportCc: TransportCcEstimator | null;
  /** `transportCcOffset`/`nowMs`: see SubscriberSlot.send; a slot without transport-cc ignores them. */
  send(buf: Buffer, transportCcOffset?: number, nowMs?: number): boolean;
  /**
   * Timestamp step to insert when a new source or layer starts; absent: one frame. A tap feeding a
   * recorder steps by the wall-clock time that passed, so a pause stays a pause in the file.
   */
  switchTimestampStep?(clockRate: number, nowMs: number): number;
}

/** What the subscriber said about one of our outgoing streams in its last receiver report. */
export class SlotReport {
  /** Receiver reports received for this SSRC. */
  count = 0;
  /** Fraction lost since its previous report, 0..1. */
  fractionLost = 0;
  cumulativeLost = 0;
  /** Interarrival jitter in RTP timestamp units. */
  jitter = 0;
  /** Round trip from LSR/DLSR (ms); -1 until a block names one of our sender reports. */
  rttMs = -1;
}

export class SubscriberSlot implements ForwardSlot, PacedSink {
  open = false;
  /** Part of an offer already sent to the client, so a `consume` naming it may follow. */
  offered = false;
  hasSent = false;
  lastSeq = (Math.random() * 0x7fff) | 0;
  lastTs = (Math.random() * 0x7fffffff) >>> 0;
  lastPictureId = (Math.random() * 0x7fff) | 0;
  lastTl0PicIdx = 0;
  /** The consumer currently feeding this slot, if any. */
  consumer: SlotConsumer | null = null;
  /** Retransmissions go out on their own SSRC and payload type (RFC 4588); 0 for audio. */
  rtxSeq = (Math.random() * 0x7fff) | 0;
  /** Header extension id our offer gave abs-send-time. */
  absSendTimeId = 2;
  /** Bytes sent on this slot (media and RTX), read and reset by the allocator. */
  bytesSent = 0;
  /** The transport's transport-cc numbering and estimate (shared by its slots), and our extension id. */
  transportCc: TransportCcEstimator | null = null;
  transportCcId = 0;
  /** The transport's pacer (shared by its slots); null: send at once. */
  pacer: Pacer | null = null;
  /** Since the slot opened (never reset): what sender reports and quality samples count. */
  packetsSentTotal = 0;
  octetsSentTotal = 0;
  /** When the packet carrying `lastTs` left (performance.now ms), for the SR's RTP timestamp. */
  lastSendMs = 0;
  /** From the subscriber's latest receiver report block for this SSRC (see SubscriberTransport). */
  readonly report = new SlotReport();
  constructor(
    readonly mid: string,
    readonly kind: MediaKind,
    readonly ssrc: number,
    readonly payloadType: number,
    readonly track: Track,
    readonly rtxSsrc = 0,
    readonly rtxPayloadType = 0,
  ) {}

  /**
   * Sends one RTP packet, through the transport's pacer when it has one (which may send it a few
   * milliseconds later, from a copy); false when the transport refused it (closed, or SRTP replay
   * check). `transportCcOffset` (one-byte form element data, -1 if none): restamped, when the
   * packet actually leaves, with this transport's next transport-wide sequence number and
   * relabelled to the id our offer gave it.
   */
  send(buf: Buffer, transportCcOffset = -1, nowMs = 0): boolean {
    const probeCopy = this.transportCc !== null && this.transportCc.fillingProbe;
    if (this.pacer !== null) return this.pacer.send(this, buf, transportCcOffset, nowMs, this.kind === 'audio', probeCopy);
    return this.sendNow(buf, transportCcOffset, nowMs, probeCopy);
  }

  sendNow(buf: Buffer, transportCcOffset: number, nowMs: number, probeCopy: boolean): boolean {
    if (transportCcOffset >= 0 && this.transportCc !== null) {
      writeU16(buf, transportCcOffset, this.transportCc.onSend(buf.length, nowMs, probeCopy));
      relabelOneByteExtension(buf, transportCcOffset, this.transportCcId);
    }
    try {
      this.track.sendMessageBinary(buf);
      this.bytesSent += buf.length;
      this.packetsSentTotal++;
      this.octetsSentTotal += buf.length;
      this.lastSendMs = nowMs > 0 ? nowMs : performance.now();
      return true;
    } catch {
      return false;
    }
  }
}
