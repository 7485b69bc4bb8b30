// Builds RFC 4588 retransmission packets: the original header (rewritten by the caller), then the
// original sequence number (OSN), then the original payload, without padding.
import type { RtpView } from './rtpPacket.js';

/**
 * Turns the packet in `src` (parsed as `view`) into an RTX packet in `dst`: header bytes copied,
 * the padding bit cleared, OSN inserted before the payload. Returns the RTX length, 0 if `dst` is
 * too small. The caller rewrites SSRC, payload type and sequence number afterwards.
 */
export function buildRtx(dst: Uint8Array, src: Uint8Array, view: RtpView, osn: number): number {
  const headerLength = view.payloadOffset;
  const length = headerLength + 2 + view.payloadLength;
  if (length > dst.length) return 0;
  dst.set(src.subarray(0, headerLength), 0);
  dst[0] = dst[0]! & ~0x20;
  dst[headerLength] = (osn >>> 8) & 0xff;
  dst[headerLength + 1] = osn & 0xff;
  dst.set(src.subarray(headerLength, headerLength + view.payloadLength), headerLength + 2);
  return length;
}
