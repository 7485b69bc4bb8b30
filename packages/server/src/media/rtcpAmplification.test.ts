// Issue #14, media plane: the RTCP a subscriber sends cannot buy unbounded worker CPU. These tests
// count work (statuses read, callbacks, retransmissions), never time.
import { describe, expect, it } from 'vitest';
import { parseTransportCcFeedback } from './rtp/transportCc.js';
import { parseRtcp, writeNack } from './rtp/rtcp.js';
import { TransportCcEstimator } from './TransportCcEstimator.js';
import { Consumer } from './Consumer.js';
import { SubscriberSlot } from './SubscriberSlot.js';
import type { Producer } from './Producer.js';
import { buildRtp } from './rtp/testPackets.js';
import { PacketHistory } from './rtp/PacketHistory.js';
import { RtpView, parseRtp } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8 } from './rtp/vp8.js';

/** Counts the statuses the estimator's parser hands it (a spy would record millions of calls). */
function countStatuses(estimator: TransportCcEstimator): { calls: number } {
  const counter = { calls: 0 };
  const original = estimator.onFeedbackPacket.bind(estimator);
  estimator.onFeedbackPacket = (seq, arrivalMs) => {
    counter.calls++;
    original(seq, arrivalMs);
  };
  return counter;
}

/** One RTPFB FMT=15 of `size` bytes at `o` claiming 65535 statuses, all "not received" (no delta bytes). */
function craftedFeedback(buf: Uint8Array, o: number, size: number, key: number): void {
  buf[o] = 0x80 | 15;
  buf[o + 1] = 205;
  buf[o + 2] = ((size / 4 - 1) >> 8) & 0xff;
  buf[o + 3] = (size / 4 - 1) & 0xff;
  buf[o + 12] = (key >> 8) & 0xff; // base seq and feedback count: the estimator's dedupe key
  buf[o + 13] = key & 0xff;
  buf[o + 14] = 0xff;
  buf[o + 15] = 0xff;
  buf[o + 19] = (key >> 16) & 0xff;
  for (let c = o + 20; c + 2 <= o + size; c += 2) {
    buf[c] = 0x1f; // run-length chunk, "not received", run 8191
    buf[c + 1] = 0xff;
  }
}

describe('transport-cc feedback caps', () => {
  it('parseTransportCcFeedback of a crafted 1.2 KB feedback claiming 65535 statuses reports at most 2048', () => {
    const buf = new Uint8Array(1200);
    craftedFeedback(buf, 0, 1200, 1);
    let statuses = 0;
    expect(parseTransportCcFeedback(buf, 0, 1200, { onFeedbackPacket: () => statuses++ })).toBe(true);
    expect(statuses).toBeGreaterThan(0);
    expect(statuses).toBeLessThanOrEqual(2048);
  });

  it('TransportCcEstimator under 20 crafted compounds (30 feedbacks per 1.2 KB each, at 3.4k/s) reads a bounded number of statuses', () => {
    const estimator = new TransportCcEstimator(() => 0);
    for (let i = 0; i < 5000; i++) estimator.onSend(1200, 0);
    const statuses = countStatuses(estimator);
    const compound = new Uint8Array(1200);
    let key = 0;
    for (let p = 0; p < 20; p++) {
      for (let k = 0; k < 30; k++) craftedFeedback(compound, k * 40, 40, ++key);
      const nowMs = 1000 + p / 3.4;
      parseRtcp(compound, 1200, { onTransportCc: (_s, buf, offset, end) => estimator.onFeedback(buf, offset, end, nowMs) });
    }
    // Unbounded, this was 20 * 30 * 65535 = 39 million callbacks. The budget: a 4096 burst + 20k/s (6 ms here).
    expect(statuses.calls).toBeLessThanOrEqual(4096 + 2048);
    expect(statuses.calls).toBeGreaterThan(0);
  });

  it('an honest feedback stream (100 statuses every 50 ms) is never dropped by the status budget', () => {
    const estimator = new TransportCcEstimator(() => 0);
    for (let i = 0; i < 5000; i++) estimator.onSend(1200, 0);
    const statuses = countStatuses(estimator);
    const buf = new Uint8Array(1200);
    for (let f = 0; f < 200; f++) {
      // 100 statuses: one run-length chunk of "received, small delta" and 100 one-byte deltas.
      buf.fill(0);
      buf[0] = 0x80 | 15;
      buf[1] = 205;
      buf[3] = 31 - 1; // 124 bytes: header, one chunk, 100 deltas, padding
      buf[12] = ((f * 100) >> 8) & 0xff;
      buf[13] = (f * 100) & 0xff;
      buf[15] = 100;
      buf[19] = f & 0xff;
      buf[20] = 0x20; // T=0, S=1 (small delta), run 100
      buf[21] = 100;
      parseRtcp(buf, 124, { onTransportCc: (_s, b, offset, end) => estimator.onFeedback(b, offset, end, 1000 + f * 50) });
    }
    expect(statuses.calls).toBe(200 * 100);
  });
});

describe('NACK amplification', () => {
  function setup() {
    let sent = 0;
    const track = { sendMessageBinary: () => (sent++, true) };
    const slot = new SubscriberSlot('0', 'video', 0xabcdef01, 96, track as never, 0x5555, 97);
    slot.open = true;
    slot.lastSeq = 100;
    slot.lastTs = 5000;
    slot.transportCc = new TransportCcEstimator(() => 0);
    const history = new PacketHistory(1024, 1e9);
    const producer = {
      kind: 'video',
      absSendTimeExtensionId: 0,
      transportCcExtensionId: 0,
      copyFromHistory: (_l: number, seq: number, now: number, out: Uint8Array) => history.copyTo(seq, now, out, 0),
      consumers: [],
      pickLayer: () => 0,
      requestKeyframe: () => {},
      replayLayer: () => 0,
      removeConsumer() {},
    } as unknown as Producer;
    const consumer = new Consumer('c', producer, slot);
    consumer.allocatedLayer = 0;
    consumer.update(0);
    const rtp = new RtpView();
    const vp8 = new Vp8View();
    for (let seq = 0; seq < 600; seq++) {
      const buf = Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 1, payload: [0x90, 0x80, seq & 0x7f, seq === 0 ? 0x00 : 0x01, 0, 0, 0, 0] }));
      history.store(seq, buf, buf.length, 0);
      parseRtp(buf, buf.length, rtp);
      parseVp8(buf, rtp.payloadOffset, rtp.payloadLength, vp8);
      consumer.forward(buf, rtp, vp8, 0, 0);
    }
    return { consumer, slot, sentCount: () => sent };
  }

  it('Consumer.onNack flooded by a subscriber without transport-cc feedback retransmits a bounded number of packets', () => {
    const { consumer, slot, sentCount } = setup();
    const forwarded = sentCount();
    expect(forwarded).toBe(600);
    // A 1.2 KB NACK compound: 74 NACKs naming every forwarded packet (pid + 16 in blp), sent 100 times in 1 ms.
    const nack = new Uint8Array(1200);
    let length = 0;
    for (let k = 0; k < 74; k++) length += writeNack(nack, length, 1, slot.ssrc, (slot.lastSeq - 599 + (k % 35) * 17) & 0xffff, 0xffff);
    for (let round = 0; round < 100; round++) {
      parseRtcp(nack, length, { onNack: (_s, _m, pid, blp) => consumer.onNack(pid, blp, 10_000 + round / 100) });
    }
    // Unbounded: 100 x 74 x 17 = 125,800 retransmissions. The fallback budget holds 250 ms of 25 % of 20 Mbps.
    expect(consumer.retransmissions).toBeGreaterThan(0);
    expect(consumer.retransmissions).toBeLessThanOrEqual(200);
  });
});
