// Paces what one subscriber transport sends: a token bucket refilled at a multiple of the downlink
// estimate, so a keyframe (tens of packets produced in one moment) leaves spread over a few tens of
// milliseconds instead of as one burst that overflows a narrow link's queue (tc tbf, a home
// router) and loses the very packets the decoder needs most.
// - Pass-through while the bucket has tokens and nothing waits: the common case costs a few
//   arithmetic operations and no copy.
// - Otherwise the packet is copied into a preallocated ring (FIFO, so each SSRC's sequence numbers
//   still leave in increasing order, as libsrtp requires) and a reused 5 ms timer drains it.
// - Audio (and anything flagged `bypass`) is never queued: it is small and late audio is worse than
//   a slightly longer keyframe; it still spends tokens, so video yields to it.
// - Bounded: a packet that waited MAX_WAIT_MS goes out regardless of tokens (the estimate was too
//   low, the allocator will move down; queueing more only adds delay), and a full ring sends its
//   oldest packet to make room. Nothing is dropped here.
// Nothing is allocated per packet: ring buffers are allocated once, the first time they are used.

import { reportPacketError } from './mediaCounters.js';

/** Where paced packets finally go (SubscriberSlot): stamps transport-cc and hands it to libdatachannel. */
export interface PacedSink {
  /** `probeCopy`: an RTX copy sent to probe the link (transport-cc keeps it out of the acked rate). */
  sendNow(buf: Buffer, transportCcOffset: number, nowMs: number, probeCopy: boolean): boolean;
}

/** How far above the estimate packets may leave (libwebrtc's pacer uses 2.5 too). */
export const PACING_FACTOR = 2.5;
const CAPACITY = 512;
const MAX_PACKET_BYTES = 1504;
export const PACE_INTERVAL_MS = 5;
/** Unused tokens are kept for this long at most (a late timer must not turn into a burst). */
const BURST_MS = 15;
const MIN_BURST_BYTES = 2400;
/** A packet never waits longer than this. */
export const MAX_WAIT_MS = 300;
const MIN_RATE_BPS = 100_000;

export class Pacer {
  private bytesPerMs = Infinity;
  private tokens = 0;
  private refilledAtMs = -1;
  private readonly buffers: Array<Buffer | undefined> = new Array(CAPACITY);
  private readonly sinks: Array<PacedSink | null> = new Array(CAPACITY).fill(null);
  private readonly lengths = new Uint16Array(CAPACITY);
  private readonly tccOffsets = new Int32Array(CAPACITY);
  private readonly probeCopies = new Uint8Array(CAPACITY);
  private readonly enqueuedAtMs = new Float64Array(CAPACITY);
  private head = 0;
  private count = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerArmed = false;
  private closed = false;
  /** Packets that had to wait, packets sent past MAX_WAIT_MS or to make room, and refused sends. */
  delayedPackets = 0;
  overduePackets = 0;
  sendErrors = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The pace (bps): PACING_FACTOR times the estimate, set by the allocator. */
  setRate(bps: number): void {
    this.bytesPerMs = Math.max(MIN_RATE_BPS, bps) / 8000;
  }

  get rateBps(): number {
    return this.bytesPerMs * 8000;
  }

  /** Packets waiting to leave. */
  get queued(): number {
    return this.count;
  }

  get backlogBytes(): number {
    return this.queuedBytes;
  }

  /** Sends `buf` now or queues a copy; false only when an immediate send was refused. */
  send(sink: PacedSink, buf: Buffer, transportCcOffset: number, nowMs: number, bypass: boolean, probeCopy = false): boolean {
    this.refill(nowMs);
    if (bypass || (this.count === 0 && this.tokens > 0) || buf.length > MAX_PACKET_BYTES || this.closed) {
      this.tokens -= buf.length;
      return sink.sendNow(buf, transportCcOffset, nowMs, probeCopy);
    }
    if (this.count === CAPACITY) {
      this.overduePackets++;
      this.sendHead(nowMs);
    }
    const i = (this.head + this.count) % CAPACITY;
    let slot = this.buffers[i];
    if (slot === undefined) slot = this.buffers[i] = Buffer.allocUnsafe(MAX_PACKET_BYTES);
    buf.copy(slot, 0, 0, buf.length);
    this.sinks[i] = sink;
    this.lengths[i] = buf.length;
    this.tccOffsets[i] = transportCcOffset;
    this.probeCopies[i] = probeCopy ? 1 : 0;
    this.enqueuedAtMs[i] = nowMs;
    this.count++;
    this.queuedBytes += buf.length;
    this.delayedPackets++;
    this.arm();
    return true;
  }

  /** Sends what the tokens allow, and whatever waited too long. Called by the timer (tests call it directly). */
  drain(nowMs: number): void {
    this.refill(nowMs);
    while (this.count > 0) {
      const overdue = nowMs - this.enqueuedAtMs[this.head]! >= MAX_WAIT_MS;
      if (this.tokens <= 0 && !overdue) break;
      if (overdue) this.overduePackets++;
      this.sendHead(nowMs);
    }
    if (this.count > 0) this.arm();
  }

  private sendHead(nowMs: number): void {
    const i = this.head;
    const length = this.lengths[i]!;
    const sink = this.sinks[i]!;
    this.sinks[i] = null;
    this.head = (i + 1) % CAPACITY;
    this.count--;
    this.queuedBytes -= length;
    this.tokens -= length;
    if (!sink.sendNow(this.buffers[i]!.subarray(0, length), this.tccOffsets[i]!, nowMs, this.probeCopies[i] === 1)) this.sendErrors++;
  }

  private refill(nowMs: number): void {
    if (this.refilledAtMs < 0 || this.bytesPerMs === Infinity) {
      this.refilledAtMs = nowMs;
      this.tokens = this.bytesPerMs === Infinity ? Infinity : MIN_BURST_BYTES;
      return;
    }
    const elapsed = nowMs - this.refilledAtMs;
    if (elapsed <= 0) return;
    this.refilledAtMs = nowMs;
    const burst = Math.max(MIN_BURST_BYTES, this.bytesPerMs * BURST_MS);
    this.tokens = Math.min(burst, this.tokens + elapsed * this.bytesPerMs);
  }

  private arm(): void {
    if (this.timerArmed || this.closed) return;
    this.timerArmed = true;
    if (this.timer === null) {
      this.timer = setTimeout(() => this.onTimer(), PACE_INTERVAL_MS);
      this.timer.unref();
    } else this.timer.refresh();
  }

  private onTimer(): void {
    this.timerArmed = false;
    try {
      if (!this.closed) this.drain(this.now());
    } catch (err) {
      reportPacketError(err, 'pacer');
    }
  }

  /** The transport is closing: forgets what is queued and stops the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.count = 0;
    this.queuedBytes = 0;
    this.sinks.fill(null);
  }
}
