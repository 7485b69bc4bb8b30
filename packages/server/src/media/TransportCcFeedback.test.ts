import { describe, expect, it } from 'vitest';
import { TRANSPORT_CC_INTERVAL_MS, TransportCcFeedback } from './TransportCcFeedback.js';
import { parseRtcp } from './rtp/rtcp.js';
import { parseTransportCcFeedback } from './rtp/transportCc.js';

/** A feedback generator whose packets are parsed back into [seq, arrivalMs] pairs. */
function harness() {
  const reports: Array<Array<[number, number]>> = [];
  const feedback = new TransportCcFeedback(0xabc, (packet) => {
    const entries: Array<[number, number]> = [];
    const ok = parseRtcp(packet, packet.length, {
      onTransportCc: (_s, buf, offset, end) => {
        parseTransportCcFeedback(buf, offset, end, { onFeedbackPacket: (seq, ms) => entries.push([seq, ms]) });
      },
    });
    expect(ok).toBe(true);
    reports.push(entries);
  });
  return { feedback, reports, all: () => reports.flat() };
}

describe('TransportCcFeedback', () => {
  it('reports every packet once, at most every interval, across the 16-bit wrap, with losses', () => {
    const { feedback, reports, all } = harness();
    let now = 1000;
    const expected: Array<[number, number]> = [];
    for (let i = 0; i < 300; i++) {
      const seq = (65400 + i) & 0xffff;
      now += 3;
      if (i % 50 === 7) {
        expected.push([seq, -1]);
        continue;
      }
      expected.push([seq, now]);
      feedback.onPacket(seq, 0x55, now);
    }
    feedback.flush(now);
    // ~900 ms of packets, one feedback per 50 ms at most (plus the final flush).
    expect(reports.length).toBeGreaterThanOrEqual(900 / TRANSPORT_CC_INTERVAL_MS - 1);
    expect(reports.length).toBeLessThanOrEqual(900 / TRANSPORT_CC_INTERVAL_MS + 2);
    expect(all()).toEqual(expected);
  });

  it('a late packet after its feedback is not reported twice; a reordered one within the window is', () => {
    const { feedback, all } = harness();
    feedback.onPacket(10, 1, 100);
    feedback.onPacket(12, 1, 101); // 11 missing for now
    feedback.onPacket(11, 1, 102); // arrives reordered before any feedback
    feedback.flush(103);
    feedback.onPacket(9, 1, 104); // older than everything reported: ignored
    feedback.onPacket(13, 1, 160);
    feedback.flush(200);
    expect(all()).toEqual([[10, 100], [11, 102], [12, 101], [13, 160]]);
  });

  it('a jump beyond its ring starts over instead of reporting a thousand losses', () => {
    const { feedback, all } = harness();
    feedback.onPacket(1, 1, 100);
    feedback.onPacket(5000, 1, 120);
    feedback.onPacket(5001, 1, 121);
    feedback.flush(200);
    expect(all()).toEqual([[1, 100], [5000, 120], [5001, 121]]);
  });
});
