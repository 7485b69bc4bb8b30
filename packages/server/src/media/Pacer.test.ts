import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WAIT_MS, PACE_INTERVAL_MS, Pacer, type PacedSink } from './Pacer.js';

/** Records what leaves and when (the test's own clock), and the first byte as the packet's id. */
class Sink implements PacedSink {
  readonly sent: Array<{ atMs: number; id: number; length: number; tcc: number; probe?: boolean }> = [];
  sendNow(buf: Buffer, transportCcOffset: number, nowMs: number, probeCopy: boolean): boolean {
    this.sent.push({ atMs: nowMs, id: buf[0]!, length: buf.length, tcc: transportCcOffset, ...(probeCopy && { probe: true }) });
    return true;
  }
}

const packet = (id: number, length = 1200) => Buffer.alloc(length, id);

let clock = 0;
let pacer: Pacer;
afterEach(() => pacer?.close());

/** Runs the pacer's timer rounds on the test clock until `untilMs`. */
function runUntil(untilMs: number): void {
  while (clock < untilMs) {
    clock += PACE_INTERVAL_MS;
    pacer.drain(clock);
  }
}

describe('Pacer', () => {
  it('passes packets straight through while the rate allows, without copying', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(10_000_000);
    const sink = new Sink();
    const buf = packet(1);
    let seen: Buffer | null = null;
    pacer.send({ sendNow: (b) => ((seen = b), true) }, buf, 7, clock, false);
    expect(seen).toBe(buf);
    pacer.send(sink, packet(2), 7, clock, false);
    expect(sink.sent).toEqual([{ atMs: 0, id: 2, length: 1200, tcc: 7 }]);
    expect(pacer.queued).toBe(0);
  });

  it('spreads a keyframe burst at the pacing rate, in order, from copies', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(800_000); // 100 bytes per ms
    const sink = new Sink();
    const buf = Buffer.alloc(1200);
    for (let id = 0; id < 20; id++) {
      buf.fill(id); // the caller reuses its buffer for the next packet, as the producer does
      pacer.send(sink, buf, -1, clock, false);
    }
    expect(sink.sent.length).toBeLessThanOrEqual(2);
    expect(pacer.queued).toBeGreaterThan(15);
    runUntil(260);
    expect(sink.sent.map((s) => s.id)).toEqual([...Array(20).keys()]);
    // Never ahead of the token bucket: what left by time t fits the burst plus the rate.
    for (const s of sink.sent) {
      const before = sink.sent.filter((o) => o.atMs <= s.atMs).reduce((n, o) => n + o.length, 0);
      expect(before).toBeLessThanOrEqual(2400 + 1200 + 100 * s.atMs);
    }
    // And not much slower than it: 24,000 bytes at 100 bytes/ms take about 240 ms.
    expect(sink.sent.at(-1)!.atMs).toBeLessThanOrEqual(250);
    expect(pacer.queued).toBe(0);
  });

  it('sends audio (bypass) at once even while video waits', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(800_000);
    const sink = new Sink();
    for (let id = 0; id < 10; id++) pacer.send(sink, packet(id), -1, clock, false);
    const waiting = pacer.queued;
    expect(waiting).toBeGreaterThan(0);
    pacer.send(sink, packet(99, 150), -1, clock, true);
    expect(sink.sent.at(-1)!.id).toBe(99);
    expect(pacer.queued).toBe(waiting);
  });

  it('never holds a packet longer than MAX_WAIT_MS, however low the rate', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(100_000); // 12.5 bytes per ms: 50 packets would take 4.8 s
    const sink = new Sink();
    for (let id = 0; id < 50; id++) pacer.send(sink, packet(id), -1, clock, false);
    runUntil(MAX_WAIT_MS + PACE_INTERVAL_MS);
    expect(sink.sent.length).toBe(50);
    expect(sink.sent.map((s) => s.id)).toEqual([...Array(50).keys()]);
    expect(pacer.overduePackets).toBeGreaterThan(40);
  });

  it('keeps a bounded queue: when full, the oldest packet leaves to make room', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(100_000);
    const sink = new Sink();
    for (let i = 0; i < 600; i++) pacer.send(sink, packet(i & 0xff, 200), -1, clock, false);
    expect(pacer.queued).toBeLessThanOrEqual(512);
    expect(sink.sent.length + pacer.queued).toBe(600);
    expect(sink.sent.slice(0, 5).map((s) => s.id)).toEqual([0, 1, 2, 3, 4].map((i) => sink.sent[0]!.id + i));
  });

  it('a queued probe copy is still sent as a probe copy (kept out of the acked rate)', () => {
    clock = 0;
    pacer = new Pacer(() => clock);
    pacer.setRate(800_000);
    const sink = new Sink();
    for (let id = 0; id < 4; id++) pacer.send(sink, packet(id), -1, clock, false);
    pacer.send(sink, packet(50), 9, clock, false, true);
    runUntil(100);
    expect(sink.sent.map((s) => [s.id, s.probe === true])).toEqual([[0, false], [1, false], [2, false], [3, false], [50, true]]);
  });

  it('drains on its own timer', async () => {
    pacer = new Pacer();
    pacer.setRate(2_000_000);
    const sink = new Sink();
    for (let id = 0; id < 10; id++) pacer.send(sink, packet(id), -1, performance.now(), false);
    expect(pacer.queued).toBeGreaterThan(0);
    for (let i = 0; i < 100 && pacer.queued > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(pacer.queued).toBe(0);
    expect(sink.sent.map((s) => s.id)).toEqual([...Array(10).keys()]);
  });
});
