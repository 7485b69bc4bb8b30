/** RTP header parsing (RFC 3550), header extensions (RFC 8285) and in-place header rewrites, allocation-free. */

import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

/** Mutable view filled by parseRtp; allocate one per forwarder and reuse it for every packet. */
export class RtpView {
  payloadType = 0;
  marker = false;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  /** byte offset where the payload starts (after CSRCs and header extension) */
  payloadOffset = 0;
  /** payload length excluding padding */
  payloadLength = 0;
  /** offset of the header extension block's first element (after the 4-byte 0xBEDE/0x100X header), -1 if none */
  extOffset = -1;
  /** bytes of extension data */
  extLength = 0;
  extProfile = 0;
  /**
   * Data offset of the transport-wide sequence number (one-byte form), -1 if absent. Not set by
   * parseRtp (which resets it): the Producer fills it for its consumers, who restamp it.
   */
  transportCcOffset = -1;
}

export const ONE_BYTE_EXTENSION_PROFILE = 0xbede;

/** RTCP packet types 192..223 collide with RTP payload types 64..95 only with the marker bit, which no codec we negotiate uses (RFC 5761). */
export function isRtcpPacket(buf: Uint8Array): boolean {
  if (buf.length < 2) return false;
  const pt = buf[1];
  return pt >= 192 && pt <= 223;
}

/**
 * Fills `out` from the first `length` bytes of `buf`. Returns false (never throws) when the packet is
 * malformed; `out` is then partly written and must not be used.
 */
export function parseRtp(buf: Uint8Array, length: number, out: RtpView): boolean {
  if (length > buf.length) length = buf.length;
  if (length < 12) return false;
  const b0 = buf[0];
  if ((b0 & 0xc0) !== 0x80) return false;
  let offset = 12 + (b0 & 0x0f) * 4;
  if (offset > length) return false;
  out.extOffset = -1;
  out.extLength = 0;
  out.extProfile = 0;
  out.transportCcOffset = -1;
  if ((b0 & 0x10) !== 0) {
    if (offset + 4 > length) return false;
    const profile = readU16(buf, offset);
    const extLength = readU16(buf, offset + 2) * 4;
    offset += 4;
    if (offset + extLength > length) return false;
    out.extProfile = profile;
    out.extOffset = offset;
    out.extLength = extLength;
    offset += extLength;
  }
  let end = length;
  if ((b0 & 0x20) !== 0) {
    // The padding count includes itself, so 0 is impossible, and it may not eat into the header.
    const padding = buf[length - 1];
    if (padding === 0 || padding > length - offset) return false;
    end -= padding;
  }
  const b1 = buf[1];
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequenceNumber = readU16(buf, 2);
  out.timestamp = readU32(buf, 4);
  out.ssrc = readU32(buf, 8);
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return true;
}

// Second result of scanExtension; a module slot instead of an out-object keeps callers allocation-free.
let foundLength = -1;

function scanExtension(buf: Uint8Array, view: RtpView, id: number): number {
  foundLength = -1;
  const start = view.extOffset;
  if (start < 0 || id <= 0) return -1;
  const end = Math.min(start + view.extLength, buf.length);
  const profile = view.extProfile;
  if (profile === ONE_BYTE_EXTENSION_PROFILE) {
    if (id > 14) return -1;
    let i = start;
    while (i < end) {
      const b = buf[i];
      const elementId = b >> 4;
      if (elementId === 0) {
        i++; // padding byte
        continue;
      }
      if (elementId === 15) return -1; // reserved: RFC 8285 says stop parsing here
      const len = (b & 0x0f) + 1;
      const data = i + 1;
      if (data + len > end) return -1;
      if (elementId === id) {
        foundLength = len;
        return data;
      }
      i = data + len;
    }
    return -1;
  }
  if ((profile & 0xfff0) === 0x1000) {
    if (id > 255) return -1;
    let i = start;
    while (i < end) {
      const elementId = buf[i];
      if (elementId === 0) {
        i++;
        continue;
      }
      if (i + 1 >= end) return -1;
      const len = buf[i + 1];
      const data = i + 2;
      if (data + len > end) return -1;
      if (elementId === id) {
        foundLength = len;
        return data;
      }
      i = data + len;
    }
  }
  return -1;
}

/** Offset of extension element `id`'s data, or -1 if absent, not in a RFC 8285 block, or the block is malformed before it. */
export function findHeaderExtension(buf: Uint8Array, view: RtpView, id: number): number {
  return scanExtension(buf, view, id);
}

/**
 * Offset of element `id`'s data when it is exactly `length` bytes long, else -1. For elements the
 * forwarder rewrites in place (abs-send-time: 3, transport-wide sequence number: 2): a shorter one
 * from a crafted packet would have the write spill into the next element or the payload.
 */
export function findFixedHeaderExtension(buf: Uint8Array, view: RtpView, id: number, length: number): number {
  const offset = scanExtension(buf, view, id);
  return offset >= 0 && foundLength === length ? offset : -1;
}

/** Length in bytes of extension element `id`'s data (two-byte form allows 0), -1 if absent. */
export function headerExtensionLength(buf: Uint8Array, view: RtpView, id: number): number {
  scanExtension(buf, view, id);
  return foundLength;
}

/** urn:ietf:params:rtp-hdrext:ssrc-audio-level (RFC 6464): level 0..127 in -dBov (127 = silence), -1 if absent. */
export function readAudioLevel(buf: Uint8Array, view: RtpView, extId: number): number {
  const offset = scanExtension(buf, view, extId);
  if (offset < 0 || foundLength < 1) return -1;
  return buf[offset] & 0x7f;
}

/** The V bit of ssrc-audio-level; false when absent. */
export function readVoiceActivity(buf: Uint8Array, view: RtpView, extId: number): boolean {
  const offset = scanExtension(buf, view, extId);
  if (offset < 0 || foundLength < 1) return false;
  return (buf[offset] & 0x80) !== 0;
}

/**
 * sdes:rtp-stream-id / repaired-rtp-stream-id / sdes:mid as a string, null if absent or empty.
 * Allocates: meant for the first packets of an SSRC not yet mapped to a layer.
 */
export function readRid(buf: Uint8Array, view: RtpView, extId: number): string | null {
  const offset = scanExtension(buf, view, extId);
  if (offset < 0 || foundLength < 1) return null;
  let s = '';
  for (let i = 0; i < foundLength; i++) {
    const c = buf[offset + i];
    if (c === 0) break; // some senders pad the value with NULs
    s += String.fromCharCode(c);
  }
  return s.length > 0 ? s : null;
}

export function writeSequenceNumber(buf: Uint8Array, seq: number): void {
  writeU16(buf, 2, seq);
}

export function writeTimestamp(buf: Uint8Array, timestamp: number): void {
  writeU32(buf, 4, timestamp);
}

export function writeSsrc(buf: Uint8Array, ssrc: number): void {
  writeU32(buf, 8, ssrc);
}

/** Keeps the marker bit, which belongs to the frame, not to the payload type mapping. */
export function writePayloadType(buf: Uint8Array, payloadType: number): void {
  buf[1] = (buf[1] & 0x80) | (payloadType & 0x7f);
}

export function writeMarker(buf: Uint8Array, marker: boolean): void {
  buf[1] = marker ? buf[1] | 0x80 : buf[1] & 0x7f;
}
