// The RTCP a client needs (RFC 3550, RFC 4585): build SR, RR, PLI and generic NACK; walk a compound
// packet for the feedback the server sends a publisher (PLI, FIR, NACK, REMB) or a subscriber (SR).

const SR = 200;
const RR = 201;
const RTPFB = 205;
const PSFB = 206;

function header(buf: Buffer, countOrFmt: number, pt: number): void {
  buf[0] = 0x80 | countOrFmt;
  buf[1] = pt;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
}

export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const buf = Buffer.alloc(12);
  header(buf, 1, PSFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  return buf;
}

/** Generic NACK for the given lost sequence numbers, packed into PID + BLP entries. */
export function buildNack(senderSsrc: number, mediaSsrc: number, lost: readonly number[]): Buffer {
  const entries: Array<[number, number]> = [];
  const base = lost[0] ?? 0;
  // Serial order from the first entry, so a list spanning the 16-bit wrap stays in order.
  const sorted = [...lost].sort((a, b) => ((a - base) & 0xffff) - ((b - base) & 0xffff));
  for (const seq of sorted) {
    const last = entries[entries.length - 1];
    const d = last ? (seq - last[0]) & 0xffff : 0;
    if (last && d >= 1 && d <= 16) last[1] |= 1 << (d - 1);
    else if (!last || d !== 0) entries.push([seq, 0]);
  }
  const buf = Buffer.alloc(12 + entries.length * 4);
  header(buf, 1, RTPFB);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  entries.forEach(([pid, blp], i) => {
    buf.writeUInt16BE(pid, 12 + i * 4);
    buf.writeUInt16BE(blp, 14 + i * 4);
  });
  return buf;
}

export interface ReportBlockInput {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitter: number;
  lsr: number;
  dlsr: number;
}

export function buildReceiverReport(senderSsrc: number, blocks: readonly ReportBlockInput[]): Buffer {
  const buf = Buffer.alloc(8 + blocks.length * 24);
  header(buf, blocks.length, RR);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  blocks.forEach((b, i) => {
    const o = 8 + i * 24;
    buf.writeUInt32BE(b.ssrc >>> 0, o);
    buf[o + 4] = b.fractionLost & 0xff;
    const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost)) & 0xffffff;
    buf[o + 5] = lost >> 16;
    buf[o + 6] = (lost >> 8) & 0xff;
    buf[o + 7] = lost & 0xff;
    buf.writeUInt32BE(b.extendedHighestSeq >>> 0, o + 8);
    buf.writeUInt32BE(b.jitter >>> 0, o + 12);
    buf.writeUInt32BE(b.lsr >>> 0, o + 16);
    buf.writeUInt32BE(b.dlsr >>> 0, o + 20);
  });
  return buf;
}

/** NTP time now as [seconds since 1900, fraction]. */
export function ntpNow(nowMs = Date.now()): [number, number] {
  const secs = Math.floor(nowMs / 1000) + 2208988800;
  const frac = Math.floor(((nowMs % 1000) / 1000) * 0x100000000);
  return [secs >>> 0, frac >>> 0];
}

export function buildSenderReport(ssrc: number, rtpTimestamp: number, packets: number, octets: number, nowMs = Date.now()): Buffer {
  const buf = Buffer.alloc(28);
  header(buf, 0, SR);
  const [msw, lsw] = ntpNow(nowMs);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf.writeUInt32BE(msw, 8);
  buf.writeUInt32BE(lsw, 12);
  buf.writeUInt32BE(rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(packets >>> 0, 20);
  buf.writeUInt32BE(octets >>> 0, 24);
  return buf;
}

export interface RtcpFeedback {
  onPli?(mediaSsrc: number): void;
  onFir?(mediaSsrc: number): void;
  /** Once per NACK entry: `pid` and the 16 following packets flagged in `blp`. */
  onNack?(mediaSsrc: number, pid: number, blp: number): void;
  onRemb?(bitrateBps: number): void;
  onSenderReport?(ssrc: number, ntpMsw: number, ntpLsw: number): void;
  /** A report block (in an SR or RR) about one of our SSRCs. */
  onReportBlock?(ssrc: number, fractionLost: number, cumulativeLost: number): void;
}

function reportBlocks(buf: Buffer, off: number, count: number, end: number, h: RtcpFeedback): void {
  for (let i = 0; i < count && off + 24 <= end; i++, off += 24) {
    const lost = ((buf.readUIntBE(off + 5, 3) << 8) >> 8);
    h.onReportBlock?.(buf.readUInt32BE(off), buf[off + 4]!, lost);
  }
}

/** Walks a compound RTCP packet; returns false if a length is malformed (callbacks so far stand). */
export function parseRtcp(buf: Buffer, h: RtcpFeedback): boolean {
  let off = 0;
  while (off + 4 <= buf.length) {
    const b0 = buf[off]!;
    if ((b0 & 0xc0) !== 0x80) return false;
    const fmt = b0 & 0x1f;
    const pt = buf[off + 1]!;
    const next = off + (buf.readUInt16BE(off + 2) + 1) * 4;
    if (next > buf.length) return false;
    if (pt === SR && next - off >= 28) {
      h.onSenderReport?.(buf.readUInt32BE(off + 4), buf.readUInt32BE(off + 8), buf.readUInt32BE(off + 12));
      reportBlocks(buf, off + 28, fmt, next, h);
    } else if (pt === RR) reportBlocks(buf, off + 8, fmt, next, h);
    else if (pt === RTPFB && fmt === 1 && next - off >= 12) {
      const media = buf.readUInt32BE(off + 8);
      for (let i = off + 12; i + 4 <= next; i += 4) h.onNack?.(media, buf.readUInt16BE(i), buf.readUInt16BE(i + 2));
    } else if (pt === PSFB && next - off >= 12) {
      if (fmt === 1) h.onPli?.(buf.readUInt32BE(off + 8));
      else if (fmt === 4) for (let i = off + 12; i + 8 <= next; i += 8) h.onFir?.(buf.readUInt32BE(i));
      else if (fmt === 15 && next - off >= 20 && buf.toString('latin1', off + 12, off + 16) === 'REMB') {
        const exp = buf[off + 17]! >> 2;
        const mantissa = ((buf[off + 17]! & 3) << 16) | buf.readUInt16BE(off + 18);
        h.onRemb?.(mantissa * 2 ** exp);
      }
    }
    off = next;
  }
  return true;
}
