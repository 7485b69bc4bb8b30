// Verifies and counts one received stream: RTP and VP8 descriptor sanity, SSRC stability, sequence
// gaps (NACKed once, counted lost after a timeout), complete frames and keyframes, jitter; sends
// PLI while no decodable keyframe has arrived and receiver reports once a second.
import { parseRtp, seqDelta, type RtpHeader } from '../rtp/rtp.js';
import { buildNack, buildPli, buildReceiverReport, parseRtcp } from '../rtp/rtcp.js';
import { parseVp8Descriptor } from '../rtp/vp8.js';
import { emptyReceiveStats, type ReceiveStats } from './ReceiveStats.js';

const LOSS_TIMEOUT_MS = 500;
const MAX_TRACKED_MISSING = 1000;
/** After this many missing packets in one gap, a NACK is pointless: ask for a keyframe instead. */
const MAX_NACK_PER_GAP = 64;
const FIRST_PLI_AFTER_MS = 1000;
const PLI_INTERVAL_MS = 500;
const REPORT_INTERVAL_MS = 1000;

export interface PayloadTypes {
  media: number;
  /** RTX payload types (their apt is the media type). */
  rtx: number[];
}

export type RtpListener = (packet: Buffer, header: RtpHeader) => void;

export class StreamReceiver {
  readonly stats: ReceiveStats;
  private readonly clockRate: number;
  private started = false;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private readonly missing = new Map<number, number>();
  private needKeyframeSince: number;
  private firstKeyframePending = true;
  private lastPliAt = -1e9;
  private lastReportAt: number;
  private expectedAtLastReport = 0;
  private lostAtLastReport = 0;
  private lastSr = 0;
  private lastSrAt = -1;
  private jitter = 0;
  private lastTransit = NaN;
  private frameTs = -1;
  private frameNextSeq = -1;
  private frameIntact = false;
  private frameKey = false;
  private lastPictureId = -1;
  private readonly listeners = new Set<RtpListener>();

  constructor(
    readonly kind: 'audio' | 'video',
    private payloadTypes: PayloadTypes,
    private readonly sendRtcp: (packet: Buffer) => void,
    private readonly senderSsrc: number,
  ) {
    const now = performance.now();
    this.stats = emptyReceiveStats(now);
    this.clockRate = kind === 'video' ? 90000 : 48000;
    this.needKeyframeSince = now;
    this.lastReportAt = now;
  }

  setPayloadTypes(types: PayloadTypes): void {
    this.payloadTypes = types;
  }

  onRtp(listener: RtpListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handlePacket(buf: Buffer, now = performance.now()): void {
    const s = this.stats;
    const h = parseRtp(buf);
    if (!h) {
      s.invalidRtp++;
      return;
    }
    let seq = h.sequenceNumber;
    let payloadOffset = h.payloadOffset;
    let payloadLength = h.payloadLength;
    if (this.payloadTypes.rtx.includes(h.payloadType)) {
      if (payloadLength < 2) {
        s.invalidPayload++;
        return;
      }
      s.rtxPackets++;
      seq = buf.readUInt16BE(payloadOffset);
      payloadOffset += 2;
      payloadLength -= 2;
    } else if (h.payloadType !== this.payloadTypes.media) {
      s.unexpectedPayloadType++;
      return;
    } else if (s.ssrc !== h.ssrc) {
      if (s.ssrc !== 0) s.ssrcChanges++;
      s.ssrc = h.ssrc;
    }
    s.packets++;
    s.bytes += buf.length;
    if (s.firstPacketAt < 0) s.firstPacketAt = now;
    s.lastPacketAt = now;
    this.trackSequence(seq, now);
    this.trackJitter(h.timestamp, now);
    if (this.kind === 'video') {
      const vp8 = parseVp8Descriptor(buf.subarray(payloadOffset, payloadOffset + payloadLength));
      if (!vp8) s.invalidPayload++;
      else this.trackFrame(seq, h, vp8.startOfFrame && vp8.partitionId === 0, vp8.keyframe, vp8.pictureId, now);
    } else if (s.firstDecodableAt < 0) {
      s.firstDecodableAt = now;
    }
    for (const listener of this.listeners) listener(buf, h);
  }

  handleRtcp(buf: Buffer): void {
    parseRtcp(buf, {
      onSenderReport: (ssrc, msw, lsw) => {
        if (ssrc !== this.stats.ssrc) return;
        this.lastSr = ((msw & 0xffff) << 16 | (lsw >>> 16)) >>> 0;
        this.lastSrAt = performance.now();
      },
    });
  }

  /** Periodic work: expire gaps, ask for keyframes, send receiver reports. */
  tick(now = performance.now()): void {
    const s = this.stats;
    for (const [seq, at] of this.missing) {
      if (now - at < LOSS_TIMEOUT_MS) continue;
      this.missing.delete(seq);
      s.lost++;
      if (this.kind === 'video' && this.needKeyframeSince < 0) this.needKeyframeSince = now;
    }
    if (this.kind === 'video' && this.needKeyframeSince >= 0) {
      const wait = this.firstKeyframePending ? FIRST_PLI_AFTER_MS : 0;
      if (now - this.needKeyframeSince >= wait && now - this.lastPliAt >= PLI_INTERVAL_MS) this.requestKeyframe(now);
    }
    if (now - this.lastReportAt >= REPORT_INTERVAL_MS && s.ssrc !== 0) this.sendReport(now);
  }

  requestKeyframe(now = performance.now()): void {
    if (this.stats.ssrc === 0) return;
    this.lastPliAt = now;
    this.stats.plisSent++;
    this.sendRtcp(buildPli(this.senderSsrc, this.stats.ssrc));
  }

  private trackSequence(seq: number, now: number): void {
    const s = this.stats;
    if (!this.started) {
      this.started = true;
      this.maxSeq = seq;
      this.baseSeq = seq;
      return;
    }
    const d = seqDelta(this.maxSeq, seq);
    if (d > 0) {
      if (d > 1) {
        const newlyMissing: number[] = [];
        for (let i = 1; i < d && this.missing.size < MAX_TRACKED_MISSING; i++) {
          const m = (this.maxSeq + i) & 0xffff;
          this.missing.set(m, now);
          newlyMissing.push(m);
        }
        if (newlyMissing.length <= MAX_NACK_PER_GAP) {
          s.nacksSent++;
          s.nackedPackets += newlyMissing.length;
          this.sendRtcp(buildNack(this.senderSsrc, s.ssrc, newlyMissing));
        } else if (this.kind === 'video' && this.needKeyframeSince < 0) {
          this.needKeyframeSince = now;
        }
      }
      if (seq < this.maxSeq) this.cycles += 0x10000;
      this.maxSeq = seq;
    } else if (this.missing.delete(seq)) {
      s.recovered++;
    } else {
      s.duplicates++;
    }
  }

  private trackJitter(rtpTimestamp: number, now: number): void {
    const arrival = (now / 1000) * this.clockRate;
    const transit = arrival - rtpTimestamp;
    if (!Number.isNaN(this.lastTransit)) {
      let d = Math.abs(transit - this.lastTransit);
      if (d > this.clockRate * 10) d = 0; // a timestamp wrap or a stream change: not jitter
      this.jitter += (d - this.jitter) / 16;
      this.stats.jitterMs = (this.jitter / this.clockRate) * 1000;
    }
    this.lastTransit = transit;
  }

  private trackFrame(seq: number, h: RtpHeader, start: boolean, keyframe: boolean, pictureId: number, now: number): void {
    const s = this.stats;
    if (start) {
      if (keyframe) s.keyframes++;
      if (pictureId >= 0) {
        if (this.lastPictureId >= 0 && pictureId !== ((this.lastPictureId + 1) & 0x7fff)) s.pictureIdJumps++;
        this.lastPictureId = pictureId;
      }
      this.frameTs = h.timestamp;
      this.frameNextSeq = (seq + 1) & 0xffff;
      this.frameIntact = true;
      this.frameKey = keyframe;
    } else if (h.timestamp === this.frameTs && seq === this.frameNextSeq) {
      this.frameNextSeq = (seq + 1) & 0xffff;
    } else {
      this.frameIntact = false;
    }
    if (!h.marker || h.timestamp !== this.frameTs || !this.frameIntact) return;
    s.framesComplete++;
    this.frameIntact = false;
    if (!this.frameKey) return;
    if (s.firstDecodableAt < 0) s.firstDecodableAt = now;
    this.firstKeyframePending = false;
    this.needKeyframeSince = -1;
  }

  private sendReport(now: number): void {
    const s = this.stats;
    const extended = this.cycles + this.maxSeq;
    const expected = extended - this.baseSeq + 1;
    const expectedInterval = expected - this.expectedAtLastReport;
    const lostInterval = s.lost - this.lostAtLastReport;
    this.expectedAtLastReport = expected;
    this.lostAtLastReport = s.lost;
    this.lastReportAt = now;
    const fraction = expectedInterval > 0 && lostInterval > 0 ? Math.min(255, Math.floor((lostInterval * 256) / expectedInterval)) : 0;
    const dlsr = this.lastSrAt < 0 ? 0 : Math.floor(((now - this.lastSrAt) / 1000) * 65536);
    this.sendRtcp(buildReceiverReport(this.senderSsrc, [{
      ssrc: s.ssrc, fractionLost: fraction, cumulativeLost: s.lost, extendedHighestSeq: extended >>> 0,
      jitter: Math.floor(this.jitter), lsr: this.lastSr, dlsr,
    }]));
  }
}
