// Transport-wide congestion control feedback toward one publisher: records when each packet with a
// transport-wide sequence number arrived and reports it back (RTCP RTPFB FMT=15) every ~50 ms, so
// the browser's own send-side estimator (delay and loss based, GCC) sizes its layers to the uplink.
// A preallocated ring of arrival times; nothing is allocated per packet.
import { FeedbackResult, TransportCcWriter } from './rtp/transportCc.js';

/** Arrival slots (power of two): a second of packets at ~8 Mbps. */
const RING_SIZE = 1024;
const MASK = RING_SIZE - 1;
/** Feedback cadence; libwebrtc's receivers use 50–250 ms depending on the rate. */
export const TRANSPORT_CC_INTERVAL_MS = 50;
/** Feedback sent within this long counts as active. */
const ACTIVE_MS = 2000;
/** Feedback packets per send at most (a backlog after a stall is reported, not dropped). */
const MAX_PACKETS_PER_SEND = 4;

const writer = new TransportCcWriter(RING_SIZE);
const result = new FeedbackResult();
const out = Buffer.alloc(1200);

export class TransportCcFeedback {
  /** Arrival time (ms) per slot, -1 when the packet has not arrived. */
  private readonly arrivals = new Float64Array(RING_SIZE).fill(-1);
  /** Unwrapped sequence numbers: the first not yet reported, and the highest seen. */
  private base = -1;
  private highest = -1;
  private feedbackCount = 0;
  private lastSentMs = -1e9;
  private mediaSsrc = 0;
  /** Feedback packets sent (for stats and tests). */
  sent = 0;

  constructor(
    private readonly senderSsrc: number,
    private readonly send: (packet: Buffer) => void,
  ) {}

  /** A packet carrying transport-wide sequence number `seq` arrived at `nowMs`. */
  onPacket(seq: number, ssrc: number, nowMs: number): void {
    this.mediaSsrc = ssrc;
    if (this.highest < 0) {
      this.base = this.highest = 0x10000 + seq;
      this.arrivals[seq & MASK] = nowMs;
      this.lastSentMs = nowMs;
      return;
    }
    // Unwrap against the highest number seen: the nearer of the three candidates.
    const ext = this.highest + ((((seq - this.highest) & 0xffff) ^ 0x8000) - 0x8000);
    if (ext < this.base) return; // already reported as lost; a late arrival changes nothing now
    if (ext - this.base >= RING_SIZE) {
      // A jump past the ring (a long stall, a restarted sender): report what is there, start over.
      this.flush(nowMs);
      this.clear();
      this.base = this.highest = ext;
    }
    if (ext > this.highest) this.highest = ext;
    this.arrivals[ext & MASK] = nowMs;
    if (nowMs - this.lastSentMs >= TRANSPORT_CC_INTERVAL_MS) this.flush(nowMs);
  }

  /** Feedback went out lately: the browser's own estimator is working from it. */
  active(nowMs: number): boolean {
    return nowMs - this.lastSentMs < ACTIVE_MS;
  }

  /** Sends feedback for everything recorded and not yet reported; also called from the tick. */
  flush(nowMs: number): void {
    if (this.base < 0 || this.base > this.highest) return;
    this.lastSentMs = nowMs;
    const arrivals = this.arrivals;
    for (let packets = 0; packets < MAX_PACKETS_PER_SEND && this.base <= this.highest; packets++) {
      const count = this.highest - this.base + 1;
      const start = this.base & MASK;
      // The ring wraps: the writer reads a contiguous view, so copy across the wrap point once.
      const view = start + count <= RING_SIZE ? arrivals.subarray(start, start + count) : this.unwrapped(start, count);
      writer.write(out, 0, this.senderSsrc, this.mediaSsrc, this.base, view, count, this.feedbackCount, result);
      if (result.bytes === 0) {
        // A run of losses longer than one feedback holds: skip it, the next one starts after it.
        if (result.covered === 0) return;
        for (let k = 0; k < result.covered; k++) arrivals[(this.base + k) & MASK] = -1;
        this.base += result.covered;
        continue;
      }
      this.feedbackCount = (this.feedbackCount + 1) & 0xff;
      for (let k = 0; k < result.covered; k++) arrivals[(this.base + k) & MASK] = -1;
      this.base += result.covered;
      this.sent++;
      this.send(out.subarray(0, result.bytes));
    }
  }

  private readonly scratch = new Float64Array(RING_SIZE);

  private unwrapped(start: number, count: number): Float64Array {
    const first = RING_SIZE - start;
    this.scratch.set(this.arrivals.subarray(start), 0);
    this.scratch.set(this.arrivals.subarray(0, count - first), first);
    return this.scratch;
  }

  private clear(): void {
    this.arrivals.fill(-1);
    this.base = this.highest = -1;
  }
}
