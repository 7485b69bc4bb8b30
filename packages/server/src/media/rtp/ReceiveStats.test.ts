import { describe, it, expect } from 'vitest';
import { ReceiveStats } from './ReceiveStats.js';
import { ReportBlock } from './rtcp.js';

describe('ReceiveStats', () => {
  it('fillReportBlock before any packet returns false', () => {
    expect(new ReceiveStats(90000).fillReportBlock(new ReportBlock(), 0)).toBe(false);
  });

  it('fillReportBlock after a gap of 2 in 10 expected reports fraction 51/256 and cumulative 2', () => {
    const s = new ReceiveStats(90000, 0x1234);
    for (let seq = 100; seq < 110; seq++) if (seq !== 103 && seq !== 104) s.onPacket(seq, seq * 3000, seq * 33, 1000);
    const b = new ReportBlock();
    expect(s.fillReportBlock(b, 5000)).toBe(true);
    expect(b.ssrc).toBe(0x1234);
    expect(b.highestSeq).toBe(109);
    expect(b.cumulativeLost).toBe(2);
    expect(b.fractionLost).toBe(Math.floor((2 * 256) / 10));
    expect(s.packetsReceived).toBe(8);
    expect(s.bytesReceived).toBe(8000);
  });

  it('fillReportBlock twice measures fraction lost per interval, cumulative across them', () => {
    const s = new ReceiveStats(48000);
    for (let seq = 0; seq < 10; seq++) if (seq !== 5) s.onPacket(seq, seq * 960, seq * 20, 100);
    const b = new ReportBlock();
    s.fillReportBlock(b, 0);
    expect(b.fractionLost).toBe(25);
    for (let seq = 10; seq < 20; seq++) s.onPacket(seq, seq * 960, seq * 20, 100);
    s.fillReportBlock(b, 0);
    expect(b.fractionLost).toBe(0);
    expect(b.cumulativeLost).toBe(1);
  });

  it('fillReportBlock after a late retransmission fills the gap and reports fraction 0', () => {
    const s = new ReceiveStats(90000);
    for (const seq of [1, 2, 4, 5, 3]) s.onPacket(seq, 0, 0, 0);
    const b = new ReportBlock();
    s.fillReportBlock(b, 0);
    expect(b.cumulativeLost).toBe(0);
    expect(b.fractionLost).toBe(0);
    expect(b.highestSeq).toBe(5);
  });

  it('onPacket across the 65535 -> 0 wrap gives highestSeq with cycle count 1', () => {
    const s = new ReceiveStats(90000);
    for (const seq of [65533, 65534, 65535, 0, 2]) s.onPacket(seq, 0, 0, 0);
    const b = new ReportBlock();
    s.fillReportBlock(b, 0);
    expect(b.highestSeq).toBe((1 << 16) | 2);
    expect(b.cumulativeLost).toBe(1);
  });

  it('onPacket with perfectly paced packets keeps jitter at 0', () => {
    const s = new ReceiveStats(90000);
    for (let i = 0; i < 50; i++) s.onPacket(i, 1000 + i * 3000, i * (1000 / 30), 0);
    expect(s.jitter).toBeCloseTo(0, 9);
  });

  it('onPacket with alternating 10 ms early/late arrivals converges jitter to 1800 units (20 ms) at 90 kHz', () => {
    const s = new ReceiveStats(90000);
    // Every transit difference is |±20 ms| = 1800 units; J converges to 1800 via J += (|D| - J) / 16.
    for (let i = 0; i < 400; i++) s.onPacket(i, i * 3000, i * (100 / 3) + (i % 2 === 0 ? 10 : -10), 0);
    expect(s.jitter).toBeCloseTo(1800, 0);
    const b = new ReportBlock();
    s.fillReportBlock(b, 0);
    expect(b.jitter).toBe(Math.floor(s.jitter));
  });

  it('onPacket applies one A.8 jitter step per new timestamp, matching a hand computation', () => {
    const s = new ReceiveStats(1000); // 1 unit = 1 ms
    s.onPacket(0, 0, 0, 0);
    s.onPacket(1, 10, 15, 0); // D = 15 - 10 = 5 -> J = 5/16
    expect(s.jitter).toBeCloseTo(5 / 16, 12);
    s.onPacket(2, 20, 22, 0); // D = 7 - 10 = -3 -> J += (3 - J)/16
    expect(s.jitter).toBeCloseTo(5 / 16 + (3 - 5 / 16) / 16, 12);
  });

  it('onPacket with packets sharing one timestamp (one video frame) does not add jitter', () => {
    const s = new ReceiveStats(90000);
    for (let i = 0; i < 10; i++) s.onPacket(i, 5000, i * 2, 1200);
    expect(s.jitter).toBe(0);
  });

  it('onPacket with the RTP timestamp wrapping past 2^32 computes jitter as if it did not wrap', () => {
    const s = new ReceiveStats(90000);
    const base = 0xffffffff - 4000;
    for (let i = 0; i < 10; i++) s.onPacket(i, (base + i * 3000) >>> 0, i * (100 / 3), 0);
    expect(s.jitter).toBeCloseTo(0, 6);
  });

  it('fillReportBlock after onSenderReport gives LSR = middle NTP bits and DLSR in 1/65536 s', () => {
    const s = new ReceiveStats(90000);
    s.onPacket(1, 0, 0, 0);
    s.onSenderReport(0x12345678, 0x9abcdef0, 1000);
    const b = new ReportBlock();
    s.fillReportBlock(b, 1500);
    expect(b.lsr).toBe(0x56789abc);
    expect(b.dlsr).toBe(32768);
  });

  it('fillReportBlock without a sender report gives LSR and DLSR 0', () => {
    const s = new ReceiveStats(90000);
    s.onPacket(1, 0, 0, 0);
    const b = new ReportBlock();
    b.lsr = 5;
    b.dlsr = 5;
    s.fillReportBlock(b, 1500);
    expect(b.lsr).toBe(0);
    expect(b.dlsr).toBe(0);
  });
});
