// Issue #14, media plane: a packet whose handling throws is counted and dropped at the entry point;
// the worker lives on and the track keeps being processed. And the per-subscriber RTCP budget.
import { describe, expect, it } from 'vitest';
import type { Track } from 'node-datachannel';
import { Producer, type PacketSink } from './Producer.js';
import { buildRtp } from './rtp/testPackets.js';
import { mediaCounters } from './mediaCounters.js';
import { SubscriberRtcpGate, RTCP_BURST, RTCP_PACKETS_PER_SECOND } from './SubscriberRtcpGate.js';
import { writePli } from './rtp/rtcp.js';
import { PipeHub } from './pipe/PipeHub.js';

/** A node-datachannel Track stand-in: keeps the onMessage callback the producer registers. */
function fakeTrack(): { track: Track; deliver: (buf: Buffer) => void } {
  let callback: ((msg: Buffer) => void) | null = null;
  const track = { onMessage: (cb: (msg: Buffer) => void) => (callback = cb), sendMessageBinary: () => true } as unknown as Track;
  return { track, deliver: (buf) => callback!(buf) };
}

const audioPacket = (seq: number) => Buffer.from(buildRtp({ payloadType: 111, sequenceNumber: seq, timestamp: seq * 960, ssrc: 7, payload: [1, 2, 3, 4] }));

describe('packet path exception guard', () => {
  it('a consumer that throws on one packet: the track callback does not throw, the error is counted, the next packets still flow', () => {
    const producer = new Producer({ id: 'p', group: null, kind: 'audio', payloadType: 111, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
    const { track, deliver } = fakeTrack();
    producer.attach(track);
    const forwarded: number[] = [];
    const sink: PacketSink = {
      skip() {},
      resync() {},
      forward(_buf, rtp) {
        if (rtp.sequenceNumber === 2) throw new TypeError('a bug in a rewrite');
        forwarded.push(rtp.sequenceNumber);
      },
    };
    producer.consumers.push(sink);
    const before = mediaCounters.packetErrors;
    for (let seq = 1; seq <= 4; seq++) expect(() => deliver(audioPacket(seq))).not.toThrow();
    expect(forwarded).toEqual([1, 3, 4]);
    expect(mediaCounters.packetErrors - before).toBe(1);
    expect(producer.packetsIn).toBe(4);
  });

  it('PipeHub datagrams that make the relay producer throw are counted and dropped, not thrown', () => {
    const hub = new PipeHub();
    const producer = new Producer({ id: 'r', group: null, kind: 'audio', payloadType: 111, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
    producer.consumers.push({ skip() { throw new Error('skip bug'); }, resync() { throw new Error('resync bug'); }, forward() { throw new Error('forward bug'); } });
    (hub as unknown as { incoming: Map<number, unknown> }).incoming.set(9, { producer, onClose() {} });
    const datagram = (type: number, body: Buffer = Buffer.alloc(0)) => {
      const head = Buffer.alloc(8);
      head[0] = type;
      head[1] = 0;
      head.writeUInt32BE(9, 4);
      return Buffer.concat([head, body]);
    };
    const before = mediaCounters.packetErrors;
    for (const msg of [datagram(1, audioPacket(1)), datagram(2), datagram(3)]) expect(() => hub.onMessage(msg)).not.toThrow();
    expect(mediaCounters.packetErrors - before).toBe(3);
    hub.close();
  });
});

describe('SubscriberRtcpGate', () => {
  it('a flood of RTCP from one subscriber is parsed up to its budget (burst + rate), the rest dropped and counted', () => {
    const gate = new SubscriberRtcpGate();
    const pli = new Uint8Array(12);
    writePli(pli, 0, 1, 2);
    let plis = 0;
    const handler = { onPli: () => plis++ };
    const before = mediaCounters.rtcpDropped;
    // 10,000 packets within one second.
    for (let i = 0; i < 10_000; i++) gate.handle(pli, handler, 5000 + i / 10);
    expect(plis).toBeLessThanOrEqual(RTCP_BURST + RTCP_PACKETS_PER_SECOND + 1);
    expect(plis).toBeGreaterThanOrEqual(RTCP_PACKETS_PER_SECOND);
    expect(gate.dropped).toBe(10_000 - plis);
    expect(mediaCounters.rtcpDropped - before).toBe(gate.dropped);
  });

  it('an honest subscriber (50 RTCP packets a second, 20 slots each seeing every compound) is never dropped', () => {
    const gate = new SubscriberRtcpGate();
    const pli = new Uint8Array(12);
    writePli(pli, 0, 1, 2);
    for (let i = 0; i < 50 * 20 * 10; i++) gate.handle(pli, {}, 1000 + Math.floor(i / 20) * 20);
    expect(gate.dropped).toBe(0);
  });
});

describe('forward rewrite stays inside the elements it owns (found by the forward-path fuzz target)', () => {
  it('a publisher packet whose abs-send-time element is 1 byte (not 3) is forwarded without the stamp spilling into the next bytes', async () => {
    const { Consumer } = await import('./Consumer.js');
    const { SubscriberSlot } = await import('./SubscriberSlot.js');
    const producer = new Producer({ id: 'p', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 2, transportCcExtensionId: 3 });
    const sent: Buffer[] = [];
    const slot = new SubscriberSlot('0', 'video', 0x1000, 96, { sendMessageBinary: (b: Buffer) => (sent.push(Buffer.from(b)), true) } as never, 0x2000, 97);
    slot.open = true;
    const consumer = new Consumer('c', producer, slot);
    slot.consumer = consumer;
    producer.consumers.push(consumer);
    const { track, deliver } = fakeTrack();
    producer.attach(track);
    // Extension block: abs-send-time (id 2) with ONE data byte, then transport-cc (id 3) with ONE byte, then
    // a 4-byte element 5 that must come out untouched; VP8 keyframe payload.
    const packet = (seq: number) => Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: seq, timestamp: 3000 * seq, ssrc: 5, extForm: 'one', extensions: [{ id: 2, data: [0xaa] }, { id: 3, data: [0xbb] }, { id: 5, data: [1, 2, 3, 4] }], payload: [0x10, 0x00, 0x9d, 0x01, 0x2a, 7, 7, 7] }));
    deliver(packet(1));
    consumer.update(performance.now());
    deliver(packet(2));
    expect(sent.length).toBeGreaterThan(0);
    const original = packet(2);
    const out = sent[sent.length - 1]!;
    expect(out.length).toBe(original.length);
    // Everything after the fixed header is unchanged: no element was the size the forwarder stamps.
    expect([...out.subarray(12)]).toEqual([...original.subarray(12)]);
  });
});
