// Recent packets of one incoming stream, copied into one preallocated slab, so NACKs from any
// subscriber can be answered without asking the publisher again. No allocation per packet.

const SLOT_BYTES = 1500;

export class PacketHistory {
  private readonly slab: Buffer;
  private readonly lengths: Uint16Array;
  private readonly seqs: Int32Array;
  private readonly arrivals: Float64Array;
  private readonly mask: number;

  /** `capacity` is rounded up to a power of two; packets older than `maxAgeMs` are not returned. */
  constructor(capacity = 1024, private readonly maxAgeMs = 1000) {
    let size = 1;
    while (size < capacity) size <<= 1;
    this.mask = size - 1;
    this.slab = Buffer.alloc(size * SLOT_BYTES);
    this.lengths = new Uint16Array(size);
    this.seqs = new Int32Array(size).fill(-1);
    this.arrivals = new Float64Array(size);
  }

  /** Keeps a copy of `buf` under its 16-bit sequence number (overwrites what had the same slot). */
  store(seq: number, buf: Uint8Array, length: number, nowMs: number): void {
    if (length > SLOT_BYTES) return;
    const index = seq & this.mask;
    // The whole buffer is the common case: no subarray view allocated per packet.
    this.slab.set(length === buf.length ? buf : buf.subarray(0, length), index * SLOT_BYTES);
    this.lengths[index] = length;
    this.seqs[index] = seq;
    this.arrivals[index] = nowMs;
  }

  /**
   * Remembers that `seq` carried nothing to forward (padding): a replay from the history closes
   * the gap as live forwarding did, instead of leaving a hole the subscriber would NACK.
   */
  markSkipped(seq: number): void {
    const index = seq & this.mask;
    this.lengths[index] = 0;
    this.seqs[index] = seq;
  }

  /** True when `seq` was marked skipped (and not stored since). */
  isSkipped(seq: number): boolean {
    const index = seq & this.mask;
    return this.seqs[index] === seq && this.lengths[index] === 0;
  }

  /** Byte length of the stored packet `seq`, or 0 when it is gone or too old; see `bytes`. */
  lengthOf(seq: number, nowMs: number): number {
    const index = seq & this.mask;
    if (this.seqs[index] !== seq || nowMs - this.arrivals[index]! > this.maxAgeMs) return 0;
    return this.lengths[index]!;
  }

  /** Copies packet `seq` into `out` at `outOffset`; returns its length (0 when unavailable). */
  copyTo(seq: number, nowMs: number, out: Uint8Array, outOffset: number): number {
    const length = this.lengthOf(seq, nowMs);
    if (length === 0 || outOffset + length > out.length) return 0;
    const start = (seq & this.mask) * SLOT_BYTES;
    this.slab.copy(out, outOffset, start, start + length); // no view allocated (NACKs, fast-start replays)
    return length;
  }
}
