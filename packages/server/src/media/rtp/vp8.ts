/** VP8 RTP payload descriptor (RFC 7741): parse picture id / TL0PICIDX / TID / keyframe and rewrite them in place. */

/** Mutable result of parseVp8; reuse one per forwarder. Offsets are absolute into the packet buffer. */
export class Vp8View {
  isKeyframe = false;
  /** S bit set and partition index 0 */
  isStartOfFrame = false;
  pictureIdOffset = -1;
  /** 7 or 15; 0 when absent */
  pictureIdBits = 0;
  pictureId = -1;
  tl0PicIdxOffset = -1;
  tl0PicIdx = -1;
  temporalId = -1;
  layerSync = false;
}

/** Returns false if the descriptor is truncated or no VP8 payload byte follows it. */
export function parseVp8(buf: Uint8Array, payloadOffset: number, payloadLength: number, out: Vp8View): boolean {
  out.isKeyframe = false;
  out.isStartOfFrame = false;
  out.pictureIdOffset = -1;
  out.pictureIdBits = 0;
  out.pictureId = -1;
  out.tl0PicIdxOffset = -1;
  out.tl0PicIdx = -1;
  out.temporalId = -1;
  out.layerSync = false;
  const end = payloadOffset + payloadLength;
  if (payloadLength < 1 || payloadOffset < 0 || end > buf.length) return false;
  let i = payloadOffset;
  const b0 = buf[i++];
  if ((b0 & 0x80) !== 0) {
    if (i >= end) return false;
    const x = buf[i++];
    if ((x & 0x80) !== 0) {
      if (i >= end) return false;
      out.pictureIdOffset = i;
      if ((buf[i] & 0x80) !== 0) {
        if (i + 1 >= end) return false;
        out.pictureIdBits = 15;
        out.pictureId = ((buf[i] & 0x7f) << 8) | buf[i + 1];
        i += 2;
      } else {
        out.pictureIdBits = 7;
        out.pictureId = buf[i];
        i += 1;
      }
    }
    if ((x & 0x40) !== 0) {
      if (i >= end) return false;
      out.tl0PicIdxOffset = i;
      out.tl0PicIdx = buf[i++];
    }
    // The TID/Y/KEYIDX byte exists if either T or K is set; TID is only meaningful with T.
    if ((x & 0x30) !== 0) {
      if (i >= end) return false;
      const t = buf[i++];
      if ((x & 0x20) !== 0) {
        out.temporalId = t >> 6;
        out.layerSync = (t & 0x20) !== 0;
      }
    }
  }
  if (i >= end) return false;
  out.isStartOfFrame = (b0 & 0x10) !== 0 && (b0 & 0x07) === 0;
  // The P bit of the VP8 frame header is only present at the start of partition 0.
  out.isKeyframe = out.isStartOfFrame && (buf[i] & 0x01) === 0;
  return true;
}

/** Rewrites the picture id in the width the sender used (7 or 15 bits, wrapping); no-op if absent. Updates view.pictureId. */
/**
 * Writes a picture id in place. The view keeps the value parsed from the publisher: the forwarder
 * rewrites one buffer once per subscriber, each time from the original id.
 */
export function writeVp8PictureId(buf: Uint8Array, view: Vp8View, pictureId: number): void {
  const o = view.pictureIdOffset;
  if (o < 0) return;
  if (view.pictureIdBits === 15) {
    const v = pictureId & 0x7fff;
    buf[o] = 0x80 | (v >> 8);
    buf[o + 1] = v & 0xff;
  } else {
    const v = pictureId & 0x7f;
    buf[o] = v;
  }
}

/** Rewrites TL0PICIDX (wraps at 8 bits); no-op if absent. Updates view.tl0PicIdx. */
export function writeVp8Tl0PicIdx(buf: Uint8Array, view: Vp8View, value: number): void {
  const o = view.tl0PicIdxOffset;
  if (o < 0) return;
  const v = value & 0xff;
  buf[o] = v;
}
