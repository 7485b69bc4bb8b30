import { describe, it, expect } from 'vitest';
import {
  RtpView, findHeaderExtension, headerExtensionLength, isRtcpPacket, parseRtp, readAudioLevel, readRid,
  readVoiceActivity, writePayloadType, writeSequenceNumber, writeSsrc, writeTimestamp,
} from './rtpPacket.js';
import { buildRtp, headerLength } from './testPackets.js';

function parsed(pkt: Uint8Array): RtpView {
  const v = new RtpView();
  expect(parseRtp(pkt, pkt.length, v)).toBe(true);
  return v;
}

describe('isRtcpPacket', () => {
  it('isRtcpPacket with byte 1 in 192..223 returns true, RTP payload types false', () => {
    expect(isRtcpPacket(Uint8Array.from([0x80, 200]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x81, 206]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x80, 223]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x80, 96]))).toBe(false);
    expect(isRtcpPacket(Uint8Array.from([0x80, 96 | 0x80]))).toBe(false);
    expect(isRtcpPacket(Uint8Array.from([0x80, 224]))).toBe(false);
  });
  it('isRtcpPacket with fewer than 2 bytes returns false', () => {
    expect(isRtcpPacket(new Uint8Array(0))).toBe(false);
    expect(isRtcpPacket(Uint8Array.from([0x80]))).toBe(false);
  });
});

describe('parseRtp', () => {
  it('parseRtp on a plain packet fills every header field and the payload bounds', () => {
    const pkt = buildRtp({ payloadType: 111, marker: true, sequenceNumber: 0xfffe, timestamp: 0xfedcba98, ssrc: 0x89abcdef, payload: [9, 8, 7] });
    const v = parsed(pkt);
    expect(v.payloadType).toBe(111);
    expect(v.marker).toBe(true);
    expect(v.sequenceNumber).toBe(0xfffe);
    expect(v.timestamp).toBe(0xfedcba98);
    expect(v.ssrc).toBe(0x89abcdef);
    expect(v.payloadOffset).toBe(12);
    expect(v.payloadLength).toBe(3);
    expect(v.extOffset).toBe(-1);
    expect(v.extLength).toBe(0);
  });

  it('parseRtp with CSRCs and a one-byte extension puts the payload after both', () => {
    const pkt = buildRtp({ csrcs: [1, 2], extensions: [{ id: 1, data: [0x85] }, { id: 3, data: [0x61, 0x62] }], payload: [0xaa, 0xbb] });
    const v = parsed(pkt);
    expect(v.extProfile).toBe(0xbede);
    expect(v.extOffset).toBe(12 + 8 + 4);
    expect(v.extLength).toBe(8);
    expect(v.payloadOffset).toBe(12 + 8 + 4 + 8);
    expect(pkt[v.payloadOffset]).toBe(0xaa);
    expect(v.payloadLength).toBe(2);
  });

  it('parseRtp reusing one view after an extension packet clears the extension fields', () => {
    const v = new RtpView();
    const withExt = buildRtp({ extensions: [{ id: 1, data: [0] }] });
    const plain = buildRtp();
    expect(parseRtp(withExt, withExt.length, v)).toBe(true);
    expect(parseRtp(plain, plain.length, v)).toBe(true);
    expect(v.extOffset).toBe(-1);
    expect(v.extLength).toBe(0);
    expect(v.extProfile).toBe(0);
  });

  it('parseRtp with valid padding excludes it from payloadLength', () => {
    const v = parsed(buildRtp({ payload: [1, 2, 3], padding: 4 }));
    expect(v.payloadLength).toBe(3);
  });

  it('parseRtp with a padding-only payload gives payloadLength 0', () => {
    const v = parsed(buildRtp({ payload: [], padding: 8 }));
    expect(v.payloadLength).toBe(0);
  });

  it('parseRtp with the padding bit set and padding count 0 returns false', () => {
    const pkt = buildRtp({ payload: [1, 2, 3], padding: 1, paddingCountOverride: 0 });
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp with padding count larger than the payload returns false', () => {
    const pkt = buildRtp({ payload: [1, 2, 3], padding: 2, paddingCountOverride: 6 });
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp with version other than 2 returns false', () => {
    const pkt = buildRtp();
    pkt[0] = (pkt[0] & 0x3f) | 0x40;
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp with a CSRC count overrunning the packet returns false', () => {
    const pkt = buildRtp({ payload: [1, 2, 3, 4] });
    pkt[0] |= 0x02; // claims 8 CSRC bytes, only 4 follow
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp with an extension length pointing beyond the packet returns false', () => {
    const pkt = buildRtp({ extRaw: { profile: 0xbede, data: [0x10, 0x01, 0, 0], extWords: 3 }, payload: [1, 2] });
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp with the X bit set but no room for the extension header returns false', () => {
    const pkt = buildRtp({ payload: [0xbe, 0xde] });
    pkt[0] |= 0x10;
    expect(parseRtp(pkt, pkt.length, new RtpView())).toBe(false);
  });

  it('parseRtp truncated at every length up to the header end returns false without throwing', () => {
    const fields = { csrcs: [7, 8], extensions: [{ id: 2, data: [1, 2, 3] }], payload: [] as number[] };
    const full = buildRtp(fields);
    const hdr = headerLength(fields);
    expect(hdr).toBe(full.length);
    const v = new RtpView();
    for (let len = 0; len < hdr; len++) {
      expect(parseRtp(full.subarray(0, len), len, v)).toBe(false);
    }
    expect(parseRtp(full, hdr, v)).toBe(true);
    expect(v.payloadLength).toBe(0);
  });

  it('parseRtp with length larger than the buffer is bounded by the buffer', () => {
    const pkt = buildRtp({ payload: [1, 2] });
    const v = new RtpView();
    expect(parseRtp(pkt, 1000, v)).toBe(true);
    expect(v.payloadLength).toBe(2);
  });
});

describe('findHeaderExtension', () => {
  it('findHeaderExtension in a one-byte block returns each element offset and length', () => {
    const pkt = buildRtp({ extensions: [{ id: 1, data: [0x85] }, { id: 4, data: [0x68, 0x69] }, { id: 14, data: [1, 2, 3, 4] }] });
    const v = parsed(pkt);
    expect(findHeaderExtension(pkt, v, 1)).toBe(v.extOffset + 1);
    expect(headerExtensionLength(pkt, v, 1)).toBe(1);
    expect(findHeaderExtension(pkt, v, 4)).toBe(v.extOffset + 3);
    expect(headerExtensionLength(pkt, v, 4)).toBe(2);
    expect(headerExtensionLength(pkt, v, 14)).toBe(4);
    expect(findHeaderExtension(pkt, v, 2)).toBe(-1);
    expect(headerExtensionLength(pkt, v, 2)).toBe(-1);
  });

  it('findHeaderExtension in a two-byte block handles ids above 14 and zero-length elements', () => {
    const pkt = buildRtp({ extForm: 'two', extensions: [{ id: 200, data: [] }, { id: 1, data: [0x7f] }, { id: 20, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] }] });
    const v = parsed(pkt);
    expect(v.extProfile).toBe(0x1000);
    expect(findHeaderExtension(pkt, v, 200)).toBe(v.extOffset + 2);
    expect(headerExtensionLength(pkt, v, 200)).toBe(0);
    expect(findHeaderExtension(pkt, v, 1)).toBe(v.extOffset + 4);
    expect(headerExtensionLength(pkt, v, 20)).toBe(17);
    expect(pkt[findHeaderExtension(pkt, v, 20) + 16]).toBe(17);
  });

  it('findHeaderExtension skips padding bytes between elements', () => {
    const pkt = buildRtp({ extRaw: { profile: 0xbede, data: [0x10, 0xaa, 0, 0, 0x20, 0xbb, 0, 0] } });
    const v = parsed(pkt);
    expect(findHeaderExtension(pkt, v, 2)).toBe(v.extOffset + 5);
  });

  it('findHeaderExtension with an element length overrunning the block returns -1', () => {
    // id 1 claims 4 bytes but the block has 3 after its header byte; the payload after it must not be read.
    const pkt = buildRtp({ extRaw: { profile: 0xbede, data: [0x13, 1, 2, 3] }, payload: [9, 9, 9, 9] });
    const v = parsed(pkt);
    expect(findHeaderExtension(pkt, v, 1)).toBe(-1);
    const two = buildRtp({ extRaw: { profile: 0x1000, data: [5, 3, 1, 0] }, payload: [9, 9] });
    expect(findHeaderExtension(two, parsed(two), 5)).toBe(-1);
  });

  it('findHeaderExtension with a two-byte id as the last byte of the block returns -1', () => {
    const pkt = buildRtp({ extRaw: { profile: 0x1000, data: [0, 0, 0, 7] }, payload: [1, 2] });
    expect(findHeaderExtension(pkt, parsed(pkt), 7)).toBe(-1);
  });

  it('findHeaderExtension stops at the reserved id 15 in one-byte form', () => {
    const pkt = buildRtp({ extRaw: { profile: 0xbede, data: [0xf0, 0x20, 0xbb, 0] } });
    expect(findHeaderExtension(pkt, parsed(pkt), 2)).toBe(-1);
  });

  it('findHeaderExtension with an unknown profile or no extension returns -1', () => {
    const pkt = buildRtp({ extRaw: { profile: 0x1234, data: [0x10, 1, 0, 0] } });
    expect(findHeaderExtension(pkt, parsed(pkt), 1)).toBe(-1);
    const plain = buildRtp();
    expect(findHeaderExtension(plain, parsed(plain), 1)).toBe(-1);
  });

  it('findHeaderExtension with id 0 or id 15 in one-byte form returns -1', () => {
    const pkt = buildRtp({ extensions: [{ id: 1, data: [1] }] });
    const v = parsed(pkt);
    expect(findHeaderExtension(pkt, v, 0)).toBe(-1);
    expect(findHeaderExtension(pkt, v, 15)).toBe(-1);
  });
});

describe('readAudioLevel / readRid', () => {
  it('readAudioLevel returns the 7-bit level without the V bit, -1 when absent', () => {
    const pkt = buildRtp({ extensions: [{ id: 1, data: [0x80 | 42] }] });
    const v = parsed(pkt);
    expect(readAudioLevel(pkt, v, 1)).toBe(42);
    expect(readVoiceActivity(pkt, v, 1)).toBe(true);
    expect(readAudioLevel(pkt, v, 2)).toBe(-1);
    const silent = buildRtp({ extForm: 'two', extensions: [{ id: 1, data: [127] }] });
    const sv = parsed(silent);
    expect(readAudioLevel(silent, sv, 1)).toBe(127);
    expect(readVoiceActivity(silent, sv, 1)).toBe(false);
  });

  it('readAudioLevel on a zero-length two-byte element returns -1', () => {
    const pkt = buildRtp({ extForm: 'two', extensions: [{ id: 1, data: [] }] });
    expect(readAudioLevel(pkt, parsed(pkt), 1)).toBe(-1);
  });

  it('readRid returns the ASCII value and null when absent', () => {
    const pkt = buildRtp({ extensions: [{ id: 10, data: [0x68] }, { id: 11, data: [0x6d, 0x69, 0x64, 0x30] }] });
    const v = parsed(pkt);
    expect(readRid(pkt, v, 10)).toBe('h');
    expect(readRid(pkt, v, 11)).toBe('mid0');
    expect(readRid(pkt, v, 12)).toBeNull();
  });
});

describe('header rewrites', () => {
  it('writeSequenceNumber/Timestamp/Ssrc/PayloadType then parseRtp gives the new values and leaves other bytes unchanged', () => {
    const pkt = buildRtp({ marker: true, payloadType: 96, csrcs: [5], extensions: [{ id: 1, data: [3] }], payload: [1, 2, 3, 4, 5] });
    const before = Uint8Array.from(pkt);
    writeSequenceNumber(pkt, 0x1234);
    writeTimestamp(pkt, 0xffffffff);
    writeSsrc(pkt, 0x80000001);
    writePayloadType(pkt, 100);
    const v = parsed(pkt);
    expect(v.sequenceNumber).toBe(0x1234);
    expect(v.timestamp).toBe(0xffffffff);
    expect(v.ssrc).toBe(0x80000001);
    expect(v.payloadType).toBe(100);
    expect(v.marker).toBe(true);
    expect(pkt[0]).toBe(before[0]);
    expect(Array.from(pkt.subarray(12))).toEqual(Array.from(before.subarray(12)));
  });

  it('writeSequenceNumber with a value above 16 bits wraps it', () => {
    const pkt = buildRtp();
    writeSequenceNumber(pkt, 65536 + 5);
    expect(parsed(pkt).sequenceNumber).toBe(5);
  });

  it('writePayloadType on a packet without marker keeps marker clear', () => {
    const pkt = buildRtp({ marker: false });
    writePayloadType(pkt, 0xff);
    const v = parsed(pkt);
    expect(v.marker).toBe(false);
    expect(v.payloadType).toBe(0x7f);
  });
});
