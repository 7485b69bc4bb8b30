/** Per-incoming-SSRC reception statistics for receiver reports: loss (RFC 3550 A.3) and interarrival jitter (A.8). */

import type { ReportBlock } from './rtcp.js';
import { SequenceUnwrapper } from './sequence.js';

export class ReceiveStats {
  packetsReceived = 0;
  bytesReceived = 0;
  /**
   * Packets that arrived at or behind the highest sequence number seen (retransmissions, reordered
   * or duplicated packets): counted as received by RFC 3550, so expected - (received - late) is the
   * loss the network caused before any recovery.
   */
  packetsLate = 0;
  /** Interarrival jitter in RTP timestamp units, unrounded. */
  jitter = 0;

  private readonly unwrapper = new SequenceUnwrapper();
  private baseSeq = 0;
  private maxSeq = -1;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastArrivalRtp = 0;
  private lastTimestamp = 0;
  private hasTransit = false;
  private lastSr = 0;
  private lastSrArrivalMs = -1;

  constructor(
    /** RTP clock rate of the stream, e.g. 90000 for video, 48000 for Opus. */
    readonly clockRate: number,
    public ssrc = 0,
  ) {}

  onPacket(seq: number, rtpTimestamp: number, arrivalMs: number, byteLength = 0): void {
    const ext = this.unwrapper.unwrap(seq);
    if (this.packetsReceived === 0) {
      this.baseSeq = ext;
      this.maxSeq = ext;
    } else if (ext > this.maxSeq) {
      this.maxSeq = ext;
    } else {
      this.packetsLate++;
    }
    this.packetsReceived++;
    this.bytesReceived += byteLength;

    // Packets of one video frame share a timestamp but leave the sender in a burst spread over time;
    // counting them would measure the pacer, not the network (libwebrtc skips them too).
    const arrivalRtp = (arrivalMs * this.clockRate) / 1000;
    if (!this.hasTransit) {
      this.hasTransit = true;
    } else if (rtpTimestamp !== this.lastTimestamp) {
      // D = (Rj - Ri) - (Sj - Si); the timestamp difference is taken as signed 32-bit to survive wraps.
      const d = arrivalRtp - this.lastArrivalRtp - ((rtpTimestamp - this.lastTimestamp) | 0);
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    } else {
      return;
    }
    this.lastArrivalRtp = arrivalRtp;
    this.lastTimestamp = rtpTimestamp;
  }

  /** Remembers LSR (middle 32 bits of the NTP timestamp) and when it arrived, for DLSR. */
  onSenderReport(ntpMsw: number, ntpLsw: number, arrivalMs: number): void {
    this.lastSr = (((ntpMsw & 0xffff) << 16) | (ntpLsw >>> 16)) >>> 0;
    this.lastSrArrivalMs = arrivalMs;
  }

  /** Highest extended sequence number received (cycles << 16 | seq), -1 before the first packet. */
  get extendedHighestSeq(): number {
    return this.maxSeq;
  }

  /** Packets the sequence numbers say were sent since the first one arrived. */
  get packetsExpected(): number {
    return this.packetsReceived === 0 ? 0 : this.maxSeq - this.baseSeq + 1;
  }

  /** Cumulative packets lost since the first packet; negative with duplicates, as RFC 3550 allows. */
  get cumulativeLost(): number {
    return this.packetsReceived === 0 ? 0 : this.maxSeq - this.baseSeq + 1 - this.packetsReceived;
  }

  /**
   * Fills a report block and starts a new fraction-lost interval. Returns false (block untouched) if
   * no packet has arrived yet, since RFC 3550 sends no block for a source it has not heard.
   */
  fillReportBlock(block: ReportBlock, nowMs: number): boolean {
    if (this.packetsReceived === 0) return false;
    const expected = this.maxSeq - this.baseSeq + 1;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.packetsReceived - this.receivedPrior;
    const lostInterval = expectedInterval - receivedInterval;
    this.expectedPrior = expected;
    this.receivedPrior = this.packetsReceived;
    block.ssrc = this.ssrc;
    // 8-bit fixed point (lost/expected * 256); the clamp keeps it in the wire field whatever the counters say.
    block.fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    block.cumulativeLost = expected - this.packetsReceived;
    block.highestSeq = this.maxSeq >>> 0;
    block.jitter = Math.floor(this.jitter) >>> 0;
    if (this.lastSrArrivalMs < 0) {
      block.lsr = 0;
      block.dlsr = 0;
    } else {
      block.lsr = this.lastSr;
      const delayMs = nowMs > this.lastSrArrivalMs ? nowMs - this.lastSrArrivalMs : 0;
      block.dlsr = Math.min(Math.round((delayMs * 65536) / 1000), 0xffffffff);
    }
    return true;
  }
}
