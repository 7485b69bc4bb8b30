import { describe, it, expect } from 'vitest';
import { ReceiveStats } from './ReceiveStats.js';
import { ReportBlock, parseRtcp, writeReceiverReport, writeSenderReport } from './rtcp.js';
import { ntpFraction, ntpMiddle32, ntpSeconds, rttFromReport } from './ntp.js';

describe('quality statistics from crafted RTP and RTCP', () => {
  it('ReceiveStats on 100 sent with 5 lost then 2 retransmitted: expected 100, received 97, late 2 (network loss 5 %)', () => {
    const s = new ReceiveStats(90000);
    const lost = new Set([10, 30, 50, 70, 90]);
    for (let seq = 0; seq < 100; seq++) if (!lost.has(seq)) s.onPacket(seq, seq * 3000, seq * 33.3333, 1200);
    s.onPacket(10, 30000, 3400, 1200);
    s.onPacket(30, 90000, 3500, 1200);
    expect(s.packetsExpected).toBe(100);
    expect(s.packetsReceived).toBe(97);
    expect(s.packetsLate).toBe(2);
    const networkLoss = (s.packetsExpected - (s.packetsReceived - s.packetsLate)) / s.packetsExpected;
    expect(networkLoss).toBeCloseTo(0.05, 5);
    expect(s.cumulativeLost).toBe(3);
  });

  it('ReceiveStats across a sequence wrap counts expected packets continuously', () => {
    const s = new ReceiveStats(48000);
    for (let i = 0; i < 20; i++) s.onPacket((65530 + i) & 0xffff, i * 960, i * 20, 100);
    expect(s.packetsExpected).toBe(20);
    expect(s.packetsLate).toBe(0);
  });

  it('interarrival jitter of packets arriving every 20 ms alternately 10 ms early and late converges near RFC 3550 value', () => {
    const s = new ReceiveStats(48000);
    // |D| is 20 ms (960 ticks) between every pair: J -> 960 ticks = 20 ms.
    for (let i = 0; i < 400; i++) s.onPacket(i, i * 960, i * 20 + (i % 2 === 0 ? -10 : 10), 100);
    expect((s.jitter * 1000) / 48000).toBeGreaterThan(19);
    expect((s.jitter * 1000) / 48000).toBeLessThan(20.01);
  });

  it('rttFromReport: a block answering our SR 50 ms after it left, held 30 ms by the receiver, gives 20 ms', () => {
    const sentAt = 1_765_000_000_123.5;
    const lsr = ntpMiddle32(sentAt);
    const dlsr = Math.round((30 * 65536) / 1000);
    expect(rttFromReport(sentAt + 50, lsr, dlsr)).toBeCloseTo(20, 0);
  });

  it('rttFromReport without LSR, or with a block from the future or a minute old, is -1', () => {
    const now = 1_765_000_000_000;
    expect(rttFromReport(now, 0, 0)).toBe(-1);
    expect(rttFromReport(now, ntpMiddle32(now + 5000), 0)).toBe(-1);
    expect(rttFromReport(now, ntpMiddle32(now - 120_000), 0)).toBe(-1);
  });

  it('an SR we write and the RR a receiver answers it with round-trip through the RTCP parser', () => {
    const wall = 1_765_000_000_000;
    const buf = new Uint8Array(200);
    const srLength = writeSenderReport(buf, 0, 0xabc, ntpSeconds(wall), ntpFraction(wall), 1234, 10, 1000);
    let lsr = 0;
    parseRtcp(buf, srLength, { onSenderReport: (_ssrc, msw, lswWord) => { lsr = (((msw & 0xffff) << 16) | (lswWord >>> 16)) >>> 0; } });
    expect(lsr).toBe(ntpMiddle32(wall));
    const block = new ReportBlock();
    block.ssrc = 0xabc;
    block.fractionLost = 13; // 13/256 ~ 5 %
    block.cumulativeLost = 7;
    block.jitter = 900; // 10 ms at 90 kHz
    block.lsr = lsr;
    block.dlsr = Math.round((100 * 65536) / 1000);
    const rrLength = writeReceiverReport(buf, 0, 0x1, [block], 1);
    const seen: number[] = [];
    parseRtcp(buf, rrLength, {
      onReceiverReportBlock: (_r, ssrc, fl, cl, _h, jitter, l, d) => seen.push(ssrc, fl, cl, jitter, rttFromReport(wall + 180, l, d)),
    });
    expect(seen.slice(0, 4)).toEqual([0xabc, 13, 7, 900]);
    expect(seen[4]).toBeCloseTo(80, 0);
  });
});
