// Unit tests of the client's RTP/VP8/RTCP writers against its parsers.
import { describe, expect, it } from 'vitest';
import { isRtcp, parseRtp, seqDelta, writeRtp } from './rtp.js';
import { parseVp8Descriptor, writeVp8Descriptor } from './vp8.js';
import { buildNack, buildPli, buildReceiverReport, parseRtcp } from './rtcp.js';

describe('rtp', () => {
  it('writeRtp with a one-byte extension parses back to the same header, extension and payload', () => {
    const packet = writeRtp({ payloadType: 96, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef,
      extensions: [{ id: 4, data: Buffer.from('h') }], payload: [Buffer.from([1, 2]), Buffer.from([3])] });
    const h = parseRtp(packet)!;
    expect(h).toMatchObject({ payloadType: 96, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payloadLength: 3 });
    expect(h.extensions.get(4)?.toString()).toBe('h');
    expect([...packet.subarray(h.payloadOffset)]).toEqual([1, 2, 3]);
    expect(isRtcp(packet)).toBe(false);
  });

  it('seqDelta wraps at 16 bits', () => {
    expect(seqDelta(65535, 1)).toBe(2);
    expect(seqDelta(1, 65535)).toBe(-2);
  });

  it('VP8 descriptor: 15-bit picture id, TL0PICIDX and the keyframe bit of the first packet', () => {
    const buf = Buffer.alloc(8);
    writeVp8Descriptor(buf, 0, true, 0x7abc, 200);
    buf[6] = 0x10; // P bit 0: keyframe
    const d = parseVp8Descriptor(buf)!;
    expect(d).toMatchObject({ startOfFrame: true, pictureId: 0x7abc, pictureIdBits: 15, tl0PicIdx: 200, temporalId: 0, keyframe: true, headerLength: 6 });
    writeVp8Descriptor(buf, 0, false, 1, 2);
    expect(parseVp8Descriptor(buf)!.keyframe).toBe(false);
  });

  it('RTCP: PLI, NACK (packed PID+BLP across the wrap) and RR parse back', () => {
    const seen: string[] = [];
    const h = {
      onPli: (s: number) => seen.push(`pli ${s}`),
      onNack: (s: number, pid: number, blp: number) => seen.push(`nack ${s} ${pid} ${blp}`),
      onReportBlock: (s: number, f: number, lost: number) => seen.push(`rr ${s} ${f} ${lost}`),
    };
    expect(isRtcp(buildPli(1, 2))).toBe(true);
    parseRtcp(buildPli(1, 2), h);
    parseRtcp(buildNack(1, 7, [65534, 65535, 0, 40]), h);
    parseRtcp(buildReceiverReport(1, [{ ssrc: 9, fractionLost: 3, cumulativeLost: -1, extendedHighestSeq: 5, jitter: 0, lsr: 0, dlsr: 0 }]), h);
    expect(seen).toEqual(['pli 2', 'nack 7 65534 3', 'nack 7 40 0', 'rr 9 3 -1']);
  });
});
