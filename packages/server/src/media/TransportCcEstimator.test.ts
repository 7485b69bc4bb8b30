import { describe, expect, it } from 'vitest';
import { TransportCcEstimator } from './TransportCcEstimator.js';
import { FeedbackResult, TransportCcWriter } from './rtp/transportCc.js';

const PACKET = 1000;

/**
 * A sender and a link in 1 ms steps: media at `sendBps`, a FIFO bottleneck of `capBps` with a
 * `queueBytes` limit (tail drop, like tc tbf), optional random loss after it, and transport-cc
 * feedback every 50 ms written by the real writer and parsed by the estimator. The allocator's
 * round (update + maybeProbe toward `wantBps`) runs every 500 ms.
 */
class Link {
  now = 0;
  readonly estimator: TransportCcEstimator;
  private readonly arrivals: number[] = []; // by seq (1-based); -2 = in flight, -1 = lost
  private queueFreeAt = 0;
  private queued: Array<{ seq: number; departs: number }> = [];
  private reportedUpTo = 0;
  private feedbackCount = 0;
  private sendCredit = 0;
  private readonly writer = new TransportCcWriter();
  private readonly out = new Uint8Array(1200);
  private readonly result = new FeedbackResult();

  constructor(
    public capBps: number,
    public sendBps: number,
    public wantBps: number,
    private readonly opts: { queueBytes?: number; randomLoss?: number; seed?: number } = {},
  ) {
    this.estimator = new TransportCcEstimator(() => this.transmit());
  }

  private seed = 0;
  private rand(): number {
    this.seed = (Math.imul(this.seed || (this.opts.seed ?? 12345), 1103515245) + 12345) >>> 0;
    return this.seed / 0x100000000;
  }

  /** Sends one packet through the estimator and into the link; returns its size. */
  private transmit(): number {
    const seq16 = this.estimator.onSend(PACKET, this.now);
    const seq = this.arrivals.length + 1;
    expect(seq & 0xffff).toBe(seq16);
    // Bytes still waiting, and a tbf-like limit: its burst plus 50 ms at the link rate.
    const queueBytes = (Math.max(0, this.queueFreeAt - this.now) * this.capBps) / 8000;
    if (queueBytes + PACKET > (this.opts.queueBytes ?? Math.max(6000, (this.capBps * 0.05) / 8))) {
      this.arrivals.push(-1);
      return PACKET;
    }
    const start = Math.max(this.now, this.queueFreeAt);
    this.queueFreeAt = start + (PACKET * 8000) / this.capBps;
    this.arrivals.push(-2);
    this.queued.push({ seq, departs: this.queueFreeAt });
    return PACKET;
  }

  run(ms: number): void {
    for (let i = 0; i < ms; i++) {
      this.now++;
      this.sendCredit += this.sendBps / 8000;
      while (this.sendCredit >= PACKET) {
        this.sendCredit -= PACKET;
        this.transmit();
        if (this.estimator.probing) this.estimator.probeFill(this.now);
      }
      while (this.queued.length > 0 && this.queued[0]!.departs <= this.now) {
        const { seq, departs } = this.queued.shift()!;
        this.arrivals[seq - 1] = this.rand() < (this.opts.randomLoss ?? 0) ? -1 : departs + 20;
      }
      if (this.now % 50 === 0) this.feedback();
      if (this.now % 500 === 0) {
        this.estimator.update(this.now, 500);
        this.estimator.maybeProbe(this.wantBps, this.now);
      }
    }
  }

  private feedback(): void {
    let last = this.reportedUpTo;
    for (let s = this.reportedUpTo + 1; s <= this.arrivals.length && this.arrivals[s - 1] !== -2; s++) if (this.arrivals[s - 1]! >= 0) last = s;
    if (last <= this.reportedUpTo) return;
    const slice = this.arrivals.slice(this.reportedUpTo, last);
    this.writer.write(this.out, 0, 1, 2, this.reportedUpTo + 1, slice, slice.length, this.feedbackCount++, this.result);
    this.estimator.onFeedback(this.out, 0, this.result.bytes, this.now);
    this.reportedUpTo += this.result.covered;
  }
}

describe('TransportCcEstimator', () => {
  it('sending 1.5 Mbps into a 400 kbps link: within 1.5 s the estimate is at most what gets through', () => {
    const link = new Link(400_000, 1_500_000, 1_500_000);
    link.run(1500);
    expect(link.estimator.estimate).toBeLessThan(450_000);
    expect(link.estimator.estimate).toBeGreaterThanOrEqual(100_000);
  });

  it('on a 400 kbps link, probes toward 1 Mbps find no room: the estimate stays under the link rate', () => {
    const link = new Link(400_000, 1_500_000, 1_000_000);
    link.run(2000); // congested down to the link rate first
    link.sendBps = 250_000; // then the low layer
    link.run(30_000);
    expect(link.estimator.lastProbe.atMs).toBeGreaterThan(0);
    expect(link.estimator.estimate, JSON.stringify(link.estimator.lastProbe)).toBeLessThan(440_000);
    expect(link.estimator.loss).toBeLessThan(0.02);
  });

  it('after congestion on a 400 kbps link, no probe goes faster than 1.1x what the link delivered', () => {
    const link = new Link(400_000, 1_500_000, 1_000_000);
    link.run(2000);
    link.sendBps = 160_000; // the low layer: room for probes, which must not overflow the queue
    let fastest = 0;
    for (let t = 0; t < 30_000; t += 10) {
      link.run(10);
      if (link.estimator.probing) fastest = Math.max(fastest, link.estimator.probeRateBps);
    }
    expect(fastest).toBeGreaterThan(0);
    expect(fastest).toBeLessThanOrEqual(445_000);
  });

  it('on an open link, probes climb from a low estimate to what is wanted within seconds', () => {
    const link = new Link(400_000, 1_500_000, 1_500_000);
    link.run(2000); // congested down to ~400 kbps first
    link.capBps = 50_000_000;
    link.sendBps = 250_000; // the low layer, while the estimate is short of the high one
    let reachedAt = -1;
    for (let t = 0; t < 20_000 && reachedAt < 0; t += 500) {
      link.run(500);
      if (link.estimator.estimate >= 1_500_000) reachedAt = t;
    }
    expect(reachedAt, `estimate ${Math.round(link.estimator.estimate)} ${JSON.stringify(link.estimator.lastProbe)}`).toBeGreaterThanOrEqual(0);
    expect(reachedAt).toBeLessThan(12_000);
  });

  it('without probes the estimate grows no further than 1.5x the acked rate', () => {
    const link = new Link(400_000, 1_500_000, 0); // wants nothing more: never probes
    link.run(2000);
    link.capBps = 50_000_000;
    link.sendBps = 200_000;
    link.run(20_000);
    expect(link.estimator.estimate).toBeLessThanOrEqual(1.5 * 200_000 + 20_000);
    expect(link.estimator.estimate).toBeGreaterThan(250_000);
  });

  it('5 % random loss on an open link is not congestion: the estimate does not fall', () => {
    const link = new Link(50_000_000, 1_200_000, 0, { randomLoss: 0.05, seed: 7 });
    const start = link.estimator.estimate;
    link.run(20_000);
    expect(link.estimator.estimate).toBeGreaterThanOrEqual(start);
    expect(link.estimator.loss).toBeGreaterThan(0.02);
  });

  it('is inactive until feedback arrives, and again when it stops', () => {
    const link = new Link(50_000_000, 500_000, 0);
    expect(link.estimator.active(0)).toBe(false);
    link.run(200);
    expect(link.estimator.active(link.now)).toBe(true);
    expect(link.estimator.active(link.now + 5000)).toBe(false);
  });
});

describe('TransportCcEstimator retransmission budget', () => {
  it('allows a quarter of the estimate in retransmissions while feedback comes, a bounded budget without', () => {
    const link = new Link(400_000, 1_500_000, 0);
    expect(link.estimator.allowRetransmission(0)).toBe(true); // no feedback yet: the (large) budget of MAX_BPS
    link.run(3000); // congested: the estimate is about the link's 400 kbps
    const now = link.now;
    let allowed = 0;
    for (let t = 0; t < 1000; t++) for (let k = 0; k < 10; k++) if (link.estimator.allowRetransmission(now + t * 0.1)) allowed++;
    // 100 ms at most a quarter of the estimate, plus the bucket it started with.
    const perSecond = (link.estimator.estimate * 0.25) / 8 / 1200;
    expect(allowed).toBeLessThanOrEqual(Math.ceil(perSecond * 0.35) + 2);
    expect(allowed).toBeGreaterThan(0);
  });
});
