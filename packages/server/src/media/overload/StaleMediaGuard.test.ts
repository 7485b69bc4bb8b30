// The shedding policy with synthetic timestamps: what a backlog looks like (packets processed late
// and in a burst) against what jitter looks like, for video (whole frames, resume at a keyframe) and
// audio (kept much longer, shed packet by packet).
import { describe, expect, it } from 'vitest';
import { StaleMediaGuard, Verdict } from './StaleMediaGuard.js';

const limits = { maxVideoLatenessMs: 400, maxAudioLatenessMs: 1000 };

/** A 30 fps video stream, 3 packets per frame, keyframe every `gop` frames; `delayOf(frame)` is the queueing delay. */
function runVideo(guard: StaleMediaGuard, frames: number, delayOf: (frame: number) => number, gop = 60, from = 0) {
  const verdicts: Array<{ frame: number; packet: number; verdict: Verdict }> = [];
  for (let f = from; f < from + frames; f++) {
    for (let p = 0; p < 3; p++) {
      const sentMs = f * 33.333 + p * 2;
      const ts = (1_000_000 + f * 3000) >>> 0;
      const verdict = guard.judge(ts, 5000 + sentMs + delayOf(f), p === 0, p === 0 && f % gop === 0);
      verdicts.push({ frame: f, packet: p, verdict });
    }
  }
  return verdicts;
}

describe('StaleMediaGuard (video)', () => {
  it('forwards everything under jitter below the limit', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    const v = runVideo(guard, 600, (f) => (f % 7) * 30); // up to 180 ms jitter
    expect(v.every((x) => x.verdict === Verdict.FORWARD)).toBe(true);
    expect(guard.shed).toBe(0);
  });

  it('sheds whole frames while a backlog is over the limit and resumes at a keyframe once it is gone', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    // Frames 100..160: the thread falls behind by 20 ms per frame (up to 1.2 s), then catches up at once.
    const delay = (f: number) => (f >= 100 && f < 160 ? (f - 100) * 20 : 0);
    const v = runVideo(guard, 300, delay);
    const dropped = v.filter((x) => x.verdict === Verdict.DROP);
    expect(dropped.length).toBeGreaterThan(0);
    expect(guard.shed).toBe(dropped.length);
    // Whole frames only: a frame is either fully forwarded or fully dropped.
    const byFrame = new Map<number, Set<Verdict>>();
    for (const x of v) byFrame.set(x.frame, (byFrame.get(x.frame) ?? new Set()).add(x.verdict === Verdict.RESUME ? Verdict.FORWARD : x.verdict));
    for (const [frame, set] of byFrame) expect(set.size, `frame ${frame}`).toBe(1);
    // Shedding starts once lateness passes 400 ms (frame 120+) and nothing before.
    const firstDrop = dropped[0]!.frame;
    expect(firstDrop).toBeGreaterThan(120);
    expect(firstDrop).toBeLessThan(125);
    // It resumes exactly at the next keyframe after the backlog (frame 180), with RESUME.
    const resume = v.find((x) => x.verdict === Verdict.RESUME)!;
    expect(resume.frame).toBe(180);
    expect(resume.packet).toBe(0);
    expect(v.filter((x) => x.frame > 180).every((x) => x.verdict === Verdict.FORWARD)).toBe(true);
    expect(v.filter((x) => x.frame >= 160 && x.frame < 180).every((x) => x.verdict === Verdict.DROP)).toBe(true);
  });

  it('finishes the frame in progress when the limit is crossed mid-frame', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    runVideo(guard, 30, () => 0);
    // Frame 30: its first packet on time, the next two stuck behind a 600 ms stall.
    expect(guard.judge((1_000_000 + 30 * 3000) >>> 0, 5000 + 1000, true, false)).toBe(Verdict.FORWARD);
    expect(guard.judge((1_000_000 + 30 * 3000) >>> 0, 5000 + 1602, false, false)).toBe(Verdict.FORWARD);
    expect(guard.judge((1_000_000 + 30 * 3000) >>> 0, 5000 + 1604, false, false)).toBe(Verdict.FORWARD);
    // The next frame start is shed.
    expect(guard.judge((1_000_000 + 31 * 3000) >>> 0, 5000 + 1605, true, false)).toBe(Verdict.DROP);
  });

  it('asks for a keyframe only once caught up', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    runVideo(guard, 100, () => 0);
    runVideo(guard, 20, (f) => 500 + (f - 100) * 10, 60, 100);
    expect(guard.shedding).toBe(true);
    expect(guard.wantsKeyframe).toBe(false);
    runVideo(guard, 5, () => 0, 1000, 120);
    expect(guard.wantsKeyframe).toBe(true);
  });

  it('a lateness limit of 0 never sheds', () => {
    const guard = new StaleMediaGuard(90000, true, { maxVideoLatenessMs: 0, maxAudioLatenessMs: 0 });
    const v = runVideo(guard, 300, (f) => f * 20);
    expect(v.every((x) => x.verdict === Verdict.FORWARD)).toBe(true);
    expect(guard.latenessMs).toBeGreaterThan(5000);
  });

  it('a timestamp jump back (sender restart on the same SSRC) starts a new baseline instead of shedding', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    runVideo(guard, 100, () => 0);
    // The sender restarts its timestamps 100 s back; packets keep arriving on time.
    let shedAfter = 0;
    for (let f = 0; f < 100; f++) {
      const verdict = guard.judge((1_000_000 - 9_000_000 + f * 3000) >>> 0, 5000 + (100 + f) * 33.333, true, false);
      if (verdict === Verdict.DROP) shedAfter++;
    }
    expect(shedAfter).toBe(0);
  });

  it('follows RTP timestamp wrap-around', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    for (let f = 0; f < 200; f++) {
      const ts = (0xffffffff - 100 * 3000 + f * 3000) >>> 0;
      expect(guard.judge(ts, 1000 + f * 33.333, true, false)).toBe(Verdict.FORWARD);
    }
    expect(guard.latenessMs).toBeLessThan(1);
  });
});

describe('StaleMediaGuard with abs-send-time (browser publishers)', () => {
  /** 24-bit 6.18 fixed-point seconds of `ms`, as the browser stamps it when a packet leaves. */
  const abs = (ms: number) => Math.floor(ms * 262.144) % 16777216;

  it('frames delayed before they left the publisher (encoder or its pacer) are not shed: no queue of ours to cut', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    let shed = 0;
    for (let f = 0; f < 300; f++) {
      // From frame 100 the publisher falls 20 ms per frame behind its capture clock (up to 1.2 s):
      // RTP timestamps lag, but each packet reaches us right after it was sent.
      const lag = f >= 100 && f < 160 ? (f - 100) * 20 : 0;
      for (let p = 0; p < 3; p++) {
        const sentMs = 77_000 + f * 33.333 + lag + p * 2;
        if (guard.judge((1_000_000 + f * 3000) >>> 0, sentMs + 5, p === 0, false, abs(sentMs)) === Verdict.DROP) shed++;
      }
    }
    expect(shed).toBe(0);
  });

  it('a backlog in this process is still shed, across the 64 s wrap of abs-send-time', () => {
    const guard = new StaleMediaGuard(90000, true, limits);
    const verdicts: Verdict[] = [];
    const start = 64_000 - 3_000; // wraps 3 s in
    for (let f = 0; f < 300; f++) {
      const backlog = f >= 100 && f < 160 ? (f - 100) * 20 : 0;
      for (let p = 0; p < 3; p++) {
        const sentMs = start + f * 33.333 + p * 2;
        verdicts.push(guard.judge((1_000_000 + f * 3000) >>> 0, sentMs + 5 + backlog, p === 0, p === 0 && f % 60 === 0, abs(sentMs)));
      }
    }
    expect(verdicts.slice(0, 300).every((v) => v === Verdict.FORWARD)).toBe(true); // wrap at frame ~90: no false alarm
    expect(verdicts.filter((v) => v === Verdict.DROP).length).toBeGreaterThan(60);
    expect(verdicts.includes(Verdict.RESUME)).toBe(true);
  });
});

describe('StaleMediaGuard (audio)', () => {
  it('keeps audio that video would shed, and sheds it packet by packet past its own limit', () => {
    const guard = new StaleMediaGuard(48000, false, limits);
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 500; i++) {
      // 20 ms Opus frames; from packet 100 the thread falls behind by 5 ms per packet (up to 2 s).
      const delay = i >= 100 ? Math.min(2000, (i - 100) * 5) : 0;
      verdicts.push(guard.judge((i * 960) >>> 0, 1000 + i * 20 + delay, true, false));
    }
    // Lateness 400..1000 ms (packets 180..300): video would be shed, audio is kept.
    expect(verdicts.slice(180, 300).every((v) => v === Verdict.FORWARD)).toBe(true);
    // Past 1 s it is shed, and never with RESUME (no keyframes in audio).
    expect(verdicts.slice(302).every((v) => v === Verdict.DROP)).toBe(true);
    expect(verdicts.includes(Verdict.RESUME)).toBe(false);
    expect(guard.shed).toBe(verdicts.filter((v) => v === Verdict.DROP).length);
  });
});
