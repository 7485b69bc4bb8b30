// The pipe between two workers' hubs, over real 127.0.0.1 UDP: every packet the origin producer
// accepts reaches the relay's producer byte for byte (even when an origin consumer rewrites it in
// place right after), on the origin's layer; keyframe requests travel back to the origin.
import { afterEach, describe, expect, it } from 'vitest';
import { PipeHub } from './PipeHub.js';
import { Producer, type PacketSink, type ProducerParams } from '../Producer.js';
import { buildRtp } from '../rtp/testPackets.js';
import { Consumer } from '../Consumer.js';
import { SubscriberSlot } from '../SubscriberSlot.js';

const params: ProducerParams = { id: 'cam', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 };
const hubs: PipeHub[] = [];
afterEach(() => {
  for (const h of hubs.splice(0)) h.close();
});

function collector(): PacketSink & { packets: Array<{ bytes: Buffer; layer: number }> } {
  const packets: Array<{ bytes: Buffer; layer: number }> = [];
  return {
    packets,
    forward(buf, _rtp, _vp8, layer) {
      packets.push({ bytes: Buffer.from(buf), layer });
    },
    skip() {},
    resync() {},
  };
}

/** Two listening hubs and an origin producer whose keyframe requests are recorded. */
async function hubPair() {
  const origin = new PipeHub();
  const relay = new PipeHub();
  hubs.push(origin, relay);
  const originPort = await origin.listen();
  const relayPort = await relay.listen();
  const source = new Producer(params);
  const keyframeAsks: number[] = [];
  source.keyframeRelay = (layer) => keyframeAsks.push(layer);
  return { origin, relay, originPort, relayPort, source, keyframeAsks };
}

/** A VP8 inter frame packet (S bit, partition 0, P bit set: not a keyframe). */
const packet = (seq: number) => Buffer.from(buildRtp({ sequenceNumber: seq, timestamp: 90000 + seq * 3000, ssrc: 0x1234, payload: [0x10, 0x01, seq & 0xff, 7, 7, 7] }));

describe('PipeHub', () => {
  it('carries the origin producer\'s packets to the relay producer unchanged, and keyframe requests back', async () => {
    const { origin, relay, originPort, relayPort, source, keyframeAsks } = await hubPair();
    // An origin consumer that rewrites the SSRC in place, as Consumer.forward does.
    source.consumers.push({ forward: (buf) => buf.writeUInt32BE(0xdeadbeef, 8), skip() {}, resync() {} });
    await origin.pipeOut(source, 7, relayPort);

    const copy = await relay.pipeIn(params, 7, originPort, () => {});
    const received = collector();
    copy.consumers.push(received);

    const sent: Buffer[] = [];
    for (let seq = 1; seq <= 20; seq++) {
      const p = packet(seq);
      sent.push(Buffer.from(p));
      source.onPipedPacket(p, 1); // as if it arrived from the publisher on layer 1
    }
    const deadline = Date.now() + 3000;
    while (received.packets.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.packets.map((p) => p.bytes)).toEqual(sent);
    expect(received.packets.every((p) => p.layer === 1)).toBe(true);
    expect(copy.isLayerLive(1, performance.now())).toBe(true);
    expect(copy.pickLayer(2, performance.now())).toBe(1);

    keyframeAsks.length = 0; // pipeOut itself asks for keyframes of every layer
    copy.requestKeyframe(1, performance.now());
    const kfDeadline = Date.now() + 3000;
    while (keyframeAsks.length === 0 && Date.now() < kfDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(keyframeAsks).toEqual([1]);

    // Closing the pipe stops the copy.
    origin.closePipe(7);
    source.onPipedPacket(packet(21), 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(received.packets.length).toBe(20);
  });
});

describe('PipeHub fast start', () => {
  it('a relay consumer opening right after a keyframe gets it replayed from the relay\'s own history, without a keyframe request to the origin', async () => {
    const { origin, relay, originPort, relayPort, source, keyframeAsks } = await hubPair();
    await origin.pipeOut(source, 9, relayPort);
    const copy = await relay.pipeIn(params, 9, originPort, () => {});
    const arrived = collector();
    copy.consumers.push(arrived);

    // A keyframe (P bit clear) then two inter frames, through the pipe.
    const key = Buffer.from(buildRtp({ sequenceNumber: 50, timestamp: 90000, ssrc: 0x1234, payload: [0x10, 0x00, 9, 9, 9] }));
    source.onPipedPacket(key, 0);
    source.onPipedPacket(packet(51), 0);
    source.onPipedPacket(packet(52), 0);
    const deadline = Date.now() + 3000;
    while (arrived.packets.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(arrived.packets.length).toBe(3);
    keyframeAsks.length = 0;

    const sent: number[] = [];
    const track = { sendMessageBinary: (buf: Buffer) => sent.push(buf.readUInt16BE(2)) };
    const slot = new SubscriberSlot('0', 'video', 0xabcdef01, 96, track as never, 0x5555, 97);
    slot.lastSeq = 700;
    const consumer = new Consumer('relay-sub', copy, slot);
    copy.consumers.push(consumer);
    slot.open = true;
    consumer.onSlotOpen(performance.now());
    expect(sent).toEqual([701, 702, 703]);
    expect(consumer.fastStarts).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(keyframeAsks).toEqual([]);
  });
});
