/** Micro-benchmarks of the per-packet RTP/RTCP/VP8 code in packages/server/src/media/rtp; prints ns/op. */

import { RtpView, findHeaderExtension, parseRtp, writeSequenceNumber, writeSsrc, writeTimestamp } from '../packages/server/src/media/rtp/rtpPacket.js';
import { Vp8View, parseVp8, writeVp8PictureId } from '../packages/server/src/media/rtp/vp8.js';
import { ReportBlock, parseRtcp, writeReceiverReport, writeRemb, type RtcpHandler } from '../packages/server/src/media/rtp/rtcp.js';
import { buildRtp } from '../packages/server/src/media/rtp/testPackets.js';
import { writeU16 } from '../packages/server/src/media/rtp/bytes.js';
import { relabelOneByteExtension } from '../packages/server/src/media/rtp/absSendTime.js';
import { FeedbackResult, TransportCcWriter } from '../packages/server/src/media/rtp/transportCc.js';
import { TransportCcEstimator } from '../packages/server/src/media/TransportCcEstimator.js';
import { TransportCcFeedback } from '../packages/server/src/media/TransportCcFeedback.js';
import { Producer } from '../packages/server/src/media/Producer.js';
import { Consumer } from '../packages/server/src/media/Consumer.js';
import { SubscriberSlot } from '../packages/server/src/media/SubscriberSlot.js';
import type { Track } from 'node-datachannel';

const ITERATIONS = 3_000_000;
const RUNS = 5;

// Results feed this so V8 cannot drop the work as dead code; kept integer so it never boxes.
let sink = 0;

interface Row { name: string; best: number; median: number }
const rows: Row[] = [];

function bench(name: string, run: (n: number) => void, iterations = ITERATIONS): void {
  run(Math.min(200_000, iterations)); // warm-up: let the optimizing tier compile the loop
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    run(iterations);
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  samples.sort((a, b) => a - b);
  rows.push({ name, best: samples[0], median: samples[Math.floor(RUNS / 2)] });
}

// A typical Chrome VP8 simulcast packet: abs-send-time, transport-cc, rid, 1200-byte payload.
const vp8Descriptor = [0x90, 0xe0, 0x80 | 0x12, 0x34, 0x56, 0x60, 0x10, 0x02, 0x9d];
const video = buildRtp({
  payloadType: 96, sequenceNumber: 4000, timestamp: 123456, ssrc: 0x1234,
  extensions: [{ id: 2, data: [1, 2, 3] }, { id: 3, data: [0, 9] }, { id: 10, data: [0x68] }],
  payload: [...vp8Descriptor, ...new Array<number>(1200 - vp8Descriptor.length).fill(0x55)],
});
const view = new RtpView();
const vp8 = new Vp8View();

bench('parseRtp (3 one-byte extensions)', (n) => {
  for (let i = 0; i < n; i++) if (parseRtp(video, video.length, view)) sink = (sink + view.payloadLength) | 0;
});

parseRtp(video, video.length, view);
bench('findHeaderExtension (3rd element)', (n) => {
  for (let i = 0; i < n; i++) sink = (sink + findHeaderExtension(video, view, 10)) | 0;
});

bench('parseVp8 + writeVp8PictureId', (n) => {
  for (let i = 0; i < n; i++) {
    if (parseVp8(video, view.payloadOffset, view.payloadLength, vp8)) writeVp8PictureId(video, vp8, i);
  }
  sink += vp8.pictureId;
});

bench('per-subscriber rewrite (seq, ts, ssrc, picture id)', (n) => {
  for (let i = 0; i < n; i++) {
    writeSequenceNumber(video, i);
    writeTimestamp(video, i * 3000);
    writeSsrc(video, 0xabcdef01);
    writeVp8PictureId(video, vp8, i);
  }
  sink += video[3];
});

bench('parseRtp + parseVp8 + full rewrite', (n) => {
  for (let i = 0; i < n; i++) {
    if (!parseRtp(video, video.length, view)) continue;
    if (!parseVp8(video, view.payloadOffset, view.payloadLength, vp8)) continue;
    writeSequenceNumber(video, i);
    writeTimestamp(video, view.timestamp + 3000);
    writeSsrc(video, 0xabcdef01);
    writeVp8PictureId(video, vp8, vp8.pictureId + 1);
  }
  sink += video[3];
});

// Compound RR (2 blocks) + REMB (3 SSRCs), as Chrome sends them.
const rtcp = new Uint8Array(1500);
const blocks = [new ReportBlock(), new ReportBlock()];
blocks[0].ssrc = 1;
blocks[1].ssrc = 2;
let rtcpLength = writeReceiverReport(rtcp, 0, 0x5555, blocks, 2);
rtcpLength += writeRemb(rtcp, rtcpLength, 0x5555, 2_500_000, [1, 2, 3], 3);
// A class with an integer field, as a forwarder would write it: a closure adding into a module-level
// number would box a HeapNumber per call and measure the allocator instead.
class CountingHandler implements RtcpHandler {
  total = 0;
  onReceiverReportBlock(_reporter: number, ssrc: number, fractionLost: number): void { this.total = (this.total + ssrc + fractionLost) | 0; }
  onRemb(_sender: number, bitrateBps: number, _buf: Uint8Array, _off: number, count: number): void { this.total = (this.total + (bitrateBps | 0) + count) | 0; }
}
const handler = new CountingHandler();
bench(`parseRtcp compound RR(2 blocks)+REMB (${rtcpLength} B)`, (n) => {
  for (let i = 0; i < n; i++) if (!parseRtcp(rtcp, rtcpLength, handler)) sink--;
  sink += handler.total;
});

const out = new Uint8Array(64);
const ssrcs = [1, 2, 3];
bench('writeRemb (3 SSRCs)', (n) => {
  for (let i = 0; i < n; i++) sink = (sink + writeRemb(out, 0, 0x5555, 1_000_000 + (i & 0xfffff) * 97, ssrcs, 3)) | 0;
});

// Transport-cc: per received packet (publisher side) and per forwarded packet (subscriber side).
parseRtp(video, video.length, view);
const twccOffset = findHeaderExtension(video, view, 3);
const feedbackIn = new TransportCcFeedback(1, () => {});
bench('transport-cc receive: find ext + record arrival (+ feedback each 50 ms)', (n) => {
  for (let i = 0; i < n; i++) {
    const offset = findHeaderExtension(video, view, 3);
    feedbackIn.onPacket(i & 0xffff, 0x1234, i * 0.01);
    sink = (sink + offset) | 0;
  }
});
const estimator = new TransportCcEstimator(() => 0);
bench('transport-cc forward: restamp seq + relabel + record send', (n) => {
  for (let i = 0; i < n; i++) {
    writeU16(video, twccOffset, estimator.onSend(video.length, i * 0.01));
    relabelOneByteExtension(video, twccOffset, 3);
  }
  sink += video[twccOffset];
});
const arrivals = Float64Array.from({ length: 100 }, (_, i) => (i % 17 === 3 ? -1 : 1000 + i * 1.3));
const writer = new TransportCcWriter();
const feedbackOut = new Uint8Array(1200);
const written = new FeedbackResult();
bench('transport-cc feedback write, per packet reported (100 per feedback, 6 lost)', (n) => {
  for (let i = 0; i < n / 100; i++) {
    writer.write(feedbackOut, 0, 1, 2, i & 0xffff, arrivals, 100, i, written);
    sink = (sink + written.bytes) | 0;
  }
});

// The whole JS path of one received video packet fanned out to 10 subscribers: Producer (parse,
// receive stats, NACK tracking, stale-media guard, history copy, transport-cc arrival) and 10 x
// Consumer + SubscriberSlot (rewrite, abs-send-time, transport-cc restamp, sent-packet map), with
// node-datachannel's Track stubbed (its sendMessageBinary is ~12 µs of native work per call, not
// measured here). Each iteration first copies the packet into the receive buffer, as the native
// side hands JS a fresh copy of every packet.
{
  class StubTrack {
    deliver: (msg: Buffer) => void = () => {};
    sent = 0;
    onMessage(cb: (msg: Buffer) => void): void { this.deliver = cb; }
    sendMessageBinary(): boolean { this.sent++; return true; }
  }
  const publisherTrack = new StubTrack();
  const producer = new Producer({
    id: 'bench', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 10,
    audioLevelExtensionId: 0, absSendTimeExtensionId: 2, transportCcExtensionId: 3,
  });
  producer.attach(publisherTrack as unknown as Track);
  const received = Buffer.from(video);
  const fresh = (seq: number) => {
    received.set(video);
    writeSequenceNumber(received, seq & 0xffff);
    writeTimestamp(received, (Math.floor(seq / 4) * 3000) >>> 0);
    writeSsrc(received, 0x1234);
    return received;
  };
  publisherTrack.deliver(fresh(0));
  const subscriberTrack = new StubTrack();
  for (let k = 0; k < 10; k++) {
    const slot = new SubscriberSlot(String(k), 'video', 0x1000 + k, 96, subscriberTrack as unknown as Track, 0x2000 + k, 97);
    slot.transportCc = new TransportCcEstimator(() => 0);
    slot.transportCcId = 3;
    slot.open = true;
    const consumer = new Consumer(`c${k}`, producer, slot);
    slot.consumer = consumer;
    producer.consumers.push(consumer);
    consumer.update(performance.now());
  }
  let seq = 1;
  bench('received packet -> 10 subscribers, JS only (Producer + 10 Consumers, send stubbed)', (n) => {
    for (let i = 0; i < n; i++) publisherTrack.deliver(fresh(seq++));
    sink = (sink + subscriberTrack.sent) | 0;
  }, 300_000);
  if (subscriberTrack.sent < seq) throw new Error(`fan-out bench forwarded nothing (${subscriberTrack.sent} sends)`);
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`node ${process.version}, ${ITERATIONS.toLocaleString('en-US')} iterations x ${RUNS} runs`);
console.log(`${'benchmark'.padEnd(width)}  ${'best ns/op'.padStart(10)}  ${'median ns/op'.padStart(12)}`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.best.toFixed(1).padStart(10)}  ${r.median.toFixed(1).padStart(12)}`);
if (sink === 0.5) console.log(''); // keep `sink` observable
