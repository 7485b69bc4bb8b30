import { describe, expect, it } from 'vitest';
import { Consumer } from './Consumer.js';
import { SubscriberSlot } from './SubscriberSlot.js';
import type { Producer } from './Producer.js';
import { RtpView, parseRtp } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8 } from './rtp/vp8.js';
import { buildRtp } from './rtp/testPackets.js';
import { PacketHistory } from './rtp/PacketHistory.js';

/** What the subscriber would receive: the rewritten fields of each sent packet. */
interface Sent {
  seq: number;
  ts: number;
  ssrc: number;
  pt: number;
  pictureId: number;
  tl0: number;
}

function fakeSlot(kind: 'audio' | 'video', lastSeq = 100): { slot: SubscriberSlot; sent: Sent[]; raw: Buffer[] } {
  const sent: Sent[] = [];
  const raw: Buffer[] = [];
  const track = {
    sendMessageBinary(buf: Buffer) {
      raw.push(Buffer.from(buf));
      const rtp = new RtpView();
      parseRtp(buf, buf.length, rtp);
      const vp8 = new Vp8View();
      if (kind === 'video') parseVp8(buf, rtp.payloadOffset, rtp.payloadLength, vp8);
      sent.push({ seq: rtp.sequenceNumber, ts: rtp.timestamp, ssrc: rtp.ssrc, pt: rtp.payloadType, pictureId: vp8.pictureId, tl0: vp8.tl0PicIdx });
      return true;
    },
  };
  const slot = new SubscriberSlot('0', kind, 0xabcdef01, kind === 'video' ? 96 : 111, track as never, kind === 'video' ? 0x5555 : 0, kind === 'video' ? 97 : 0);
  slot.open = true;
  slot.lastSeq = lastSeq;
  slot.lastTs = 5000;
  slot.lastPictureId = 40;
  return { slot, sent, raw };
}

function fakeProducer(kind: 'audio' | 'video', liveLayers: number[]) {
  const keyframeRequests: number[] = [];
  const history = new PacketHistory(64, 1000);
  const producer = {
    kind,
    absSendTimeExtensionId: 0,
    history,
    copyFromHistory: (_layer: number, seq: number, now: number, out: Uint8Array) => history.copyTo(seq, now, out, 0),
    consumers: [],
    pickLayer: (preferred: number) => {
      const below = liveLayers.filter((l) => l <= preferred);
      return below.length ? Math.max(...below) : Math.min(...liveLayers);
    },
    requestKeyframe: (layer: number) => keyframeRequests.push(layer),
    replayLayer: () => 0,
    removeConsumer() {},
  } as unknown as Producer;
  return { producer, keyframeRequests };
}

/** VP8 packet with a 15-bit picture id and TL0PICIDX; keyframe when `key`. */
function vp8Packet(seq: number, ts: number, pictureId: number, key: boolean, ssrc: number, tl0 = 7): Buffer {
  const payload = [0x90, 0xc0, 0x80 | (pictureId >> 8), pictureId & 0xff, tl0, key ? 0x00 : 0x01, 0, 0, 0];
  return Buffer.from(buildRtp({ payloadType: 100, sequenceNumber: seq, timestamp: ts, ssrc, payload }));
}

function feed(consumer: Consumer, buf: Buffer, layer: number): void {
  const rtp = new RtpView();
  parseRtp(buf, buf.length, rtp);
  const vp8 = new Vp8View();
  parseVp8(buf, rtp.payloadOffset, rtp.payloadLength, vp8);
  consumer.forward(buf, rtp, vp8, layer, 0);
}

describe('Consumer', () => {
  it('forward before the first keyframe of the target layer sends nothing, then starts at the keyframe', () => {
    const { slot, sent } = fakeSlot('video');
    const { producer, keyframeRequests } = fakeProducer('video', [0, 1, 2]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    expect(consumer.targetLayer).toBe(2);
    expect(keyframeRequests).toEqual([2]);
    feed(consumer, vp8Packet(1, 1000, 10, false, 3), 2);
    expect(sent).toHaveLength(0);
    feed(consumer, vp8Packet(2, 4000, 11, true, 3), 2);
    feed(consumer, vp8Packet(3, 4000, 11, true, 3), 2);
    expect(sent.map((s) => s.seq)).toEqual([101, 102]);
    expect(sent.every((s) => s.ssrc === 0xabcdef01 && s.pt === 96)).toBe(true);
    expect(sent[0]!.pictureId).toBe(41);
    expect(sent[0]!.ts).toBe(8000);
  });

  it('a layer switch waits for a keyframe on the new layer and keeps seq, picture id and timestamp continuous', () => {
    const { slot, sent } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0, 1, 2]);
    const consumer = new Consumer('c', producer, slot);
    consumer.setPreferredLayer(0, 0);
    feed(consumer, vp8Packet(500, 90_000, 300, true, 1), 0);
    feed(consumer, vp8Packet(501, 93_000, 301, false, 1), 0);
    consumer.setPreferredLayer(2, 0);
    feed(consumer, vp8Packet(7000, 1_000_000, 9000, false, 3), 2); // delta on the new layer: not yet
    feed(consumer, vp8Packet(502, 96_000, 302, false, 1), 0); // old layer still flows
    feed(consumer, vp8Packet(7001, 1_003_000, 9001, true, 3), 2); // keyframe: switch
    feed(consumer, vp8Packet(503, 99_000, 303, false, 1), 0); // old layer now dropped
    feed(consumer, vp8Packet(7002, 1_006_000, 9002, false, 3), 2);
    expect(sent.map((s) => s.seq)).toEqual([101, 102, 103, 104, 105]);
    expect(sent.map((s) => s.pictureId)).toEqual([41, 42, 43, 44, 45]);
    const ts = sent.map((s) => s.ts);
    for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
    expect(consumer.currentLayer).toBe(2);
  });

  it('a repeated or older sequence number is dropped, never sent (libsrtp would refuse it)', () => {
    const { slot, sent } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    feed(consumer, vp8Packet(10, 0, 1, true, 1), 0);
    feed(consumer, vp8Packet(11, 0, 1, false, 1), 0);
    feed(consumer, vp8Packet(11, 0, 1, false, 1), 0);
    feed(consumer, vp8Packet(9, 0, 1, false, 1), 0);
    expect(sent.map((s) => s.seq)).toEqual([101, 102]);
  });

  it('skip() of an in-order padding packet closes the gap it would leave', () => {
    const { slot, sent } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    feed(consumer, vp8Packet(10, 0, 1, true, 1), 0);
    consumer.skip(0, 11);
    consumer.skip(0, 12);
    feed(consumer, vp8Packet(13, 0, 2, false, 1), 0);
    consumer.skip(1, 14); // another layer: no effect
    feed(consumer, vp8Packet(15, 0, 3, false, 1), 0); // 14 really lost: the gap stays
    expect(sent.map((s) => s.seq)).toEqual([101, 102, 104]);
  });

  it('sequence numbers wrap from 65535 to 0 without a gap', () => {
    const { slot, sent } = fakeSlot('video', 65534);
    const { producer } = fakeProducer('video', [0]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    for (let i = 0; i < 4; i++) feed(consumer, vp8Packet(20 + i, 0, 1, i === 0, 1), 0);
    expect(sent.map((s) => s.seq)).toEqual([65535, 0, 1, 2]);
  });

  it('an audio consumer forwards from the first packet with the slot ssrc and payload type', () => {
    const { slot, sent } = fakeSlot('audio');
    const { producer } = fakeProducer('audio', [0]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    for (let i = 0; i < 3; i++) {
      const buf = Buffer.from(buildRtp({ payloadType: 109, sequenceNumber: 40 + i, timestamp: 960 * i, ssrc: 9, payload: [1, 2, 3] }));
      const rtp = new RtpView();
      parseRtp(buf, buf.length, rtp);
      consumer.forward(buf, rtp, new Vp8View(), 0, 0);
    }
    expect(sent.map((s) => [s.seq, s.ts, s.ssrc, s.pt])).toEqual([
      [101, 5960, 0xabcdef01, 111],
      [102, 6920, 0xabcdef01, 111],
      [103, 7880, 0xabcdef01, 111],
    ]);
  });

  it('onNack answers with RTX: own SSRC, payload type and sequence, OSN = the lost packet, rewritten picture id', () => {
    const { slot, raw } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0]);
    const history = (producer as unknown as { history: PacketHistory }).history;
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    for (let i = 0; i < 3; i++) {
      const buf = vp8Packet(700 + i, 90_000, 900 + i, i === 0, 1);
      history.store(700 + i, buf, buf.length, 0);
      feed(consumer, buf, 0);
    }
    expect(raw).toHaveLength(3);
    consumer.onNack(102, 0b1, 10); // 102 and 103
    expect(raw).toHaveLength(5);
    const rtx = new RtpView();
    parseRtp(raw[3]!, raw[3]!.length, rtx);
    expect(rtx.ssrc).toBe(0x5555);
    expect(rtx.payloadType).toBe(97);
    const osn = (raw[3]![rtx.payloadOffset]! << 8) | raw[3]![rtx.payloadOffset + 1]!;
    expect(osn).toBe(102);
    const vp8 = new Vp8View();
    parseVp8(raw[3]!, rtx.payloadOffset + 2, rtx.payloadLength - 2, vp8);
    expect(vp8.pictureId).toBe(42); // publisher 901 → subscriber 42, as when first sent
    const second = new RtpView();
    parseRtp(raw[4]!, raw[4]!.length, second);
    expect(second.sequenceNumber).toBe((rtx.sequenceNumber + 1) & 0xffff);
    expect(consumer.retransmissions).toBe(2);
  });

  it('a packet lost upstream is retransmitted once the publisher resent it into the history', () => {
    const { slot, raw } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0]);
    const history = (producer as unknown as { history: PacketHistory }).history;
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    feed(consumer, vp8Packet(50, 0, 1, true, 1), 0);
    feed(consumer, vp8Packet(52, 0, 3, false, 1), 0); // 51 lost on the publisher's uplink
    const late = vp8Packet(51, 0, 2, false, 1);
    history.store(51, late, late.length, 5); // the publisher's retransmission arrives
    consumer.onNack(102, 0, 10);
    expect(raw).toHaveLength(3);
    const rtx = new RtpView();
    parseRtp(raw[2]!, raw[2]!.length, rtx);
    expect((raw[2]![rtx.payloadOffset]! << 8) | raw[2]![rtx.payloadOffset + 1]!).toBe(102);
  });

  it('onNack for a packet never sent, or gone from the history, sends nothing', () => {
    const { slot, raw } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0]);
    const consumer = new Consumer('c', producer, slot);
    consumer.update(0);
    feed(consumer, vp8Packet(10, 0, 1, true, 1), 0); // not stored in the history
    consumer.onNack(101, 0, 0);
    consumer.onNack(5000, 0, 0);
    expect(raw).toHaveLength(1);
  });

  it('a publisher stall (no layer live, allocation -1) keeps the layer: media resuming on it flows on without a keyframe', () => {
    const { slot, sent } = fakeSlot('video');
    const { producer } = fakeProducer('video', [0, 1, 2]);
    const consumer = new Consumer('c', producer, slot);
    consumer.setPreferredLayer(1, 0);
    feed(consumer, vp8Packet(500, 90_000, 300, true, 2), 1);
    feed(consumer, vp8Packet(501, 93_000, 301, false, 2), 1);
    consumer.setAllocatedLayer(-1, 0); // the allocator found nothing live
    feed(consumer, vp8Packet(502, 96_000, 302, false, 2), 1); // the publisher's media is back
    feed(consumer, vp8Packet(503, 99_000, 303, false, 2), 1);
    expect(sent.map((s) => s.seq)).toEqual([101, 102, 103, 104]);
    expect(consumer.currentLayer).toBe(1);
  });

  it('close() detaches the consumer from its slot', () => {
    const { slot } = fakeSlot('audio');
    const { producer } = fakeProducer('audio', [0]);
    const consumer = new Consumer('c', producer, slot);
    slot.consumer = consumer;
    consumer.close();
    expect(slot.consumer).toBeNull();
  });
});
