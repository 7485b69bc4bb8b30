import { describe, expect, it } from 'vitest';
import { PacketHistory } from './PacketHistory.js';
import { NackGenerator, PacketArrival } from './NackGenerator.js';
import { buildRtx } from './rtx.js';
import { RtpView, parseRtp } from './rtpPacket.js';
import { writeAbsSendTime } from './absSendTime.js';
import { buildRtp } from './testPackets.js';

describe('PacketHistory', () => {
  it('copyTo returns a stored packet byte for byte, and 0 once it is overwritten or too old', () => {
    const history = new PacketHistory(4, 1000);
    const packet = buildRtp({ sequenceNumber: 10, payload: [9, 8, 7] });
    history.store(10, packet, packet.length, 0);
    const out = new Uint8Array(1500);
    expect(history.copyTo(10, 500, out, 0)).toBe(packet.length);
    expect([...out.subarray(0, packet.length)]).toEqual([...packet]);
    expect(history.copyTo(10, 1500, out, 0)).toBe(0);
    history.store(14, packet, packet.length, 0); // same slot (capacity 4)
    expect(history.copyTo(10, 100, out, 0)).toBe(0);
    expect(history.copyTo(11, 100, out, 0)).toBe(0);
  });
});

describe('NackGenerator', () => {
  it('onPacket after a gap reports GAP, collect NACKs each missing packet, a late arrival is LATE and recovered', () => {
    const nack = new NackGenerator();
    expect(nack.onPacket(100, 0)).toBe(PacketArrival.IN_ORDER);
    expect(nack.onPacket(104, 0)).toBe(PacketArrival.GAP);
    const asked: number[] = [];
    nack.collect(0, (s) => asked.push(s));
    expect(asked).toEqual([101, 102, 103]);
    expect(nack.onPacket(102, 10)).toBe(PacketArrival.LATE);
    expect(nack.recovered).toBe(1);
    const again: number[] = [];
    nack.collect(20, (s) => again.push(s));
    expect(again).toEqual([]); // retried only after the retry interval
    nack.collect(100, (s) => again.push(s));
    expect(again).toEqual([101, 103]);
  });

  it('gives up on a packet after its deadline, and treats a huge jump as a reset, not loss', () => {
    const nack = new NackGenerator();
    nack.onPacket(1, 0);
    nack.onPacket(3, 0);
    const asked: number[] = [];
    nack.collect(5000, (s) => asked.push(s));
    expect(asked).toEqual([]);
    expect(nack.hasMissing).toBe(false);
    nack.onPacket(30000, 0);
    expect(nack.hasMissing).toBe(false);
  });

  it('wraps from 65535 to 0 without inventing a gap', () => {
    const nack = new NackGenerator();
    nack.onPacket(65534, 0);
    nack.onPacket(65535, 0);
    expect(nack.onPacket(0, 0)).toBe(PacketArrival.IN_ORDER);
    expect(nack.hasMissing).toBe(false);
  });
});

describe('buildRtx', () => {
  it('puts the OSN before the payload, keeps the header and drops padding', () => {
    const src = buildRtp({ sequenceNumber: 500, payload: [1, 2, 3, 4], padding: 4, extensions: [{ id: 2, data: [0, 0, 0] }] });
    const view = new RtpView();
    expect(parseRtp(src, src.length, view)).toBe(true);
    const dst = new Uint8Array(1500);
    const length = buildRtx(dst, src, view, 0x1234);
    expect(length).toBe(view.payloadOffset + 2 + 4);
    expect(dst[0]! & 0x20).toBe(0);
    expect([dst[view.payloadOffset], dst[view.payloadOffset + 1]]).toEqual([0x12, 0x34]);
    expect([...dst.subarray(view.payloadOffset + 2, length)]).toEqual([1, 2, 3, 4]);
    const rtx = new RtpView();
    expect(parseRtp(dst, length, rtx)).toBe(true);
    expect(rtx.payloadLength).toBe(6);
  });

  it('returns 0 when the destination is too small', () => {
    const src = buildRtp({ payload: new Array(100).fill(1) });
    const view = new RtpView();
    parseRtp(src, src.length, view);
    expect(buildRtx(new Uint8Array(50), src, view, 1)).toBe(0);
  });
});

describe('writeAbsSendTime', () => {
  it('writes 6.18 fixed-point seconds modulo 64 s', () => {
    const buf = new Uint8Array(3);
    writeAbsSendTime(buf, 0, 1000); // 1 s = 1 << 18
    expect([...buf]).toEqual([0x04, 0x00, 0x00]);
    writeAbsSendTime(buf, 0, 64_000 + 500); // wraps at 64 s
    expect([...buf]).toEqual([0x02, 0x00, 0x00]);
  });
});

describe('NackGenerator under a publisher skipping numbers on purpose', () => {
  it('a jump of 150 on every packet for a second: missing entries stay bounded and NACKs stay within the budget', () => {
    const nack = new NackGenerator();
    let emitted = 0;
    let seq = 0;
    let maxMissing = 0;
    for (let i = 0; i < 1000; i++) {
      seq = (seq + 150) & 0xffff;
      nack.onPacket(seq, 1000 + i);
      nack.collect(1000 + i, () => emitted++);
      maxMissing = Math.max(maxMissing, (nack as unknown as { missing: Map<number, unknown> }).missing.size);
    }
    // Unbounded this held up to ~18,000 entries, walked on every packet, and NACKed each of them.
    expect(maxMissing).toBeLessThanOrEqual(500);
    expect(emitted).toBeLessThanOrEqual(100 + 500 + 1);
    expect(emitted).toBeGreaterThan(0);
  });
});
