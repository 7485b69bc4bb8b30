// Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01): the
// per-transport sequence number header extension, and RTCP transport feedback (RTPFB FMT=15) —
// a builder for what we receive and a parser for what subscribers send back. Allocation-free:
// callers pass preallocated arrays and buffers.

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

export const TRANSPORT_CC_FMT = 15;
const RTCP_RTPFB = 205;

/** Symbols of the packet status chunks. */
const NOT_RECEIVED = 0;
const SMALL_DELTA = 1;
const LARGE_DELTA = 2;

/** Receive deltas are in 250 µs ticks; the reference time in 64 ms units (256 ticks). */
const TICKS_PER_MS = 4;
const TICKS_PER_REFERENCE = 256;

/** What TransportCcWriter.write produced: bytes written and how many sequence numbers it covers. */
export class FeedbackResult {
  bytes = 0;
  covered = 0;
}

/** Builds feedback packets; its scratch arrays are sized for `maxPackets` per packet. */
export class TransportCcWriter {
  private readonly symbols: Uint8Array;
  private readonly deltas: Int32Array;

  constructor(readonly maxPackets = 1024) {
    this.symbols = new Uint8Array(maxPackets);
    this.deltas = new Int32Array(maxPackets);
  }

  /**
   * Writes one feedback packet for `count` consecutive sequence numbers from `baseSeq`:
   * `arrivalMs[i]` is when packet baseSeq+i arrived, or negative when it did not. Covers up to the
   * last received packet (trailing losses are reported once something after them arrives), fewer
   * when a receive delta does not fit the format or `out` runs short. When no packet of the part
   * that fits arrived, nothing is written (bytes = 0) and `covered` says how many to skip.
   */
  write(
    out: Uint8Array, offset: number, senderSsrc: number, mediaSsrc: number, baseSeq: number, arrivalMs: ArrayLike<number>,
    count: number, feedbackCount: number, result: FeedbackResult,
  ): void {
    result.bytes = 0;
    result.covered = 0;
    // At most 2 bytes of chunk and 2 of delta per packet fit after the 20-byte header.
    const fit = Math.floor((out.length - offset - 20) / 4);
    if (count > fit) count = fit;
    if (count > this.maxPackets) count = this.maxPackets;
    let first = 0;
    while (first < count && arrivalMs[first]! < 0) first++;
    if (first >= count) {
      result.covered = count; // all lost, and too many to report before the next arrival: skip them
      return;
    }
    const symbols = this.symbols;
    const deltas = this.deltas;
    const reference = Math.floor(Math.round(arrivalMs[first]! * TICKS_PER_MS) / TICKS_PER_REFERENCE);
    let previous = reference * TICKS_PER_REFERENCE;
    let n = 0;
    let lastReceived = first;
    for (; n < count; n++) {
      const arrival = arrivalMs[n]!;
      if (arrival < 0) {
        symbols[n] = NOT_RECEIVED;
        continue;
      }
      const ticks = Math.round(arrival * TICKS_PER_MS);
      const delta = ticks - previous;
      if (delta < -32768 || delta > 32767) break;
      previous = ticks;
      deltas[n] = delta;
      symbols[n] = delta >= 0 && delta <= 255 ? SMALL_DELTA : LARGE_DELTA;
      lastReceived = n;
    }
    // End on a received packet: trailing losses are reported once something after them arrives.
    n = lastReceived + 1;
    let o = offset + 20;
    let i = 0;
    while (i < n) {
      const symbol = symbols[i]!;
      let run = 1;
      while (i + run < n && symbols[i + run] === symbol && run < 0x1fff) run++;
      let oneBit = true;
      for (let k = i; k < i + 14 && k < n; k++) {
        if (symbols[k]! > SMALL_DELTA) {
          oneBit = false;
          break;
        }
      }
      if (run >= 14 || (run >= 7 && !oneBit)) {
        writeU16(out, o, (symbol << 13) | run); // run length chunk: T=0, S(2), length(13)
        i += run;
      } else if (oneBit) {
        let chunk = 0x8000; // status vector chunk, T=1, S=0: fourteen 1-bit symbols
        for (let k = 0; k < 14; k++) if (i + k < n && symbols[i + k] === SMALL_DELTA) chunk |= 1 << (13 - k);
        writeU16(out, o, chunk);
        i += 14;
      } else {
        let chunk = 0xc000; // status vector chunk, T=1, S=1: seven 2-bit symbols
        for (let k = 0; k < 7; k++) if (i + k < n) chunk |= symbols[i + k]! << (12 - 2 * k);
        writeU16(out, o, chunk);
        i += 7;
      }
      o += 2;
    }
    for (let k = 0; k < n; k++) {
      if (symbols[k] === SMALL_DELTA) out[o++] = deltas[k]!;
      else if (symbols[k] === LARGE_DELTA) {
        writeU16(out, o, deltas[k]! & 0xffff);
        o += 2;
      }
    }
    // RTCP padding (RFC 3550): zeros, the last byte counting them, and the P bit.
    const padding = (4 - ((o - offset) % 4)) % 4;
    for (let k = 1; k < padding; k++) out[o++] = 0;
    if (padding > 0) out[o++] = padding;
    const size = o - offset;
    out[offset] = 0x80 | (padding > 0 ? 0x20 : 0) | TRANSPORT_CC_FMT;
    out[offset + 1] = RTCP_RTPFB;
    writeU16(out, offset + 2, size / 4 - 1);
    writeU32(out, offset + 4, senderSsrc);
    writeU32(out, offset + 8, mediaSsrc);
    writeU16(out, offset + 12, baseSeq & 0xffff);
    writeU16(out, offset + 14, n);
    out[offset + 16] = (reference >>> 16) & 0xff;
    out[offset + 17] = (reference >>> 8) & 0xff;
    out[offset + 18] = reference & 0xff;
    out[offset + 19] = feedbackCount & 0xff;
    result.bytes = size;
    result.covered = n;
  }
}

/** Receives each reported packet: its sequence number and arrival time in ms (remote clock), or -1 if lost. */
export interface TransportCcSink {
  onFeedbackPacket(seq: number, arrivalMs: number): void;
}

/**
 * Statuses read from one feedback at most. The count field allows 65535, and run-length chunks of
 * "not received" cost no delta bytes, so one 1.2 KB packet could claim 65535 statuses (a callback
 * each: ~100 µs of worker CPU, 3 ms for a compound of 30) — an amplification any subscriber could
 * drive. 2048 is the sender's whole memory of sent packets (TransportCcEstimator's ring); Chrome
 * reports every 50-250 ms, i.e. at most a few hundred per feedback even at 20 Mbps.
 */
export const MAX_TRANSPORT_CC_STATUSES = 2048;

/** The packet status count a feedback at `offset` claims, capped as the parser caps it. */
export function transportCcStatusCount(buf: Uint8Array, offset: number): number {
  const count = readU16(buf, offset + 14);
  return count > MAX_TRANSPORT_CC_STATUSES ? MAX_TRANSPORT_CC_STATUSES : count;
}

/**
 * Parses one RTPFB FMT=15 packet whose header starts at `offset` and whose (unpadded) end is `end`.
 * Reported arrival times are on the receiver's clock, from its 24-bit reference time. Returns false
 * when the packet is malformed (callbacks may have run for the part before the error). At most
 * `maxStatuses` statuses are reported (the rest are ignored, the packet still counts as valid).
 */
export function parseTransportCcFeedback(
  buf: Uint8Array, offset: number, end: number, sink: TransportCcSink, maxStatuses = MAX_TRANSPORT_CC_STATUSES,
): boolean {
  if (offset < 0 || end - offset < 20 || end > buf.length) return false;
  const baseSeq = readU16(buf, offset + 12);
  const claimed = readU16(buf, offset + 14);
  const count = claimed > maxStatuses ? maxStatuses : claimed;
  let reference = (buf[offset + 16]! << 16) | (buf[offset + 17]! << 8) | buf[offset + 18]!;
  if (reference & 0x800000) reference -= 0x1000000;
  // First pass: find where the deltas begin by walking the chunks (all of them: bounded by the
  // packet's length, two bytes each).
  let o = offset + 20;
  let seen = 0;
  while (seen < claimed) {
    if (o + 2 > end) return false;
    const chunk = readU16(buf, o);
    o += 2;
    seen += chunk & 0x8000 ? (chunk & 0x4000 ? 7 : 14) : chunk & 0x1fff;
  }
  let deltaOffset = o;
  let ticks = reference * TICKS_PER_REFERENCE;
  o = offset + 20;
  let index = 0;
  while (index < count) {
    const chunk = readU16(buf, o);
    o += 2;
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >> 13) & 0x3;
      const run = chunk & 0x1fff;
      for (let k = 0; k < run && index < count; k++, index++) {
        deltaOffset = emit(buf, deltaOffset, end, symbol, (baseSeq + index) & 0xffff, sink, ticks);
        if (deltaOffset < 0) return false;
        ticks = lastTicks;
      }
    } else if ((chunk & 0x4000) === 0) {
      for (let k = 0; k < 14 && index < count; k++, index++) {
        deltaOffset = emit(buf, deltaOffset, end, (chunk >> (13 - k)) & 0x1, (baseSeq + index) & 0xffff, sink, ticks);
        if (deltaOffset < 0) return false;
        ticks = lastTicks;
      }
    } else {
      for (let k = 0; k < 7 && index < count; k++, index++) {
        deltaOffset = emit(buf, deltaOffset, end, (chunk >> (12 - 2 * k)) & 0x3, (baseSeq + index) & 0xffff, sink, ticks);
        if (deltaOffset < 0) return false;
        ticks = lastTicks;
      }
    }
  }
  return true;
}

// emit()'s running clock, in a module slot so no object is returned per packet.
let lastTicks = 0;

function emit(buf: Uint8Array, o: number, end: number, symbol: number, seq: number, sink: TransportCcSink, ticks: number): number {
  lastTicks = ticks;
  if (symbol === NOT_RECEIVED) {
    sink.onFeedbackPacket(seq, -1);
    return o;
  }
  if (symbol === SMALL_DELTA) {
    if (o + 1 > end) return -1;
    lastTicks = ticks + buf[o]!;
    sink.onFeedbackPacket(seq, lastTicks / TICKS_PER_MS);
    return o + 1;
  }
  if (symbol === LARGE_DELTA) {
    if (o + 2 > end) return -1;
    lastTicks = ticks + ((readU16(buf, o) << 16) >> 16);
    sink.onFeedbackPacket(seq, lastTicks / TICKS_PER_MS);
    return o + 2;
  }
  return -1;
}

/** The media SSRC field of an RTCP feedback packet at `offset` (for routing feedback). */
export function feedbackMediaSsrc(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset + 8);
}
