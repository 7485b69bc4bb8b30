import { describe, it, expect } from 'vitest';
import type { ProducerQuality, SubscriberSlotQuality } from '../../media/types.js';
import { mergeFigures, recvFigures, scoreSample, sendFigures } from './sampleMath.js';

const producer = (expected: number, received: number, late: number, bytes: number): ProducerQuality => ({
  producerId: 'p', kind: 'video', packetsExpected: expected, packetsReceived: received, packetsLate: late, bytesReceived: bytes, jitterMs: 3.456,
});
const slot = (sent: number, bytes: number, fractionLost: number, rttMs = 25): SubscriberSlotQuality => ({
  kind: 'video', consumerId: 'c', packetsSent: sent, bytesSent: bytes, reports: 3, fractionLost, jitterMs: 7, rttMs,
});

describe('sample math', () => {
  it('sendFigures over 5 s: 1000 expected, 950 fresh + 30 retransmitted arrived -> 5 % loss, bitrate from bytes', () => {
    const f = sendFigures(producer(2000, 1980, 30, 1_250_000), producer(1000, 1000, 0, 0), 5, 12.5);
    expect(f).toEqual({ lossPct: 5, jitterMs: 3.46, bitrateBps: 2_000_000, rttMs: 12.5 });
  });

  it('sendFigures with nothing expected (paused stream) is null; with counters gone backwards counts from zero', () => {
    expect(sendFigures(producer(100, 100, 0, 1000), producer(100, 100, 0, 1000), 5, null)).toBeNull();
    const restarted = sendFigures(producer(100, 90, 0, 10_000), producer(5000, 5000, 0, 1e6), 5, null);
    expect(restarted).toMatchObject({ lossPct: 10, bitrateBps: 16_000, rttMs: null });
  });

  it('recvFigures: the report\'s fraction as percent, bytes sent as bitrate; no packets sent -> null; no RTT yet -> null', () => {
    expect(recvFigures(slot(600, 600_000, 0.02), slot(100, 100_000, 0), 5)).toEqual({ lossPct: 2, jitterMs: 7, bitrateBps: 800_000, rttMs: 25 });
    expect(recvFigures(slot(100, 1, 0), slot(100, 1, 0), 5)).toBeNull();
    expect(recvFigures(slot(200, 1000, 0, -1), undefined, 5)?.rttMs).toBeNull();
  });

  it('mergeFigures averages loss, jitter, RTT (known ones) and sums bitrates', () => {
    expect(mergeFigures([])).toBeNull();
    expect(mergeFigures([
      { lossPct: 2, jitterMs: 4, bitrateBps: 100, rttMs: 10 },
      { lossPct: 4, jitterMs: 6, bitrateBps: 300, rttMs: null },
    ])).toEqual({ lossPct: 3, jitterMs: 5, bitrateBps: 400, rttMs: 10 });
  });

  it('scoreSample takes the worse direction per medium, and null for a medium that did not flow', () => {
    const good = { lossPct: 0, jitterMs: 2, bitrateBps: 600_000, rttMs: 20 };
    const bad = { ...good, lossPct: 8 };
    const s = scoreSample({ video: bad, audio: good }, { video: good });
    expect(s.videoScore).toBeLessThan(scoreSample({ video: good }, { video: good }).videoScore!);
    expect(s.audioScore).toBeGreaterThan(4.3);
    expect(scoreSample({}, {})).toEqual({ audioScore: null, videoScore: null });
  });

  it('scoreSample leaves the received bitrate out (a small tile gets a small layer), but not the sent one', () => {
    const low = { lossPct: 0, jitterMs: 2, bitrateBps: 50_000, rttMs: 20 };
    expect(scoreSample({}, { video: low }).videoScore).toBe(5);
    expect(scoreSample({ video: low }, {}).videoScore).toBeLessThan(5);
  });
});
