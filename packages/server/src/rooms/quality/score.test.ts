import { describe, it, expect } from 'vitest';
import { audioMos, audioRFactor, videoMos } from './score.js';

describe('quality score', () => {
  it('audio on a clean link (RTT 20 ms, jitter 2 ms, no loss) scores about 4.4, the E-model ceiling', () => {
    expect(audioMos({ lossPct: 0, rttMs: 20, jitterMs: 2 })).toBeGreaterThanOrEqual(4.35);
    expect(audioMos({ lossPct: 0, rttMs: 20, jitterMs: 2 })).toBeLessThanOrEqual(4.45);
  });

  it('audio R factor follows the simplified E-model: Le = RTT/2 + 2 jitter + 10, R = 93.2 - Le/40 - 2.5 loss', () => {
    // Le = 50 + 20 + 10 = 80 -> R = 93.2 - 2 - 12.5
    expect(audioRFactor({ lossPct: 5, rttMs: 100, jitterMs: 10 })).toBeCloseTo(78.7, 5);
    // Le = 200 + 10 + 10 = 220 >= 160 -> (220 - 120) / 10 = 10
    expect(audioRFactor({ lossPct: 0, rttMs: 400, jitterMs: 5 })).toBeCloseTo(83.2, 5);
  });

  it('audio with 5 % loss scores lower than clean, and 40 % loss bottoms out at 1', () => {
    const clean = audioMos({ lossPct: 0, rttMs: 30, jitterMs: 3 });
    const lossy = audioMos({ lossPct: 5, rttMs: 30, jitterMs: 3 });
    expect(lossy).toBeLessThan(clean);
    expect(lossy).toBeGreaterThan(3.5);
    expect(audioMos({ lossPct: 40, rttMs: 30, jitterMs: 3 })).toBe(1);
  });

  it('audio with nonsense inputs (negative, above 100 %) stays within 1..5', () => {
    expect(audioMos({ lossPct: -3, rttMs: -10, jitterMs: -1 })).toBeLessThanOrEqual(5);
    expect(audioMos({ lossPct: 250, rttMs: 1e9, jitterMs: 1e9 })).toBe(1);
  });

  it('video: clean at target bitrate is 5; 5 % loss is about 3.7; 15 % loss or more is 1', () => {
    expect(videoMos({ lossPct: 0, rttMs: 10, jitterMs: 1, bitrateBps: 600_000 })).toBe(5);
    expect(videoMos({ lossPct: 5, rttMs: 10, jitterMs: 1, bitrateBps: 600_000 })).toBeCloseTo(3.67, 2);
    expect(videoMos({ lossPct: 15, rttMs: 10, jitterMs: 1, bitrateBps: 600_000 })).toBe(1);
  });

  it('video: a starved bitrate, a low frame rate and a long delay each lower the score', () => {
    const base = videoMos({ lossPct: 0, bitrateBps: 500_000 });
    expect(videoMos({ lossPct: 0, bitrateBps: 50_000 })).toBeLessThan(base);
    expect(videoMos({ lossPct: 0, bitrateBps: 500_000, framesPerSecond: 8 })).toBeLessThan(base);
    expect(videoMos({ lossPct: 0, bitrateBps: 500_000, rttMs: 800 })).toBeLessThan(base);
  });
});
