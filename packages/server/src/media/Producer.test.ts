import { describe, expect, it } from 'vitest';
import { Producer } from './Producer.js';
import { buildRtp } from './rtp/testPackets.js';

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
