// The `quality` command's figures from a real Producer fed crafted RTP: what a publisher sent is
// counted by sequence number, retransmissions apart, bytes summed, relay copies left out.
import { describe, expect, it } from 'vitest';
import { Producer } from './Producer.js';
import { buildRtp } from './rtp/testPackets.js';
import { producerQuality, qualityReport } from './qualityReport.js';

const audio = (id = 'mic') => new Producer({ id, group: null, kind: 'audio', payloadType: 111, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
const packet = (seq: number) => Buffer.from(buildRtp({ payloadType: 111, sequenceNumber: seq, timestamp: seq * 960, ssrc: 0xa1, payload: new Array(100).fill(1) }));

describe('quality report', () => {
  it('a producer that got 95 of 100 packets, then 2 of the missing late, reports expected 100, received 97, late 2', () => {
    const p = audio();
    const lost = new Set([3, 20, 40, 60, 80]);
    for (let seq = 1; seq <= 100; seq++) if (!lost.has(seq)) p.receive(packet(seq));
    p.receive(packet(3));
    p.receive(packet(20));
    const q = producerQuality(p);
    expect(q).toMatchObject({ producerId: 'mic', kind: 'audio', packetsExpected: 100, packetsReceived: 97, packetsLate: 2 });
    expect(q.bytesReceived).toBe(97 * packet(1).length);
  });

  it('packets of another payload type (RTX, FEC) do not count; a relay copy of a producer is left out', () => {
    const p = audio();
    p.receive(packet(1));
    p.receive(Buffer.from(buildRtp({ payloadType: 97, sequenceNumber: 500, ssrc: 0xb2 })));
    expect(producerQuality(p).packetsReceived).toBe(1);
    const relay = audio('relay');
    relay.keyframeRelay = () => {};
    const report = qualityReport([{ producers: new Map([['mic', p], ['relay', relay]]), subscribers: new Map() }]);
    expect(report.producers.map((x) => x.producerId)).toEqual(['mic']);
    expect(report.subscribers).toEqual([]);
  });
});
