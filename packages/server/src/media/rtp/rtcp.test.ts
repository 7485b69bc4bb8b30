import { describe, it, expect } from 'vitest';
import {
  ReportBlock, parseRtcp, writeNack, writePli, writeReceiverReport, writeRemb, writeSenderReport, type RtcpHandler,
} from './rtcp.js';

type Event = [string, ...number[]];

/** Handler that records every callback, copying the REMB SSRC list out of the buffer. */
function recorder(): { h: RtcpHandler; events: Event[] } {
  const events: Event[] = [];
  const h: RtcpHandler = {
    onPli: (s, m) => events.push(['pli', s, m]),
    onFir: (s, m) => events.push(['fir', s, m]),
    onNack: (s, m, pid, blp) => events.push(['nack', s, m, pid, blp]),
    onRemb: (s, bps, buf, off, n) => {
      const ssrcs: number[] = [];
      for (let i = 0; i < n; i++) {
        const o = off + i * 4;
        ssrcs.push(((buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3]) >>> 0);
      }
      events.push(['remb', s, bps, ...ssrcs]);
    },
    onReceiverReportBlock: (r, ssrc, fl, cl, hs, j, lsr, dlsr) => events.push(['rb', r, ssrc, fl, cl, hs, j, lsr, dlsr]),
    onSenderReport: (ssrc, msw, lsw, ts, pc, oc) => events.push(['sr', ssrc, msw, lsw, ts, pc, oc]),
  };
  return { h, events };
}

function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function hdr(countOrFmt: number, pt: number, words: number): number[] {
  return [0x80 | countOrFmt, pt, words >> 8, words & 0xff];
}
function block(ssrc: number, fl: number, lost24: number[], hs: number, j: number, lsr: number, dlsr: number): number[] {
  return [...u32(ssrc), fl, ...lost24, ...u32(hs), ...u32(j), ...u32(lsr), ...u32(dlsr)];
}

const SR_WITH_BLOCK = [
  ...hdr(1, 200, 12), ...u32(0xaabbccdd), ...u32(0xe0000001), ...u32(0x80000000), ...u32(90000), ...u32(10), ...u32(12000),
  ...block(0x01020304, 25, [0, 0, 7], 0x0001fffe, 33, 0x12345678, 65536),
];
const SDES = [...hdr(1, 202, 3), ...u32(0xaabbccdd), 1, 4, 0x61, 0x62, 0x63, 0x64, 0, 0];

function parse(bytes: number[]): { ok: boolean; events: Event[] } {
  const { h, events } = recorder();
  const buf = Uint8Array.from(bytes);
  return { ok: parseRtcp(buf, buf.length, h), events };
}

describe('parseRtcp', () => {
  it('parseRtcp on a compound SR+SDES reports the SR and its block, ignores SDES', () => {
    const { ok, events } = parse([...SR_WITH_BLOCK, ...SDES]);
    expect(ok).toBe(true);
    expect(events).toEqual([
      ['sr', 0xaabbccdd, 0xe0000001, 0x80000000, 90000, 10, 12000],
      ['rb', 0xaabbccdd, 0x01020304, 25, 7, 0x0001fffe, 33, 0x12345678, 65536],
    ]);
  });

  it('parseRtcp on an RR with 2 blocks reports both, with negative cumulative loss sign-extended', () => {
    const rr = [
      ...hdr(2, 201, 13), ...u32(0x11111111),
      ...block(0x22222222, 0, [0xff, 0xff, 0xfe], 100, 1, 0, 0),
      ...block(0x33333333, 255, [0x7f, 0xff, 0xff], 0xffffffff, 2, 3, 4),
    ];
    const { ok, events } = parse(rr);
    expect(ok).toBe(true);
    expect(events).toEqual([
      ['rb', 0x11111111, 0x22222222, 0, -2, 100, 1, 0, 0],
      ['rb', 0x11111111, 0x33333333, 255, 0x7fffff, 0xffffffff, 2, 3, 4],
    ]);
  });

  it('parseRtcp on a PLI calls onPli with sender and media SSRC', () => {
    const { ok, events } = parse([...hdr(1, 206, 2), ...u32(1), ...u32(0xdeadbeef)]);
    expect(ok).toBe(true);
    expect(events).toEqual([['pli', 1, 0xdeadbeef]]);
  });

  it('parseRtcp on a FIR calls onFir once per FCI with the FCI SSRC', () => {
    const fir = [...hdr(4, 206, 6), ...u32(9), ...u32(0), ...u32(0x100), 1, 0, 0, 0, ...u32(0x200), 2, 0, 0, 0];
    const { ok, events } = parse(fir);
    expect(ok).toBe(true);
    expect(events).toEqual([['fir', 9, 0x100], ['fir', 9, 0x200]]);
  });

  it('parseRtcp on a NACK with 2 FCIs calls onNack twice', () => {
    const nack = [...hdr(1, 205, 4), ...u32(5), ...u32(6), 0xff, 0xff, 0x80, 0x01, 0x00, 0x10, 0x00, 0x00];
    const { ok, events } = parse(nack);
    expect(ok).toBe(true);
    expect(events).toEqual([['nack', 5, 6, 0xffff, 0x8001], ['nack', 5, 6, 0x10, 0]]);
  });

  it('parseRtcp ignores transport-cc, BYE, XR and unknown PSFB formats but keeps walking', () => {
    const twcc = [...hdr(15, 205, 4), ...u32(1), ...u32(2), 0, 1, 0, 1, 0, 0, 0, 0];
    const bye = [...hdr(1, 203, 1), ...u32(7)];
    const xr = [...hdr(0, 207, 2), ...u32(7), 0, 0, 0, 0];
    const afb = [...hdr(15, 206, 3), ...u32(1), ...u32(0), 0x41, 0x42, 0x43, 0x44];
    const pli = [...hdr(1, 206, 2), ...u32(1), ...u32(2)];
    const { ok, events } = parse([...twcc, ...bye, ...xr, ...afb, ...pli]);
    expect(ok).toBe(true);
    expect(events).toEqual([['pli', 1, 2]]);
  });

  it('parseRtcp with a handler lacking callbacks returns true without calling anything', () => {
    const buf = Uint8Array.from([...SR_WITH_BLOCK, ...SDES]);
    expect(parseRtcp(buf, buf.length, {})).toBe(true);
  });

  it('parseRtcp with a length field beyond the buffer returns false and calls nothing', () => {
    const bad = [...hdr(1, 206, 2), ...u32(1), ...u32(2), ...hdr(1, 206, 9), ...u32(1), ...u32(2)];
    const { ok, events } = parse(bad);
    expect(ok).toBe(false);
    expect(events).toEqual([]);
  });

  it('parseRtcp with an RR whose report count overruns its length returns false', () => {
    const { ok } = parse([...hdr(2, 201, 7), ...u32(1), ...block(2, 0, [0, 0, 0], 0, 0, 0, 0)]);
    expect(ok).toBe(false);
  });

  it('parseRtcp with a REMB whose SSRC count overruns its length returns false', () => {
    const remb = [...hdr(15, 206, 5), ...u32(1), ...u32(0), 0x52, 0x45, 0x4d, 0x42, 3, 0, 0, 1, ...u32(5)];
    expect(parse(remb).ok).toBe(false);
  });

  it('parseRtcp truncated at every length of a valid compound returns false without throwing', () => {
    const full = [...SR_WITH_BLOCK, ...SDES];
    for (let len = 0; len < full.length; len++) {
      const { h, events } = recorder();
      const buf = Uint8Array.from(full.slice(0, len));
      // Cutting exactly at the SR/SDES boundary leaves a valid single SR.
      expect(parseRtcp(buf, len, h)).toBe(len === SR_WITH_BLOCK.length);
      if (len !== SR_WITH_BLOCK.length) expect(events).toEqual([]);
    }
  });

  it('parseRtcp on garbage bytes returns false without throwing', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    const { h } = recorder();
    for (let n = 0; n < 2000; n++) {
      const len = 1 + (rnd() % 64);
      const buf = new Uint8Array(len);
      for (let i = 0; i < len; i++) buf[i] = rnd();
      buf[0] = 0x40 | (buf[0] & 0x3f); // version 1: always malformed
      expect(parseRtcp(buf, len, h)).toBe(false);
    }
    for (let n = 0; n < 2000; n++) {
      const len = rnd() % 64;
      const buf = new Uint8Array(len);
      for (let i = 0; i < len; i++) buf[i] = rnd();
      expect(() => parseRtcp(buf, len, h)).not.toThrow();
    }
  });

  it('parseRtcp with padding bit and a zero padding count returns false', () => {
    const pli = [0xa1, 206, 0, 3, ...u32(1), ...u32(2), 0, 0, 0, 0];
    expect(parse(pli).ok).toBe(false);
    pli[pli.length - 1] = 4;
    expect(parse(pli)).toEqual({ ok: true, events: [['pli', 1, 2]] });
  });
});

describe('RTCP builders', () => {
  it('writeRemb then parseRtcp gives the bitrate within mantissa precision and the same SSRCs', () => {
    const buf = new Uint8Array(64);
    for (const bps of [0, 1000, 262143, 262144, 2_500_000, 123_456_789, 3_000_000_000, 0xffffffff, 5_000_000_000, 2 ** 80]) {
      const n = writeRemb(buf, 4, 0xcafebabe, bps, [0x80000001, 2, 3], 3);
      expect(n).toBe(32);
      const { h, events } = recorder();
      expect(parseRtcp(buf.subarray(4), n, h)).toBe(true);
      expect(events).toHaveLength(1);
      const [name, sender, got, ...ssrcs] = events[0];
      expect(name).toBe('remb');
      expect(sender).toBe(0xcafebabe);
      expect(got).toBeLessThanOrEqual(bps);
      expect(bps - got).toBeLessThanOrEqual(bps / 0x20000);
      expect(ssrcs).toEqual([0x80000001, 2, 3]);
    }
  });

  it('writeRemb with 2,500,000 bps encodes exponent 4 and mantissa 156250', () => {
    const buf = new Uint8Array(24);
    writeRemb(buf, 0, 1, 2_500_000, [7], 1);
    expect(buf[17] >> 2).toBe(4);
    expect(((buf[17] & 3) << 16) | (buf[18] << 8) | buf[19]).toBe(156250);
  });

  it('writePli then parseRtcp gives onPli with the same SSRCs; 12 bytes', () => {
    const buf = new Uint8Array(12);
    expect(writePli(buf, 0, 0xffffffff, 42)).toBe(12);
    const { h, events } = recorder();
    expect(parseRtcp(buf, 12, h)).toBe(true);
    expect(events).toEqual([['pli', 0xffffffff, 42]]);
  });

  it('writeNack then parseRtcp gives onNack with the same pid and blp', () => {
    const buf = new Uint8Array(16);
    expect(writeNack(buf, 0, 1, 2, 65535, 0xa5a5)).toBe(16);
    const { h, events } = recorder();
    expect(parseRtcp(buf, 16, h)).toBe(true);
    expect(events).toEqual([['nack', 1, 2, 65535, 0xa5a5]]);
  });

  it('writeReceiverReport + writeSenderReport compound round-trips through parseRtcp', () => {
    const a = new ReportBlock();
    Object.assign(a, { ssrc: 10, fractionLost: 12, cumulativeLost: -3, highestSeq: 70000, jitter: 44, lsr: 0xabcd0000, dlsr: 99 });
    const b = new ReportBlock();
    Object.assign(b, { ssrc: 0xfffffffe, fractionLost: 0, cumulativeLost: 1 << 30, highestSeq: 1, jitter: 0, lsr: 0, dlsr: 0 });
    const buf = new Uint8Array(200);
    const n1 = writeSenderReport(buf, 0, 77, 0xe1000000, 0x12345678, 3000, 5, 6000);
    expect(n1).toBe(28);
    const n2 = writeReceiverReport(buf, n1, 77, [a, b], 2);
    expect(n2).toBe(56);
    const { h, events } = recorder();
    expect(parseRtcp(buf, n1 + n2, h)).toBe(true);
    expect(events).toEqual([
      ['sr', 77, 0xe1000000, 0x12345678, 3000, 5, 6000],
      ['rb', 77, 10, 12, -3, 70000, 44, 0xabcd0000, 99],
      ['rb', 77, 0xfffffffe, 0, 0x7fffff, 1, 0, 0, 0], // cumulative loss clamped to 24 bits
    ]);
  });

  it('RTCP builders with a buffer too small return 0 and write nothing', () => {
    const buf = new Uint8Array(10);
    expect(writePli(buf, 0, 1, 2)).toBe(0);
    expect(writeNack(buf, 0, 1, 2, 3, 4)).toBe(0);
    expect(writeSenderReport(buf, 0, 1, 2, 3, 4, 5, 6)).toBe(0);
    expect(writeRemb(buf, 0, 1, 1000, [1], 1)).toBe(0);
    expect(writeReceiverReport(buf, 0, 1, [new ReportBlock()], 1)).toBe(0);
    expect(Array.from(buf)).toEqual(new Array(10).fill(0));
  });

  it('writeReceiverReport with count above 31 returns 0', () => {
    const blocks = Array.from({ length: 32 }, () => new ReportBlock());
    expect(writeReceiverReport(new Uint8Array(2000), 0, 1, blocks, 32)).toBe(0);
  });
});
