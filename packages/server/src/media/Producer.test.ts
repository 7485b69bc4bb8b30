import { describe, expect, it } from 'vitest';
import { Producer } from './Producer.js';
import { buildRtp } from './rtp/testPackets.js';
import { parseRtcp } from './rtp/rtcp.js';

function simulcastProducer(): Producer {
  return new Producer({ id: 'p', group: null, kind: 'video', payloadType: 96, simulcast: true, rids: ['q', 'h', 'f'], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
}

/** One VP8 packet (keyframe start) on `layer`, as a relay would hand it over. */
function feed(producer: Producer, layer: number, seq: number): void {
  const payload = [0x90, 0x80, 0x01, 0x00, 0x00, 0, 0, 0];
  producer.onPipedPacket(Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 1000 + layer, payload })), layer);
}

describe('Producer layer liveness', () => {
  it('an upper simulcast layer that went quiet while a lower one keeps sending counts as paused after 350 ms, not 700', () => {
    const producer = simulcastProducer();
    for (const layer of [0, 1, 2]) feed(producer, layer, 1);
    const [low, mid, high] = producer.layers;
    // The browser stopped the middle layer at t=1000; the low one kept going until t=1400.
    low!.lastPacketMs = 1400;
    mid!.lastPacketMs = 1000;
    high!.lastPacketMs = 1400;
    expect(producer.isLayerLive(1, 1400)).toBe(false);
    expect(producer.pickLayer(1, 1400)).toBe(0);
    expect(producer.isLayerLive(2, 1400)).toBe(true);
    // Short gaps are normal (frame spacing, a keyframe being paced): still live.
    mid!.lastPacketMs = 1200;
    expect(producer.isLayerLive(1, 1400)).toBe(true);
  });

  it('when every layer is quiet (the camera stalled), nothing is declared paused before the 700 ms timeout', () => {
    const producer = simulcastProducer();
    for (const layer of [0, 1, 2]) feed(producer, layer, 1);
    for (const layer of producer.layers) layer!.lastPacketMs = 1000;
    expect(producer.isLayerLive(2, 1500)).toBe(true);
    expect(producer.pickLayer(2, 1500)).toBe(2);
    expect(producer.isLayerLive(2, 1700)).toBe(false);
  });
});

describe('Producer layer choice after a pause', () => {
  it('a middle layer that paused and came back is not picked again until it held for 8 s; the low one is', () => {
    const producer = simulcastProducer();
    for (const layer of [0, 1, 2]) feed(producer, layer, 1);
    const [low, mid, high] = producer.layers;
    const t0 = performance.now() - 10_000;
    // The browser paused the middle layer (and the top one); the low one kept going.
    low!.lastPacketMs = t0 + 1000;
    mid!.lastPacketMs = high!.lastPacketMs = t0;
    expect(producer.pickLayer(1, t0 + 1000)).toBe(0);
    // The middle layer comes back (a real packet: that is what marks it resumed).
    feed(producer, 1, 2);
    const now = performance.now();
    low!.lastPacketMs = now;
    expect(producer.isLayerLive(1, now)).toBe(true);
    expect(producer.pickLayer(1, now)).toBe(0);
    mid!.lastPacketMs = low!.lastPacketMs = now + 5000;
    expect(producer.pickLayer(1, now + 5000)).toBe(0);
    // Flowing steadily for 8 s: picked again.
    mid!.lastPacketMs = low!.lastPacketMs = now + 8000;
    expect(producer.pickLayer(1, now + 8000)).toBe(1);
  });

  it('when only a resumed layer is live (the camera came back), it is picked at once', () => {
    const producer = simulcastProducer();
    for (const layer of [0, 1, 2]) feed(producer, layer, 1);
    for (const layer of producer.layers) layer!.lastPacketMs = performance.now() - 5000;
    feed(producer, 2, 2);
    expect(producer.pickLayer(2, performance.now())).toBe(2);
  });
});

describe('Producer feedback to the publisher', () => {
  /** A publisher sending 100 VP8 packets with every fourth lost; returns the REMB we answer with. */
  function rembAfterLossySecond(transportCcExtensionId: number): number {
    const producer = new Producer({ id: 'p', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0, transportCcExtensionId });
    let deliver: (buf: Buffer) => void = () => {};
    const rtcp: Buffer[] = [];
    producer.attach({ onMessage: (cb: (b: Buffer) => void) => (deliver = cb), sendMessageBinary: (b: Buffer) => rtcp.push(Buffer.from(b)) } as never);
    for (let seq = 1; seq <= 100; seq++) {
      if (seq % 4 === 0) continue;
      const payload = [0x90, 0x80, 0x01, 0x00, seq === 1 ? 0x00 : 0x01, 0, 0, 0];
      deliver(Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 77, payload, extensions: [{ id: 3, data: [0, seq] }] })));
    }
    const now = performance.now();
    producer.tick(now, 1000);
    rtcp.length = 0;
    producer.sendFeedback(now);
    let remb = -1;
    for (const packet of rtcp) parseRtcp(packet, packet.length, { onRemb: (_sender, bps) => (remb = bps) });
    return remb;
  }

  it('with transport-cc feedback going to the browser, a lossy second does not cut REMB (its own estimator handles loss)', () => {
    expect(rembAfterLossySecond(3)).toBeGreaterThanOrEqual(2_900_000);
  });

  it('without transport-cc, REMB follows the loss down (the fallback)', () => {
    expect(rembAfterLossySecond(0)).toBeLessThan(1_000_000);
  });
});
