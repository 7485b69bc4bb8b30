/** Compound RTCP parsing into handler callbacks (SR, RR, NACK, transport-cc, PLI, FIR, REMB) and allocation-free RTCP builders. */

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;

/** Parser callbacks; implementers keep them allocation-free. Every SSRC is unsigned. */
export interface RtcpHandler {
  onPli?(senderSsrc: number, mediaSsrc: number): void;
  /** Once per FCI entry; mediaSsrc is the FCI's SSRC (the header's media SSRC is 0 for FIR). */
  onFir?(senderSsrc: number, mediaSsrc: number): void;
  /** Once per FCI entry. */
  onNack?(senderSsrc: number, mediaSsrc: number, pid: number, blp: number): void;
  /** The SSRC list lives in `buf` (big-endian u32s at ssrcListOffset) so no array is built per packet. */
  onRemb?(senderSsrc: number, bitrateBps: number, buf: Uint8Array, ssrcListOffset: number, ssrcCount: number): void;
  onReceiverReportBlock?(
    reporterSsrc: number, ssrc: number, fractionLost: number, cumulativeLost: number,
    highestSeq: number, jitter: number, lsr: number, dlsr: number,
  ): void;
  /** Transport-wide feedback (RTPFB FMT=15): the packet spans buf[offset, end); see transportCc.ts. */
  onTransportCc?(senderSsrc: number, buf: Uint8Array, offset: number, end: number): void;
  onSenderReport?(ssrc: number, ntpMsw: number, ntpLsw: number, rtpTimestamp: number, packetCount: number, octetCount: number): void;
}

/** One report block for writeReceiverReport; reuse instances. cumulativeLost is signed (24 bits on the wire). */
export class ReportBlock {
  ssrc = 0;
  fractionLost = 0;
  cumulativeLost = 0;
  highestSeq = 0;
  jitter = 0;
  lsr = 0;
  dlsr = 0;
}

const REMB_ID = 0x52454d42; // 'REMB'

// 2 ** exp with a variable exponent is a runtime call in V8; a table lookup is not.
const POW2 = new Float64Array(64);
for (let i = 0; i < 64; i++) POW2[i] = 2 ** i;

/**
 * Walks a compound RTCP packet. Returns false (never throws) on any malformed length, in which case
 * no callback has been called: the whole compound is validated before anything is dispatched.
 */
export function parseRtcp(buf: Uint8Array, length: number, handler: RtcpHandler): boolean {
  if (length > buf.length) length = buf.length;
  if (!validate(buf, length)) return false;
  walk(buf, length, handler);
  return true;
}

/** The bounds checks of walk() without dispatch; kept separate so walk's handler loads stay monomorphic. */
function validate(buf: Uint8Array, length: number): boolean {
  if (length < 4) return false;
  let off = 0;
  while (off < length) {
    if (off + 4 > length) return false;
    const b0 = buf[off];
    if ((b0 & 0xc0) !== 0x80) return false;
    const count = b0 & 0x1f;
    const pt = buf[off + 1];
    const next = off + (readU16(buf, off + 2) + 1) * 4;
    if (next > length) return false;
    let size = next - off;
    if ((b0 & 0x20) !== 0) {
      const padding = buf[next - 1];
      if (padding === 0 || padding > size - 4) return false;
      size -= padding;
    }
    if (pt === RTCP_SR) {
      if (size < 28 + count * 24) return false;
    } else if (pt === RTCP_RR) {
      if (size < 8 + count * 24) return false;
    } else if (pt === RTCP_RTPFB || pt === RTCP_PSFB) {
      if (size < 12) return false;
      if (pt === RTCP_PSFB && count === 15 && size >= 16 && readU32(buf, off + 12) === REMB_ID) {
        if (size < 20 || size < 20 + buf[off + 16] * 4) return false;
      }
    }
    off = next;
  }
  return true;
}

function walk(buf: Uint8Array, length: number, h: RtcpHandler): void {
  let off = 0;
  while (off < length) {
    const b0 = buf[off];
    const count = b0 & 0x1f;
    const pt = buf[off + 1];
    const next = off + (readU16(buf, off + 2) + 1) * 4;
    const end = (b0 & 0x20) !== 0 ? next - buf[next - 1] : next;
    switch (pt) {
      case RTCP_SR: {
        const ssrc = readU32(buf, off + 4);
        if (h.onSenderReport !== undefined) {
          h.onSenderReport(ssrc, readU32(buf, off + 8), readU32(buf, off + 12), readU32(buf, off + 16),
            readU32(buf, off + 20), readU32(buf, off + 24));
        }
        if (h.onReceiverReportBlock !== undefined) reportBlocks(buf, off + 28, count, ssrc, h);
        break;
      }
      case RTCP_RR: {
        if (h.onReceiverReportBlock !== undefined) reportBlocks(buf, off + 8, count, readU32(buf, off + 4), h);
        break;
      }
      case RTCP_RTPFB: {
        if (count === 1 && h.onNack !== undefined) {
          const sender = readU32(buf, off + 4);
          const media = readU32(buf, off + 8);
          for (let i = off + 12; i + 4 <= end; i += 4) h.onNack(sender, media, readU16(buf, i), readU16(buf, i + 2));
        } else if (count === 15 && h.onTransportCc !== undefined && end - off >= 20) {
          h.onTransportCc(readU32(buf, off + 4), buf, off, end);
        }
        break;
      }
      case RTCP_PSFB: {
        const sender = readU32(buf, off + 4);
        if (count === 1) {
          if (h.onPli !== undefined) h.onPli(sender, readU32(buf, off + 8));
        } else if (count === 4) {
          if (h.onFir !== undefined) {
            for (let i = off + 12; i + 8 <= end; i += 8) h.onFir(sender, readU32(buf, i));
          }
        } else if (count === 15 && end - off >= 16 && readU32(buf, off + 12) === REMB_ID) {
          if (h.onRemb !== undefined) {
            const ssrcCount = buf[off + 16];
            const exp = buf[off + 17] >> 2;
            const mantissa = ((buf[off + 17] & 0x03) << 16) | (buf[off + 18] << 8) | buf[off + 19];
            h.onRemb(sender, mantissa * POW2[exp], buf, off + 20, ssrcCount);
          }
        }
        break;
      }
      default:
        break; // SDES, BYE, APP, XR: nothing the SFU acts on
    }
    off = next;
  }
}

function reportBlocks(buf: Uint8Array, off: number, count: number, reporter: number, h: RtcpHandler): void {
  for (let i = 0; i < count; i++, off += 24) {
    // cumulative lost is a signed 24-bit field: shift up and arithmetic-shift back to sign-extend.
    const lost = (((buf[off + 5] << 16) | (buf[off + 6] << 8) | buf[off + 7]) << 8) >> 8;
    h.onReceiverReportBlock!(reporter, readU32(buf, off), buf[off + 4], lost, readU32(buf, off + 8), readU32(buf, off + 12),
      readU32(buf, off + 16), readU32(buf, off + 20));
  }
}

function header(buf: Uint8Array, offset: number, countOrFmt: number, pt: number, size: number): void {
  buf[offset] = 0x80 | countOrFmt;
  buf[offset + 1] = pt;
  writeU16(buf, offset + 2, size / 4 - 1);
}

/** PSFB PLI. Builders return bytes written, or 0 if `buf` is too small (nothing written then). */
export function writePli(buf: Uint8Array, offset: number, senderSsrc: number, mediaSsrc: number): number {
  if (offset + 12 > buf.length) return 0;
  header(buf, offset, 1, RTCP_PSFB, 12);
  writeU32(buf, offset + 4, senderSsrc);
  writeU32(buf, offset + 8, mediaSsrc);
  return 12;
}

/** REMB (draft-alvestrand-rmcat-remb); the bitrate is rounded down to an 18-bit mantissa. */
export function writeRemb(
  buf: Uint8Array, offset: number, senderSsrc: number, bitrateBps: number, ssrcs: ArrayLike<number>, ssrcCount: number,
): number {
  if (ssrcCount > 255 || ssrcCount > ssrcs.length) return 0;
  const size = 20 + ssrcCount * 4;
  if (offset + size > buf.length) return 0;
  let mantissa = bitrateBps > 0 ? Math.floor(bitrateBps) : 0;
  let exp = 0;
  if (mantissa <= 0xffffffff) {
    // Fast path: bit length from clz32 instead of a halving loop.
    exp = Math.max(0, 32 - Math.clz32(mantissa) - 18);
    mantissa = mantissa >>> exp;
  } else {
    // Division, not >>>, because shifts only see the low 32 bits.
    while (mantissa > 0x3ffff) {
      mantissa = Math.floor(mantissa / 2);
      exp++;
    }
  }
  if (exp > 63) {
    exp = 63;
    mantissa = 0x3ffff;
  }
  header(buf, offset, 15, RTCP_PSFB, size);
  writeU32(buf, offset + 4, senderSsrc);
  writeU32(buf, offset + 8, 0);
  writeU32(buf, offset + 12, REMB_ID);
  buf[offset + 16] = ssrcCount;
  buf[offset + 17] = (exp << 2) | (mantissa >> 16);
  buf[offset + 18] = (mantissa >> 8) & 0xff;
  buf[offset + 19] = mantissa & 0xff;
  for (let i = 0; i < ssrcCount; i++) writeU32(buf, offset + 20 + i * 4, ssrcs[i]);
  return size;
}

function writeReportBlock(buf: Uint8Array, o: number, b: ReportBlock): void {
  writeU32(buf, o, b.ssrc);
  const lost = b.cumulativeLost > 0x7fffff ? 0x7fffff : b.cumulativeLost < -0x800000 ? -0x800000 : b.cumulativeLost;
  buf[o + 4] = b.fractionLost & 0xff;
  buf[o + 5] = (lost >> 16) & 0xff;
  buf[o + 6] = (lost >> 8) & 0xff;
  buf[o + 7] = lost & 0xff;
  writeU32(buf, o + 8, b.highestSeq);
  writeU32(buf, o + 12, b.jitter);
  writeU32(buf, o + 16, b.lsr);
  writeU32(buf, o + 20, b.dlsr);
}

/** RR with the first `count` blocks (at most 31: the RC field is 5 bits). */
export function writeReceiverReport(
  buf: Uint8Array, offset: number, senderSsrc: number, blocks: ReadonlyArray<ReportBlock>, count: number,
): number {
  if (count > 31 || count > blocks.length) return 0;
  const size = 8 + count * 24;
  if (offset + size > buf.length) return 0;
  header(buf, offset, count, RTCP_RR, size);
  writeU32(buf, offset + 4, senderSsrc);
  for (let i = 0; i < count; i++) writeReportBlock(buf, offset + 8 + i * 24, blocks[i]);
  return size;
}

/** SR without report blocks (the SFU reports reception in separate RRs). */
export function writeSenderReport(
  buf: Uint8Array, offset: number, ssrc: number, ntpMsw: number, ntpLsw: number,
  rtpTimestamp: number, packetCount: number, octetCount: number,
): number {
  if (offset + 28 > buf.length) return 0;
  header(buf, offset, 0, RTCP_SR, 28);
  writeU32(buf, offset + 4, ssrc);
  writeU32(buf, offset + 8, ntpMsw);
  writeU32(buf, offset + 12, ntpLsw);
  writeU32(buf, offset + 16, rtpTimestamp);
  writeU32(buf, offset + 20, packetCount);
  writeU32(buf, offset + 24, octetCount);
  return 28;
}

/** Generic NACK with one FCI: `pid` lost, plus bit i of `blp` meaning pid+i+1 lost. */
export function writeNack(
  buf: Uint8Array, offset: number, senderSsrc: number, mediaSsrc: number, pid: number, blp: number,
): number {
  if (offset + 16 > buf.length) return 0;
  header(buf, offset, 1, RTCP_RTPFB, 16);
  writeU32(buf, offset + 4, senderSsrc);
  writeU32(buf, offset + 8, mediaSsrc);
  writeU16(buf, offset + 12, pid);
  writeU16(buf, offset + 14, blp);
  return 16;
}
