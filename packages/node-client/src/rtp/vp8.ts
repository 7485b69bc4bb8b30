// VP8 RTP payload descriptor (RFC 7741): the sender writes I (15-bit picture id), L (TL0PICIDX) and
// T (TID 0, Y set) on every packet; the receiver parses and sanity-checks what arrives.

/** Bytes of the descriptor we write: X byte, 2-byte picture id, TL0PICIDX, TID byte. */
export const VP8_DESCRIPTOR_BYTES = 6;

/** Writes our descriptor for one packet of a frame. */
export function writeVp8Descriptor(out: Buffer, offset: number, startOfFrame: boolean, pictureId: number, tl0PicIdx: number): number {
  out[offset] = 0x80 | (startOfFrame ? 0x10 : 0); // X, S; N=0, PID=0
  out[offset + 1] = 0xe0; // I, L, T
  out[offset + 2] = 0x80 | ((pictureId >> 8) & 0x7f); // M=1: 15-bit picture id
  out[offset + 3] = pictureId & 0xff;
  out[offset + 4] = tl0PicIdx & 0xff;
  out[offset + 5] = 0x20; // TID 0, Y=1 (every frame references only TL0), KEYIDX 0
  return VP8_DESCRIPTOR_BYTES;
}

export interface Vp8Descriptor {
  startOfFrame: boolean;
  partitionId: number;
  /** -1 when absent */
  pictureId: number;
  pictureIdBits: 0 | 7 | 15;
  tl0PicIdx: number;
  temporalId: number;
  /** true only on the first packet of a keyframe */
  keyframe: boolean;
  /** offset of the VP8 payload after the descriptor */
  headerLength: number;
}

/** Parses the descriptor at the start of `payload`; null when truncated. */
export function parseVp8Descriptor(payload: Buffer): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  let i = 1;
  let pictureId = -1;
  let pictureIdBits: 0 | 7 | 15 = 0;
  let tl0PicIdx = -1;
  let temporalId = -1;
  if (b0 & 0x80) {
    if (i >= payload.length) return null;
    const x = payload[i++]!;
    if (x & 0x80) {
      if (i >= payload.length) return null;
      if (payload[i]! & 0x80) {
        if (i + 1 >= payload.length) return null;
        pictureId = ((payload[i]! & 0x7f) << 8) | payload[i + 1]!;
        pictureIdBits = 15;
        i += 2;
      } else {
        pictureId = payload[i]!;
        pictureIdBits = 7;
        i += 1;
      }
    }
    if (x & 0x40) {
      if (i >= payload.length) return null;
      tl0PicIdx = payload[i++]!;
    }
    if (x & 0x30) {
      if (i >= payload.length) return null;
      if (x & 0x20) temporalId = payload[i]! >> 6;
      i++;
    }
  }
  if (i >= payload.length) return null;
  const startOfFrame = (b0 & 0x10) !== 0;
  const partitionId = b0 & 0x07;
  return {
    startOfFrame,
    partitionId,
    pictureId,
    pictureIdBits,
    tl0PicIdx,
    temporalId,
    keyframe: startOfFrame && partitionId === 0 && (payload[i]! & 0x01) === 0,
    headerLength: i,
  };
}

/** The VP8 frame header's P bit (RFC 6386 9.1): 0 means keyframe. For whole IVF frames. */
export function isVp8Keyframe(frame: Buffer): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0;
}
