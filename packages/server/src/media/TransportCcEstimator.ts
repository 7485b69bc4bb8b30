// One subscriber's downlink estimated from its transport-cc feedback, GCC-like but built for a
// JS sender on a loaded machine:
// - every forwarded packet gets a transport-wide sequence number; we remember when it left and its size;
// - the feedback says which arrived and when: the acked bitrate (what the link really delivered),
//   loss, and queuing delay (arrival minus send time above its recent minimum);
// - the estimate never grows past 1.5x the acked bitrate on its own; to find room for a higher
//   layer it probes: for 200 ms the transport is topped up with RTX copies of recent packets to a
//   rate a bit above the estimate, and the feedback shows whether that rate got through at the
//   same pace (delivered) or was stretched by a queue (the link's rate is what arrived);
//   after a stretched probe the next ones stay near the rate that arrived, until one is not stretched;
// - sustained loss or a sustained queue lowers the estimate below the acked bitrate at once.
// Single-sample noise (CPU-jittered timestamps on either side) is ignored: every reaction needs a
// condition to hold over several feedbacks. Preallocated rings; nothing is allocated per packet.
import { parseTransportCcFeedback, transportCcStatusCount, type TransportCcSink } from './rtp/transportCc.js';
import { mediaCounters } from './mediaCounters.js';

/**
 * Packets remembered until their feedback arrives: 2 s at 10 Mbps, far above feedback delays
 * (50-100 ms plus RTT). 11 bytes each, per subscriber transport: 22 KB (4096 was 45 KB).
 */
const RING_SIZE = 2048;
const MASK = RING_SIZE - 1;
const MIN_BPS = 100_000;
const MAX_BPS = 20_000_000;
const START_BPS = 1_500_000;
/** Feedback older than this: the subscriber stopped sending it; fall back to receiver reports. */
const STALE_MS = 2000;
/**
 * Loss above this in two update intervals in a row (with enough packets) is congestion; above
 * LOSS_OVERLOAD in one, it is at once (a layer far too big for the link). Random loss of a few
 * percent crosses 10 % in single half-second intervals now and then: that alone is not a queue.
 */
const LOSS_CONGESTED = 0.1;
const LOSS_OVERLOAD = 0.25;
const MIN_PACKETS_FOR_LOSS = 20;
/** Queuing delay (ms above the recent minimum) that counts as a standing queue, and for how long. */
const QUEUE_DELAY_MS = 40;
const QUEUE_SUSTAIN_MS = 300;
/** How long the minimum of arrival-minus-send is remembered (a base that drifts slowly). */
const BASE_DELAY_WINDOW_MS = 10_000;
const PROBE_MS = 200;
/** Copies sent per media packet at most: spreads the probe over the media that triggers it. */
const MAX_PROBE_PACKETS_PER_FILL = 8;
/** A probe's packets must be reported within this long, or it is abandoned. */
const PROBE_REPORT_TIMEOUT_MS = 1500;
const PROBE_GAP_MIN_MS = 1000;
/**
 * Retransmissions may use this share of the estimate (a token bucket holding 250 ms of it): on a
 * link that is already full, answering every NACK adds the load that causes the next losses.
 */
const RTX_SHARE = 0.25;
const RTX_BUCKET_MS = 250;
const RTX_PACKET_BYTES = 1200;
const PROBE_GAP_MAX_MS = 4000;
/**
 * After a probe the link stretched, the next ones go at most this far above the rate it delivered:
 * a capped link is re-tested gently (its queue absorbs the excess instead of dropping media) until
 * a probe arrives unstretched, which lifts the ceiling.
 */
const CEILING_STEP = 1.1;
const UNSTRETCHED = 0.95;
/**
 * Feedback statuses read per second at most (a token bucket this deep): 10x what a 20 Mbps
 * downlink of 1200-byte packets needs. Beyond it, feedback is ignored and counted: a subscriber
 * sending crafted feedback (many statuses per packet, many packets) cannot buy more worker CPU.
 */
export const TRANSPORT_CC_STATUSES_PER_SECOND = 20_000;
export const TRANSPORT_CC_STATUS_BURST = 4096;

export class TransportCcEstimator implements TransportCcSink {
  private readonly sendMs = new Float64Array(RING_SIZE);
  private readonly sizes = new Uint16Array(RING_SIZE);
  /** 1 for probe copies: they test the link but are not what the streams need (not acked bitrate). */
  private readonly probeCopies = new Uint8Array(RING_SIZE);
  private sendingProbe = false;
  /** Next transport-wide sequence number (unwrapped; its low 16 bits go on the wire). */
  private nextSeq = 1;
  private estimateBps = START_BPS;
  private lastFeedbackMs = -1e9;
  private lastFeedbackKey = -1;
  /** Per-interval accumulators, read and reset by update(). */
  private ackedBytes = 0;
  private received = 0;
  private lost = 0;
  private previousFraction = 0;
  /** Smoothed acked bitrate (bps). */
  ackedBps = 0;
  /** Smoothed loss fraction over recent updates, and the latest queuing delay (ms). */
  loss = 0;
  queueDelayMs = 0;
  private baseDelay = Infinity;
  private baseDelayAtMs = -1e9;
  private nextBaseDelay = Infinity;
  private queuedSinceMs = -1;
  private congestedAtMs = -1e9;
  // Probing state.
  private probeStartMs = -1;
  private probeTargetBps = 0;
  private probeBytes = 0;
  private probeFirstSeq = -1;
  private probeLastSeq = -1;
  private probeFirstSendMs = 0;
  private probeLastSendMs = 0;
  private probeFirstArrival = -1;
  private probeLastArrival = -1;
  private probeRecvBytes = 0;
  private probeReported = 0;
  private probeLost = 0;
  private nextProbeMs = 0;
  private probeGapMs = PROBE_GAP_MIN_MS;
  /** Probe no higher than this (0: no ceiling), learned from the last stretched probe. */
  private probeCeilingBps = 0;
  /** The latest probe's outcome, for logs and tests: delivered rate and whether it kept pace. */
  lastProbe = { bps: 0, sendBps: 0, ok: false, atMs: -1 };
  private rtxTokens = 0;
  private rtxRefillMs = Number.NEGATIVE_INFINITY;
  /** Highest seq reported so far, to evaluate probes once their packets are all in. */
  private reportedUpTo = -1;
  private feedbackNowMs = 0;
  private statusTokens = TRANSPORT_CC_STATUS_BURST;
  private statusRefillMs = Number.NEGATIVE_INFINITY;
  /** Statuses read from feedback, and feedbacks ignored because the status budget was spent. */
  statusesRead = 0;
  feedbackDropped = 0;

  /**
   * `sendProbe` sends one RTX copy of a recent packet on this transport and returns its size
   * (0 if there was none to copy); it goes through onSend like any packet.
   */
  constructor(private readonly sendProbe: (nowMs: number) => number) {}

  /**
   * Registers a packet about to be sent; returns the 16-bit sequence number to stamp into it.
   * `probeCopy`: the packet is a probe's RTX copy (by default: sent from within probeFill; a pacer
   * that sends it later passes the flag it noted when the copy was made).
   */
  onSend(size: number, nowMs: number, probeCopy = this.sendingProbe): number {
    const seq = this.nextSeq++;
    this.sendMs[seq & MASK] = nowMs;
    this.sizes[seq & MASK] = size;
    this.probeCopies[seq & MASK] = probeCopy ? 1 : 0;
    if (this.probeStartMs >= 0 && this.probeLastSeq < 0) {
      if (this.probeFirstSeq < 0) {
        this.probeFirstSeq = seq;
        this.probeFirstSendMs = nowMs;
      } else this.probeBytes += size; // rates leave out the first packet (it opens the span)
      this.probeLastSendMs = nowMs;
    }
    return seq & 0xffff;
  }

  /** A transport-cc feedback packet from the subscriber (RTCP bytes [offset, end)). */
  onFeedback(buf: Uint8Array, offset: number, end: number, nowMs: number): void {
    // With BUNDLE the same feedback may reach us through several tracks: handle it once.
    const key = ((buf[offset + 12]! << 16) | (buf[offset + 13]! << 8) | buf[offset + 19]!) >>> 0;
    if (key === this.lastFeedbackKey && nowMs - this.lastFeedbackMs < 1000) return;
    if (this.statusRefillMs === Number.NEGATIVE_INFINITY) this.statusRefillMs = nowMs;
    if (nowMs > this.statusRefillMs) {
      this.statusTokens = Math.min(TRANSPORT_CC_STATUS_BURST, this.statusTokens + ((nowMs - this.statusRefillMs) * TRANSPORT_CC_STATUSES_PER_SECOND) / 1000);
      this.statusRefillMs = nowMs;
    }
    const statuses = transportCcStatusCount(buf, offset);
    if (statuses > this.statusTokens) {
      this.feedbackDropped++;
      mediaCounters.transportCcDropped++;
      return;
    }
    this.statusTokens -= statuses;
    this.statusesRead += statuses;
    this.lastFeedbackKey = key;
    this.lastFeedbackMs = nowMs;
    this.feedbackNowMs = nowMs;
    parseTransportCcFeedback(buf, offset, end, this);
  }

  /** One reported packet (called by the feedback parser). */
  onFeedbackPacket(seq16: number, arrivalMs: number): void {
    // Unwrap against what we sent: the most recent number with these low 16 bits.
    const seq = this.nextSeq - 1 - (((this.nextSeq - 1 - seq16) & 0xffff));
    if (seq <= 0 || this.nextSeq - seq > RING_SIZE) return;
    if (seq > this.reportedUpTo) this.reportedUpTo = seq;
    const inProbe = this.probeFirstSeq > 0 && seq >= this.probeFirstSeq && (this.probeLastSeq < 0 || seq <= this.probeLastSeq);
    if (arrivalMs < 0) {
      this.lost++;
      if (inProbe) this.probeLost++;
      return;
    }
    const size = this.sizes[seq & MASK]!;
    this.received++;
    if (this.probeCopies[seq & MASK] === 0) this.ackedBytes += size;
    const offset = arrivalMs - this.sendMs[seq & MASK]!;
    this.trackDelay(offset);
    if (inProbe) {
      this.probeReported++;
      if (this.probeFirstArrival < 0 || arrivalMs < this.probeFirstArrival) this.probeFirstArrival = arrivalMs;
      else this.probeRecvBytes += size;
      if (arrivalMs > this.probeLastArrival) this.probeLastArrival = arrivalMs;
    }
  }

  /** Arrival minus send time against its recent minimum: the queue our packets wait in. */
  private trackDelay(offset: number): void {
    const now = this.feedbackNowMs;
    if (offset < this.nextBaseDelay) this.nextBaseDelay = offset;
    if (offset < this.baseDelay) this.baseDelay = offset;
    if (now - this.baseDelayAtMs > BASE_DELAY_WINDOW_MS) {
      // Two staggered windows: the minimum forgets clock drift and route changes, never jumps up early.
      this.baseDelay = this.nextBaseDelay;
      this.nextBaseDelay = offset;
      this.baseDelayAtMs = now;
    }
    const queue = offset - this.baseDelay;
    this.queueDelayMs = this.queueDelayMs * 0.9 + queue * 0.1;
  }

  /** Feedback is arriving: this estimate describes the link. */
  active(nowMs: number): boolean {
    return nowMs - this.lastFeedbackMs < STALE_MS;
  }

  get estimate(): number {
    return this.estimateBps;
  }

  /** Periodic (every ~500 ms): fold the interval's feedback into the estimate. */
  update(nowMs: number, elapsedMs: number): void {
    const acked = elapsedMs > 0 ? (this.ackedBytes * 8000) / elapsedMs : 0;
    this.ackedBps = this.ackedBps === 0 ? acked : this.ackedBps * 0.5 + acked * 0.5;
    const total = this.received + this.lost;
    const fraction = total > 0 ? this.lost / total : 0;
    this.loss = this.loss * 0.5 + fraction * 0.5;
    const lossy = total >= MIN_PACKETS_FOR_LOSS && fraction > LOSS_CONGESTED;
    const lossCongested = lossy && (fraction > LOSS_OVERLOAD || this.previousFraction > LOSS_CONGESTED);
    this.previousFraction = total >= MIN_PACKETS_FOR_LOSS ? fraction : 0;
    this.ackedBytes = 0;
    this.received = 0;
    this.lost = 0;
    if (this.queueDelayMs > QUEUE_DELAY_MS) {
      if (this.queuedSinceMs < 0) this.queuedSinceMs = nowMs;
    } else this.queuedSinceMs = -1;
    const queued = this.queuedSinceMs >= 0 && nowMs - this.queuedSinceMs >= QUEUE_SUSTAIN_MS;
    if (lossCongested || queued) {
      // The link was full: what it delivered this interval is its rate. Probes stay near it until
      // one arrives unstretched (a cap lifted); a bigger probe would overflow the link's queue and
      // lose media, which on a narrow link even once is more than 2 % of it.
      if (acked > 0 && (this.probeCeilingBps === 0 || acked * CEILING_STEP < this.probeCeilingBps)) this.probeCeilingBps = acked * CEILING_STEP;
      const base = Math.min(this.estimateBps, Math.max(this.ackedBps, acked));
      this.estimateBps = Math.max(MIN_BPS, base * (lossCongested ? 1 - 0.5 * fraction : 0.85));
      this.congestedAtMs = nowMs;
      this.queuedSinceMs = queued ? nowMs : -1;
    } else if (!lossy && fraction < 0.02 && nowMs - this.congestedAtMs > 1000) {
      // Grow toward what the link has shown it delivers; probes find more.
      const bound = 1.5 * this.ackedBps + 10_000;
      if (this.estimateBps < bound) this.estimateBps = Math.min(bound, this.estimateBps * 1.05 + 1000);
    }
    this.estimateBps = Math.min(MAX_BPS, this.estimateBps);
    this.finishProbe(nowMs);
  }

  /** May one more retransmission go out now? (Without feedback: within the budget of MAX_BPS.) */
  allowRetransmission(nowMs: number): boolean {
    // Without feedback there is no estimate to keep to, but NACKs still come from the subscriber:
    // bound them by the highest estimate we ever allow (a 1.2 KB NACK compound names ~5000 packets).
    const bytesPerMs = ((this.active(nowMs) ? this.estimateBps : MAX_BPS) * RTX_SHARE) / 8000;
    const bucket = Math.max(bytesPerMs * RTX_BUCKET_MS, 2 * RTX_PACKET_BYTES);
    this.rtxTokens = Math.min(bucket, this.rtxTokens + (nowMs - this.rtxRefillMs) * bytesPerMs);
    this.rtxRefillMs = nowMs;
    if (this.rtxTokens < RTX_PACKET_BYTES) return false;
    this.rtxTokens -= RTX_PACKET_BYTES;
    return true;
  }

  /** The allocator wants `desiredBps` and the estimate is short: probe toward it if it is time. */
  maybeProbe(desiredBps: number, nowMs: number): boolean {
    if (this.probeStartMs >= 0 || nowMs < this.nextProbeMs || desiredBps <= this.estimateBps) return false;
    if (nowMs - this.congestedAtMs < 2000) return false;
    const step = this.lastProbe.ok && nowMs - this.lastProbe.atMs < 4000 ? 1.5 : 1.25;
    // A little above what is wanted, so the estimate it yields has room for the rate to breathe.
    let target = Math.min(desiredBps * 1.3, this.estimateBps * step);
    if (this.probeCeilingBps > 0) target = Math.min(target, Math.max(this.probeCeilingBps, this.estimateBps * 1.1));
    this.probeTargetBps = target;
    this.probeStartMs = nowMs;
    this.probeBytes = 0;
    this.probeFirstSeq = -1;
    this.probeLastSeq = -1;
    this.probeFirstArrival = -1;
    this.probeLastArrival = -1;
    this.probeRecvBytes = 0;
    this.probeReported = 0;
    this.probeLost = 0;
    return true;
  }

  /** Inside probeFill: what is sent now is a probe copy. */
  get fillingProbe(): boolean {
    return this.sendingProbe;
  }

  /** Probes (and the pacer) stay under this (bps) since the link showed its rate; 0: no ceiling known. */
  get ceilingBps(): number {
    return this.probeCeilingBps;
  }

  /** The rate the current probe tries (bps); the pacer paces at it while probing. */
  get probeRateBps(): number {
    return this.probeTargetBps;
  }

  get probing(): boolean {
    return this.probeStartMs >= 0 && this.probeLastSeq < 0;
  }

  /**
   * Called on the send path while probing: tops the transport up to the probe rate with copies
   * (a few per call at most, so the top-up is spread over the media packets that trigger it).
   */
  probeFill(nowMs: number): void {
    if (!this.probing) return;
    const elapsed = nowMs - this.probeStartMs;
    if (elapsed >= PROBE_MS) {
      this.probeLastSeq = this.nextSeq - 1;
      return;
    }
    const due = (this.probeTargetBps * (elapsed + 10)) / 8000;
    this.sendingProbe = true;
    for (let i = 0; i < MAX_PROBE_PACKETS_PER_FILL && this.probeBytes < due; i++) {
      if (this.sendProbe(nowMs) === 0) break;
    }
    this.sendingProbe = false;
  }

  /** Once a probe's packets are all reported: what rate did the link deliver? */
  private finishProbe(nowMs: number): void {
    if (this.probeStartMs < 0) return;
    if (this.probeLastSeq < 0) {
      // No media went out to end it on the send path: end it here.
      if (nowMs - this.probeStartMs >= PROBE_MS) this.probeLastSeq = this.nextSeq - 1;
      return;
    }
    const complete = this.reportedUpTo >= this.probeLastSeq;
    if (!complete && nowMs - this.probeStartMs < PROBE_REPORT_TIMEOUT_MS) return;
    const sendSpan = this.probeLastSendMs - this.probeFirstSendMs;
    const recvSpan = this.probeLastArrival - this.probeFirstArrival;
    const packets = this.probeReported + this.probeLost;
    let ok = false;
    let unstretched = false;
    let bps = 0;
    const sendBps = sendSpan > 0 ? (this.probeBytes * 8000) / sendSpan : 0;
    if (complete && this.probeReported >= 6 && sendSpan >= PROBE_MS / 2 && recvSpan > 0) {
      bps = (this.probeRecvBytes * 8000) / Math.max(recvSpan, sendSpan * 0.5);
      // Delivered at the pace it was sent (random loss thins it a little, a queue stretches it).
      const lossy = this.probeLost > 0.15 * packets;
      ok = !lossy && bps >= 0.85 * sendBps && sendBps >= 0.9 * this.probeTargetBps;
      if (ok) this.estimateBps = Math.max(this.estimateBps, Math.min(bps, sendBps) * 0.95);
      unstretched = ok && bps >= UNSTRETCHED * sendBps;
      // Only a probe at the ceiling lifts it: one below it (the estimate fell far under the link
      // after a loss) says nothing about the link's rate, and lifting it let the next probes grow
      // 1.5x a step past a 400 kbps cap (lab: 598 kbps, 9 % media loss).
      if (unstretched) {
        if (sendBps >= 0.95 * this.probeCeilingBps) this.probeCeilingBps = 0;
      } else if (bps > 0) this.probeCeilingBps = bps * CEILING_STEP;
    }
    this.lastProbe = { bps: Math.round(bps), sendBps: Math.round(sendBps), ok, atMs: nowMs };
    // Success: probe again soon (the next step); failure: back off, doubling up to 16 s.
    this.probeGapMs = unstretched ? PROBE_GAP_MIN_MS : Math.min(PROBE_GAP_MAX_MS, this.probeGapMs * 2);
    this.nextProbeMs = nowMs + this.probeGapMs;
    this.probeStartMs = -1;
    this.probeFirstSeq = -1;
  }
}
