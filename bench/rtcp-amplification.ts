/**
 * RTCP amplification (issue #14): what one crafted RTCP packet from a subscriber costs the media
 * worker. Prints ns/op for
 * - "crafted transport-cc": one 1.2 KB compound holding one transport-cc feedback that claims
 *   65535 statuses (run-length chunks of "not received", no delta bytes needed), parsed into a
 *   subscriber's TransportCcEstimator (the dedupe key varies, as an attacker's would);
 * - "crafted compound": a 1.2 KB compound of 30 such feedbacks (40 bytes each);
 * - "honest feedback": a 100-status feedback as Chrome sends every ~50-100 ms;
 * - with the per-subscriber RTCP gate (SubscriberRtcpGate, when present): a flood of crafted packets.
 * Run: node --import tsx bench/rtcp-amplification.ts
 */
import { parseRtcp, type RtcpHandler } from '../packages/server/src/media/rtp/rtcp.js';
import { TransportCcEstimator } from '../packages/server/src/media/TransportCcEstimator.js';
import { FeedbackResult, TransportCcWriter } from '../packages/server/src/media/rtp/transportCc.js';

const RUNS = 5;

function bench(name: string, iterations: number, run: (i: number) => void): void {
  for (let i = 0; i < Math.min(iterations, 2000); i++) run(i);
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run(i);
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} best ${samples[0]!.toFixed(0).padStart(9)} ns/op   median ${samples[Math.floor(RUNS / 2)]!.toFixed(0).padStart(9)} ns/op`);
}

/** One RTPFB FMT=15 of `size` bytes at `o` claiming 65535 statuses, all "not received". */
function craftedFeedback(buf: Uint8Array, o: number, size: number): void {
  buf[o] = 0x80 | 15;
  buf[o + 1] = 205;
  buf[o + 2] = ((size / 4 - 1) >> 8) & 0xff;
  buf[o + 3] = (size / 4 - 1) & 0xff;
  buf[o + 14] = 0xff; // packet status count 65535
  buf[o + 15] = 0xff;
  // Run-length chunks: T=0, S=0 (not received), run 8191; nine cover 65535.
  for (let c = o + 20; c + 2 <= o + size; c += 2) {
    buf[c] = 0x1f;
    buf[c + 1] = 0xff;
  }
}

const single = new Uint8Array(1200);
craftedFeedback(single, 0, 1200);
const compound = new Uint8Array(30 * 40);
for (let k = 0; k < 30; k++) craftedFeedback(compound, k * 40, 40);
const compoundLength = 30 * 40;

function estimatorWithTraffic(): TransportCcEstimator {
  const e = new TransportCcEstimator(() => 0);
  for (let i = 0; i < 70_000; i++) e.onSend(1200, i * 0.1);
  return e;
}

/**
 * Each feedback arrives `stepMs` after the previous one: 1000 ms measures what one admitted packet
 * costs (any per-second budget has refilled), 1/3.4 ms a flood of 3.4k packets a second.
 */
function handlerFor(e: TransportCcEstimator, stepMs = 1000): RtcpHandler {
  let now = 0;
  return { onTransportCc: (_s, buf, offset, end) => e.onFeedback(buf, offset, end, (now += stepMs)) };
}

/** The dedupe key (base seq, feedback count) changes each time, as an attacker makes it. */
function vary(buf: Uint8Array, offset: number, i: number): void {
  buf[offset + 12] = (i >> 8) & 0xff;
  buf[offset + 13] = i & 0xff;
  buf[offset + 19] = (i >> 16) & 0xff;
}

{
  const e = estimatorWithTraffic();
  const h = handlerFor(e);
  bench('crafted transport-cc (1.2 KB, claims 65535 statuses)', 2000, (i) => {
    vary(single, 0, i);
    parseRtcp(single, single.length, h);
  });
}
{
  const e = estimatorWithTraffic();
  const h = handlerFor(e);
  bench('crafted compound (30 feedbacks in 1.2 KB)', 100, (i) => {
    for (let k = 0; k < 30; k++) vary(compound, k * 40, i * 30 + k);
    parseRtcp(compound, compoundLength, h);
  });
}
{
  // An honest feedback: 100 packets received 1 ms apart.
  const writer = new TransportCcWriter(1024);
  const out = new Uint8Array(1200);
  const result = new FeedbackResult();
  const arrivals = Float64Array.from({ length: 100 }, (_, i) => 1000 + i);
  writer.write(out, 0, 1, 2, 1000, arrivals, 100, 0, result);
  const honest = out.subarray(0, result.bytes);
  const e = estimatorWithTraffic();
  const h = handlerFor(e);
  bench(`honest transport-cc (100 statuses, ${result.bytes} bytes)`, 20_000, (i) => {
    vary(honest, 0, i);
    parseRtcp(honest, honest.length, h);
  });
}

{
  const e = estimatorWithTraffic();
  const h = handlerFor(e, 1 / 3.4);
  bench('crafted transport-cc flood at 3.4k/s (average per packet)', 20_000, (i) => {
    vary(single, 0, i);
    parseRtcp(single, single.length, h);
  });
}
{
  const e = estimatorWithTraffic();
  const h = handlerFor(e, 1 / 3.4);
  bench('crafted compound flood at 3.4k/s (average per packet)', 200, (i) => {
    for (let k = 0; k < 30; k++) vary(compound, k * 40, i * 30 + k);
    parseRtcp(compound, compoundLength, h);
  });
}

// After the fix: a flood through the per-subscriber gate (most packets dropped by the bucket).
try {
  const mod = (await import('../packages/server/src/media/SubscriberRtcpGate.js')) as typeof import('../packages/server/src/media/SubscriberRtcpGate.js');
  const e = estimatorWithTraffic();
  const gate = new mod.SubscriberRtcpGate();
  const h = handlerFor(e, 1 / 3.4);
  let now = 0;
  bench('crafted flood at 3.4k/s through the subscriber RTCP gate', 200_000, (i) => {
    vary(single, 0, i);
    now += 1 / 3.4; // 3.4k packets/s
    gate.handle(single, h, now);
  });
  console.log(`  gate: ${gate.dropped} of ${gate.dropped + gate.processed} packets dropped`);
} catch (err) {
  if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  console.log('(no SubscriberRtcpGate on this tree)');
}
