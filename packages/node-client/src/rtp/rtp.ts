// RTP header writing and parsing (RFC 3550) with one-byte header extensions (RFC 8285), for the
// synthetic sender and the verifying receiver. Not the server's hot path: clarity over speed.

export const ONE_BYTE_PROFILE = 0xbede;

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Offset of the payload in the packet (after CSRCs and extensions). */
  payloadOffset: number;
  /** Payload length without padding. */
  payloadLength: number;
  /** One-byte extension elements by id (empty if none). */
  extensions: Map<number, Buffer>;
}

export interface HeaderExtension {
  id: number;
  data: Buffer;
}

/** Writes a complete RTP packet (header, one-byte extensions, payload) into a new Buffer. */
export function writeRtp(params: {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  extensions?: HeaderExtension[];
  payload: Buffer[];
}): Buffer {
  const exts = params.extensions ?? [];
  let extBytes = 0;
  for (const e of exts) {
    if (e.id < 1 || e.id > 14 || e.data.length < 1 || e.data.length > 16) throw new Error(`bad one-byte extension ${e.id}`);
    extBytes += 1 + e.data.length;
  }
  const extPadded = exts.length > 0 ? 4 + Math.ceil(extBytes / 4) * 4 : 0;
  let payloadLength = 0;
  for (const p of params.payload) payloadLength += p.length;
  const buf = Buffer.alloc(12 + extPadded + payloadLength);
  buf[0] = 0x80 | (exts.length > 0 ? 0x10 : 0);
  buf[1] = (params.marker ? 0x80 : 0) | (params.payloadType & 0x7f);
  buf.writeUInt16BE(params.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(params.timestamp >>> 0, 4);
  buf.writeUInt32BE(params.ssrc >>> 0, 8);
  let o = 12;
  if (exts.length > 0) {
    buf.writeUInt16BE(ONE_BYTE_PROFILE, o);
    buf.writeUInt16BE((extPadded - 4) / 4, o + 2);
    o += 4;
    const end = o + extPadded - 4;
    for (const e of exts) {
      buf[o++] = (e.id << 4) | (e.data.length - 1);
      e.data.copy(buf, o);
      o += e.data.length;
    }
    o = end; // the rest is zero padding
  }
  for (const p of params.payload) {
    p.copy(buf, o);
    o += p.length;
  }
  return buf;
}

/** RTCP packet types 192..223 share the port with RTP (RFC 5761); byte 1 tells them apart. */
export function isRtcp(buf: Buffer): boolean {
  return buf.length >= 2 && buf[1]! >= 192 && buf[1]! <= 223;
}

/** Parses an RTP packet; null when malformed. */
export function parseRtp(buf: Buffer): RtpHeader | null {
  if (buf.length < 12 || (buf[0]! & 0xc0) !== 0x80) return null;
  const b0 = buf[0]!;
  let o = 12 + (b0 & 0x0f) * 4;
  if (o > buf.length) return null;
  const extensions = new Map<number, Buffer>();
  if (b0 & 0x10) {
    if (o + 4 > buf.length) return null;
    const profile = buf.readUInt16BE(o);
    const len = buf.readUInt16BE(o + 2) * 4;
    o += 4;
    if (o + len > buf.length) return null;
    if (profile === ONE_BYTE_PROFILE) {
      let i = o;
      while (i < o + len) {
        const id = buf[i]! >> 4;
        if (id === 0) {
          i++;
          continue;
        }
        if (id === 15) break;
        const l = (buf[i]! & 0x0f) + 1;
        if (i + 1 + l > o + len) return null;
        extensions.set(id, buf.subarray(i + 1, i + 1 + l));
        i += 1 + l;
      }
    }
    o += len;
  }
  let end = buf.length;
  if (b0 & 0x20) {
    const pad = buf[buf.length - 1]!;
    if (pad === 0 || pad > end - o) return null;
    end -= pad;
  }
  return {
    payloadType: buf[1]! & 0x7f,
    marker: (buf[1]! & 0x80) !== 0,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payloadOffset: o,
    payloadLength: end - o,
    extensions,
  };
}

/** Signed distance from sequence number a to b in 16-bit serial arithmetic (b - a). */
export function seqDelta(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}
