/** Wraparound arithmetic for 16-bit RTP sequence numbers and 32-bit RTP timestamps. */

/** True if 16-bit sequence number `a` is newer than `b` (within half the space ahead). */
export function seqNewer(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}

/** Signed distance a - b in [-32768, 32767], accounting for wraparound. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) ^ 0x8000) - 0x8000;
}

/** True if 32-bit timestamp `a` is newer than `b`. */
export function tsNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** Signed distance a - b of 32-bit timestamps. */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Turns 16-bit sequence numbers into a monotonic extended space (cycles * 65536 + seq), relative to
 * the newest seen so far, so reordered packets across a wrap land before it. A packet older than the
 * first one seen gets a negative value rather than a bogus cycle.
 */
export class SequenceUnwrapper {
  private highest = 0;
  private started = false;

  unwrap(seq16: number): number {
    seq16 &= 0xffff;
    if (!this.started) {
      this.started = true;
      this.highest = seq16;
      return seq16;
    }
    const ext = this.highest + seqDiff(seq16, this.highest & 0xffff);
    if (ext > this.highest) this.highest = ext;
    return ext;
  }

  /** Highest extended sequence number seen, -1 before the first packet. */
  get highestExtended(): number {
    return this.started ? this.highest : -1;
  }

  reset(): void {
    this.started = false;
    this.highest = 0;
  }
}
