import { describe, expect, it } from 'vitest';
import { SubscriberBandwidth } from './SubscriberBandwidth.js';

describe('SubscriberBandwidth', () => {
  it('one lossy report (a burst) does not lower the estimate; two in a row do', () => {
    const bw = new SubscriberBandwidth();
    const start = bw.estimate;
    bw.onLossReport(0.6, 1_700_000, 0);
    expect(bw.estimate).toBeGreaterThanOrEqual(start);
    bw.onLossReport(0.5, 1_700_000, 1000);
    expect(bw.estimate).toBeLessThan(1_700_000);
  });

  it('sustained loss on a capped link drives the estimate down toward what gets through', () => {
    const bw = new SubscriberBandwidth();
    let send = 1_700_000;
    for (let i = 0; i < 6; i++) {
      const loss = Math.max(0, 1 - 400_000 / send);
      bw.onLossReport(loss, send, i * 1000);
      send = Math.min(1_700_000, bw.estimate);
    }
    expect(bw.estimate).toBeLessThan(450_000);
    expect(bw.estimate).toBeGreaterThanOrEqual(150_000);
  });

  it('clean reports grow the estimate again: cautiously right after loss, then faster', () => {
    const bw = new SubscriberBandwidth();
    bw.onLossReport(0.5, 400_000, 0);
    bw.onLossReport(0.5, 400_000, 1000);
    const low = bw.estimate;
    bw.onLossReport(0, low, 2000);
    const cautious = bw.estimate / low;
    for (let t = 3000; t <= 20_000; t += 1000) bw.onLossReport(0, bw.estimate, t);
    expect(cautious).toBeLessThan(1.05);
    expect(bw.estimate).toBeGreaterThan(1_700_000);
  });

  it('REMB lowers the estimate only together with loss', () => {
    const bw = new SubscriberBandwidth();
    bw.onRemb(300_000, 0);
    bw.onLossReport(0, 2_000_000, 0);
    expect(bw.estimate).toBeGreaterThan(2_000_000);
    bw.onLossReport(0.3, 2_000_000, 500);
    bw.onLossReport(0.3, 2_000_000, 1000);
    expect(bw.estimate).toBe(300_000);
  });
});
