import { describe, expect, it } from 'vitest';
import { FeedbackResult, TransportCcWriter, parseTransportCcFeedback } from './transportCc.js';
import { parseRtcp } from './rtcp.js';

/** Writes feedback for `arrivals` (negative = lost) and parses it back through parseRtcp. */
function roundTrip(baseSeq: number, arrivals: number[], outSize = 1200) {
  const out = new Uint8Array(outSize);
  const result = new FeedbackResult();
  new TransportCcWriter().write(out, 0, 0x1111, 0x2222, baseSeq, arrivals, arrivals.length, 7, result);
  const reported: Array<[number, number]> = [];
  let sender = 0;
  const ok = parseRtcp(out, result.bytes, {
    onTransportCc(senderSsrc, buf, offset, end) {
      sender = senderSsrc;
      expect(parseTransportCcFeedback(buf, offset, end, { onFeedbackPacket: (seq, ms) => reported.push([seq, ms]) })).toBe(true);
    },
  });
  return { ok, result, reported, sender, bytes: out.subarray(0, result.bytes) };
}

describe('transport-cc feedback', () => {
  it('write of three received packets produces the draft layout: header, one chunk, 1-byte deltas, padding', () => {
    // Arrivals 64 ms (exactly the reference), +1 ms, +2.5 ms.
    const { bytes, result } = roundTrip(100, [64, 65, 67.5]);
    expect(result.covered).toBe(3);
    expect([...bytes]).toEqual([
      0xa0 | 15, 205, 0, 6, // V=2, P=1, FMT=15, PT=205, length 6 words
      0, 0, 0x11, 0x11, 0, 0, 0x22, 0x22, // sender and media SSRC
      0, 100, 0, 3, // base seq, status count
      0, 0, 1, 7, // reference time 1 (x64 ms), feedback count 7
      0xb8, 0x00, // 1-bit status vector chunk: received x3
      0, 4, 10, // receive deltas in 250 µs ticks
      0, 0, 3, // padding, its last byte counting it
    ]);
  });

  it('round-trips losses, reordering (negative delta), long gaps and sequence wrap', () => {
    const arrivals: number[] = [];
    for (let i = 0; i < 60; i++) arrivals.push(i % 9 === 4 ? -1 : 1000 + i * 2.5);
    arrivals[20] = 1030; // arrived earlier than its predecessor: a large (negative) delta
    arrivals[30] = 1300; // a 100+ ms stall: large delta
    for (let i = 40; i < 58; i++) arrivals[i] = -1; // a run of losses (run-length chunk)
    const { ok, reported, sender, result } = roundTrip(65530, arrivals);
    expect(ok).toBe(true);
    expect(sender).toBe(0x1111);
    expect(result.covered).toBe(60);
    expect(reported.map(([seq]) => seq)).toEqual(arrivals.map((_, i) => (65530 + i) & 0xffff));
    // Arrival times come back on the remote clock, to the 250 µs tick.
    for (let i = 0; i < 60; i++) {
      if (arrivals[i]! < 0) expect(reported[i]![1]).toBe(-1);
      else expect(reported[i]![1]).toBeCloseTo(arrivals[i]!, 5);
    }
  });

  it('leading losses are reported, trailing losses wait for the next feedback', () => {
    const { reported, result } = roundTrip(10, [-1, -1, 500, 501, -1, -1]);
    expect(result.covered).toBe(4);
    expect(reported).toEqual([[10, -1], [11, -1], [12, 500], [13, 501]]);
  });

  it('stops before a delta the format cannot carry (over 8 s) and covers only what came before', () => {
    const { reported, result } = roundTrip(1, [100, 101, 9000, 9001]);
    expect(result.covered).toBe(2);
    expect(reported.length).toBe(2);
  });

  it('covers only what fits the buffer; an all-lost head that does not fit is to be skipped', () => {
    const many = Array.from({ length: 400 }, (_, i) => 100 + i);
    expect(roundTrip(0, many, 200).result.covered).toBe(45);
    const lostHead = [...Array.from({ length: 50 }, () => -1), 100];
    const { result } = roundTrip(0, lostHead, 200);
    expect(result.bytes).toBe(0);
    expect(result.covered).toBe(45);
  });

  it('parseTransportCcFeedback rejects truncated packets', () => {
    const { bytes } = roundTrip(5, [100, 200, 300]);
    const cut = bytes.subarray(0, 21);
    expect(parseTransportCcFeedback(cut, 0, cut.length, { onFeedbackPacket: () => {} })).toBe(false);
  });

});
