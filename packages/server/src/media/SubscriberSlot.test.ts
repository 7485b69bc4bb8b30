import { describe, expect, it } from 'vitest';
import { SubscriberSlot } from './SubscriberSlot.js';
import { TransportCcEstimator } from './TransportCcEstimator.js';
import { RtpView, findHeaderExtension, parseRtp } from './rtp/rtpPacket.js';
import { buildRtp } from './rtp/testPackets.js';

function slotWith(sent: Buffer[]): SubscriberSlot {
  const track = { sendMessageBinary: (buf: Buffer) => sent.push(Buffer.from(buf)) };
  return new SubscriberSlot('0', 'video', 0x1234, 96, track as never, 0x5678, 97);
}

describe('SubscriberSlot.send with transport-cc', () => {
  it('restamps the transport-wide sequence number in place, relabelled to our id, numbering per transport', () => {
    const sent: Buffer[] = [];
    const estimator = new TransportCcEstimator(() => 0);
    const a = slotWith(sent);
    const b = slotWith(sent);
    for (const slot of [a, b]) {
      slot.transportCc = estimator;
      slot.transportCcId = 3;
    }
    // The publisher's packet: abs-send-time at id 2, its transport-wide number 0xbeef at id 5.
    const view = new RtpView();
    for (const slot of [a, b, a]) {
      const pkt = Buffer.from(buildRtp({ extensions: [{ id: 2, data: [1, 2, 3] }, { id: 5, data: [0xbe, 0xef] }] }));
      parseRtp(pkt, pkt.length, view);
      expect(slot.send(pkt, findHeaderExtension(pkt, view, 5), 10)).toBe(true);
    }
    const numbers = sent.map((pkt) => {
      parseRtp(pkt, pkt.length, view);
      expect(findHeaderExtension(pkt, view, 5)).toBe(-1);
      const at = findHeaderExtension(pkt, view, 3);
      return (pkt[at]! << 8) | pkt[at + 1]!;
    });
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('leaves packets alone without an offset or without an estimator', () => {
    const sent: Buffer[] = [];
    const slot = slotWith(sent);
    const pkt = Buffer.from(buildRtp({ extensions: [{ id: 5, data: [0xbe, 0xef] }] }));
    const copy = Buffer.from(pkt);
    slot.send(pkt, 17, 0); // no estimator
    slot.transportCc = new TransportCcEstimator(() => 0);
    slot.send(pkt, -1, 0); // no offset
    expect(sent).toEqual([copy, copy]);
  });
});
