// Fast start: a real Producer (fed as a relay copy is, without a publisher's track) and a real
// Consumer on a slot whose track records what the subscriber would receive.
import { describe, expect, it } from 'vitest';
import { Producer, type ProducerParams } from './Producer.js';
import { Consumer } from './Consumer.js';
import { SubscriberSlot } from './SubscriberSlot.js';
import { RtpView, parseRtp } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8 } from './rtp/vp8.js';
import { buildRtp } from './rtp/testPackets.js';
import { MAX_REPLAY_PACKETS } from './keyframeReplay.js';

const params: ProducerParams = { id: 'cam', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 };
const SSRC = 0x1234;
const TS0 = 900_000;

interface Received {
  seq: number;
  ts: number;
  pictureId: number;
  keyframeStart: boolean;
  /** The payload byte after the descriptor: identifies which source packet this was. */
  tag: number;
}

/**
 * VP8 packet of frame `frame` (timestamp and picture id follow it); the first packet of a frame
 * has the S bit; a keyframe's first packet has the P bit clear. `tag` ends up in the payload.
 */
function vp8(seq: number, frame: number, opts: { key?: boolean; start?: boolean; tag?: number } = {}): Buffer {
  const start = opts.start ?? true;
  const pictureId = (100 + frame) & 0x7fff;
  const descriptor = [start ? 0x90 : 0x80, 0x80, 0x80 | (pictureId >> 8), pictureId & 0xff];
  const header = start ? [opts.key ? 0x00 : 0x01] : [0x55];
  return Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: TS0 + frame * 3000, ssrc: SSRC, payload: [...descriptor, ...header, opts.tag ?? seq & 0xff, 0, 0] }));
}

/** Padding only (the browser probing its uplink): no payload, 8 bytes of padding. */
function padding(seq: number): Buffer {
  return Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: TS0, ssrc: SSRC, payload: [], padding: 8 }));
}

function setup() {
  const producer = new Producer(params);
  const keyframeRequests: number[] = [];
  producer.keyframeRelay = (layer) => keyframeRequests.push(layer);
  const received: Received[] = [];
  const track = {
    sendMessageBinary(buf: Buffer) {
      const rtp = new RtpView();
      parseRtp(buf, buf.length, rtp);
      const vp8View = new Vp8View();
      parseVp8(buf, rtp.payloadOffset, rtp.payloadLength, vp8View);
      received.push({ seq: rtp.sequenceNumber, ts: rtp.timestamp, pictureId: vp8View.pictureId, keyframeStart: vp8View.isKeyframe, tag: buf[rtp.payloadOffset + 5]! });
      return true;
    },
  };
  const slot = new SubscriberSlot('0', 'video', 0xabcdef01, 96, track as never, 0x5555, 97);
  slot.lastSeq = 5000;
  slot.lastTs = 70_000;
  slot.lastPictureId = 40;
  const consumer = new Consumer('c', producer, slot);
  producer.consumers.push(consumer);
  const feed = (buf: Buffer) => producer.onPipedPacket(buf, 0);
  const open = (nowMs = performance.now()) => {
    slot.open = true;
    consumer.onSlotOpen(nowMs);
  };
  return { producer, consumer, slot, keyframeRequests, received, feed, open };
}

/** Delta frames 0-1, keyframe (frame 2, three packets), delta frames 3-4: seqs 10..17. */
function feedGop(feed: (b: Buffer) => void): void {
  feed(vp8(10, 0));
  feed(vp8(11, 1));
  feed(vp8(12, 2, { key: true }));
  feed(vp8(13, 2, { start: false }));
  feed(vp8(14, 2, { start: false }));
  feed(vp8(15, 3));
  feed(vp8(16, 4));
  feed(vp8(17, 4, { start: false }));
}

describe('Producer fast start (replay from the last keyframe)', () => {
  it('a slot opening within 300 ms of the layer\'s keyframe gets that keyframe and the frames after it at once, then live, with no keyframe request', () => {
    const { keyframeRequests, received, feed, open, consumer } = setup();
    feedGop(feed);
    expect(received).toEqual([]); // the slot was not open: nothing forwarded live
    open();
    expect(keyframeRequests).toEqual([]);
    expect(consumer.fastStarts).toBe(1);
    // Replayed: the keyframe's three packets and the two delta frames, none of the earlier frames.
    expect(received.map((r) => r.tag)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(received[0]!.keyframeStart).toBe(true);
    // One continuous stream: the slot's numbering goes on, timestamps and picture ids keep their spacing.
    expect(received.map((r) => r.seq)).toEqual([5001, 5002, 5003, 5004, 5005, 5006]);
    const ts0 = received[0]!.ts;
    expect(received.map((r) => r.ts - ts0)).toEqual([0, 0, 0, 3000, 6000, 6000]);
    expect(received.map((r) => r.pictureId)).toEqual([41, 41, 41, 42, 43, 43]);

    feed(vp8(18, 5));
    expect(received.at(-1)).toMatchObject({ tag: 18, seq: 5007, ts: ts0 + 9000, pictureId: 44 });
  });

  it('padding inside the replayed range closes up as live forwarding does: no sequence gap', () => {
    const { received, feed, open } = setup();
    feed(vp8(20, 0, { key: true }));
    feed(padding(21));
    feed(vp8(22, 1));
    open();
    expect(received.map((r) => r.tag)).toEqual([20, 22]);
    expect(received.map((r) => r.seq)).toEqual([5001, 5002]);
  });

  it('a keyframe older than the encoder\'s 300 ms gap is not replayed: a keyframe is requested and nothing is sent', () => {
    const { keyframeRequests, received, feed, open, consumer } = setup();
    feedGop(feed);
    open(performance.now() + 400);
    expect(received).toEqual([]);
    expect(keyframeRequests).toEqual([0]);
    expect(consumer.fastStarts).toBe(0);
  });

  it('a range longer than the replay bound is not replayed: the consumer waits for a keyframe as before', () => {
    const { consumer, keyframeRequests, received, feed, open } = setup();
    feed(vp8(1, 0, { key: true }));
    for (let i = 1; i <= MAX_REPLAY_PACKETS; i++) feed(vp8(1 + i, i));
    open();
    expect(received).toEqual([]);
    expect(consumer.fastStarts).toBe(0);
    consumer.update(performance.now() + 400); // the next tick once the encoder would listen
    expect(keyframeRequests).toEqual([0]);
  });

  it('after packets were shed (overload) the range is not replayed across the hole', () => {
    const { producer, keyframeRequests, received, feed, open } = setup();
    feedGop(feed);
    producer.resyncConsumers(0); // what shedding (or the pipe's RESYNC) does
    feed(vp8(18, 5));
    open();
    expect(received).toEqual([]);
    feed(vp8(19, 6, { key: true })); // the keyframe shedding waits for: forwarded live
    expect(received.map((r) => r.tag)).toEqual([19]);
    expect(keyframeRequests).toEqual([]);
  });

  it('a consumer whose transport is connecting asks for the keyframe before its slot opens, and gets it replayed when it opens', () => {
    const { consumer, keyframeRequests, received, feed, open } = setup();
    feed(vp8(30, 0)); // the layer is live, its last keyframe long gone
    consumer.onTransportConnecting(performance.now());
    expect(keyframeRequests).toEqual([0]);
    feed(vp8(31, 1, { key: true })); // the answer, while DTLS completes: not forwarded yet
    feed(vp8(32, 2));
    expect(received).toEqual([]);
    open();
    expect(received.map((r) => r.tag)).toEqual([31, 32]);
    expect(received[0]!.keyframeStart).toBe(true);
    expect(keyframeRequests).toEqual([0]); // one request in all
  });

  it('a resumed consumer starts again from the recent keyframe instead of waiting', () => {
    const { consumer, keyframeRequests, received, feed, open } = setup();
    feed(vp8(9, 0));
    open(); // no keyframe yet: asks for one
    expect(keyframeRequests).toEqual([0]);
    feedGop(feed); // live: starts at the keyframe (seq 12)
    expect(received.map((r) => r.tag)).toEqual([12, 13, 14, 15, 16, 17]);
    consumer.setPaused(true, performance.now());
    feed(vp8(18, 5));
    keyframeRequests.length = 0;
    consumer.setPaused(false, performance.now());
    expect(keyframeRequests).toEqual([]);
    // Replayed again from the keyframe, numbered on after what the subscriber already has.
    expect(received.slice(6).map((r) => r.tag)).toEqual([12, 13, 14, 15, 16, 17, 18]);
    expect(received.slice(6).map((r) => r.seq)).toEqual([5007, 5008, 5009, 5010, 5011, 5012, 5013]);
    expect(received[6]!.keyframeStart).toBe(true);
  });
});
