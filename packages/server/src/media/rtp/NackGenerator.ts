// Finds packets missing from one incoming stream and decides which to NACK now: each lost packet is
// asked for a few times, an RTT apart, and forgotten once it could no longer arrive in time.
import { SequenceUnwrapper } from './sequence.js';

const MAX_TRIES = 4;
const RETRY_INTERVAL_MS = 40;
const GIVE_UP_AFTER_MS = 800;
/** A jump larger than this is a stream reset, not loss. */
const MAX_GAP = 200;
/**
 * Missing packets tracked at most; more is a stream beyond repair (or a publisher skipping numbers
 * on purpose: a jump of 199 per packet used to add 199 entries a packet, each walked on every
 * collect, and NACKed up to four times): forget them all and start over.
 */
export const MAX_MISSING = 500;
/** NACKed sequence numbers per second at most (a token bucket this deep): ample for real loss. */
export const NACKS_PER_SECOND = 500;
export const NACK_BURST = 100;

export const PacketArrival = { IN_ORDER: 0, GAP: 1, LATE: 2 } as const;
export type PacketArrival = (typeof PacketArrival)[keyof typeof PacketArrival];

interface Missing {
  firstMs: number;
  lastNackMs: number;
  tries: number;
}

export class NackGenerator {
  private readonly unwrapper = new SequenceUnwrapper();
  private highest = -1;
  /** Allocated only when packets go missing. */
  private readonly missing = new Map<number, Missing>();
  lostDetected = 0;
  recovered = 0;
  /** Times the missing list overflowed and was dropped; NACKs not sent for want of budget. */
  resets = 0;
  nacksSuppressed = 0;
  private nackTokens = NACK_BURST;
  private nackRefillMs = Number.NEGATIVE_INFINITY;

  /** Records an arrival: IN_ORDER, GAP (packets before it are missing: NACK soon) or LATE. */
  onPacket(seq: number, nowMs: number): PacketArrival {
    const ext = this.unwrapper.unwrap(seq);
    if (this.highest < 0 || ext - this.highest > MAX_GAP) {
      this.highest = ext;
      this.missing.clear();
      return PacketArrival.IN_ORDER;
    }
    if (ext <= this.highest) {
      if (this.missing.delete(ext)) this.recovered++;
      return PacketArrival.LATE;
    }
    const gap = ext - this.highest - 1;
    if (this.missing.size + gap > MAX_MISSING) {
      this.missing.clear();
      this.resets++;
      this.highest = ext;
      return PacketArrival.IN_ORDER;
    }
    for (let s = this.highest + 1; s < ext; s++) this.missing.set(s, { firstMs: nowMs, lastNackMs: -1e9, tries: 0 });
    this.lostDetected += gap;
    this.highest = ext;
    return gap > 0 ? PacketArrival.GAP : PacketArrival.IN_ORDER;
  }

  get hasMissing(): boolean {
    return this.missing.size > 0;
  }

  /** Calls `emit(seq16)` for each packet to NACK now. */
  collect(nowMs: number, emit: (seq16: number) => void): void {
    if (this.nackRefillMs === Number.NEGATIVE_INFINITY) this.nackRefillMs = nowMs;
    if (nowMs > this.nackRefillMs) {
      this.nackTokens = Math.min(NACK_BURST, this.nackTokens + ((nowMs - this.nackRefillMs) * NACKS_PER_SECOND) / 1000);
      this.nackRefillMs = nowMs;
    }
    for (const [ext, m] of this.missing) {
      if (nowMs - m.firstMs > GIVE_UP_AFTER_MS || m.tries >= MAX_TRIES) {
        this.missing.delete(ext);
        continue;
      }
      if (nowMs - m.lastNackMs < RETRY_INTERVAL_MS) continue;
      if (this.nackTokens < 1) {
        this.nacksSuppressed++;
        continue; // asked for on a later round, while it can still arrive in time
      }
      this.nackTokens -= 1;
      m.lastNackMs = nowMs;
      m.tries++;
      emit(ext & 0xffff);
    }
  }
}
