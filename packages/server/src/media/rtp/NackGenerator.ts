// Finds packets missing from one incoming stream and decides which to NACK now: each lost packet is
// asked for a few times, an RTT apart, and forgotten once it could no longer arrive in time.
import { SequenceUnwrapper } from './sequence.js';

const MAX_TRIES = 4;
const RETRY_INTERVAL_MS = 40;
const GIVE_UP_AFTER_MS = 800;
/** A jump larger than this is a stream reset, not loss. */
const MAX_GAP = 200;

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
    for (const [ext, m] of this.missing) {
      if (nowMs - m.firstMs > GIVE_UP_AFTER_MS || m.tries >= MAX_TRIES) {
        this.missing.delete(ext);
        continue;
      }
      if (nowMs - m.lastNackMs < RETRY_INTERVAL_MS) continue;
      m.lastNackMs = nowMs;
      m.tries++;
      emit(ext & 0xffff);
    }
  }
}
