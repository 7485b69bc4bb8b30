// Fast start: a consumer that starts (or switches, or resumes) on a layer whose last keyframe is so
// recent that the publisher's encoder would ignore a keyframe request (libwebrtc: 300 ms) gets that
// keyframe and everything after it from the layer's packet history, through its normal rewrite
// path, then continues live. Bounded, and allocation-free per packet: packets are copied into one
// shared scratch area and sent through length-exact views of it, created once per length.
import type { PacketSink } from './Producer.js';
import type { PacketHistory } from './rtp/PacketHistory.js';
import { ONE_BYTE_EXTENSION_PROFILE, RtpView, findFixedHeaderExtension, parseRtp } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8 } from './rtp/vp8.js';

/** A replay longer than this (packets or bytes) is not worth the burst: ask for a keyframe instead. */
export const MAX_REPLAY_PACKETS = 256;
export const MAX_REPLAY_BYTES = 256 * 1024;

const MAX_PACKET = 1500;
const scratch = new ArrayBuffer(MAX_PACKET);
const scratchBytes = new Uint8Array(scratch);
/** views[n]: a Buffer of exactly n bytes over `scratch` (the send call takes the whole Buffer). */
const views: (Buffer | undefined)[] = new Array(MAX_PACKET + 1);
const replayView = new RtpView();
const replayVp8 = new Vp8View();

function viewOf(length: number): Buffer {
  let view = views[length];
  if (view === undefined) {
    view = Buffer.from(scratch, 0, length);
    views[length] = view;
  }
  return view;
}

export interface ReplayRange {
  /** Sequence number of the keyframe's first packet, and of the newest packet forwarded live. */
  firstSeq: number;
  lastSeq: number;
  layer: number;
  absSendTimeExtensionId: number;
  transportCcExtensionId: number;
}

/**
 * Hands `sink` every packet of `range` still in `history`, in order (padding marked skipped is
 * passed on as a skip). Returns how many packets were handed over; 0 when the range is too long,
 * too big, or its keyframe is gone, and then nothing was handed over.
 */
export function replayFromKeyframe(history: PacketHistory, range: ReplayRange, nowMs: number, sink: PacketSink): number {
  const count = ((range.lastSeq - range.firstSeq) & 0xffff) + 1;
  if (count > MAX_REPLAY_PACKETS || history.lengthOf(range.firstSeq, nowMs) === 0) return 0;
  let bytes = 0;
  for (let k = 0; k < count; k++) bytes += history.lengthOf((range.firstSeq + k) & 0xffff, nowMs);
  if (bytes > MAX_REPLAY_BYTES) return 0;
  let replayed = 0;
  for (let k = 0; k < count; k++) {
    const seq = (range.firstSeq + k) & 0xffff;
    const length = history.copyTo(seq, nowMs, scratchBytes, 0);
    if (length === 0) {
      // Lost upstream (and not yet repaired) stays a gap the subscriber NACKs, as live.
      if (history.isSkipped(seq)) sink.skip(range.layer, seq);
      continue;
    }
    const buf = viewOf(length);
    if (!parseRtp(buf, length, replayView) || !parseVp8(buf, replayView.payloadOffset, replayView.payloadLength, replayVp8)) continue;
    let absSendTime = -1;
    if (replayView.extProfile === ONE_BYTE_EXTENSION_PROFILE) {
      if (range.transportCcExtensionId > 0) replayView.transportCcOffset = findFixedHeaderExtension(buf, replayView, range.transportCcExtensionId, 2);
      if (range.absSendTimeExtensionId > 0) absSendTime = findFixedHeaderExtension(buf, replayView, range.absSendTimeExtensionId, 3);
    }
    sink.forward(buf, replayView, replayVp8, range.layer, nowMs, absSendTime);
    replayed++;
  }
  return replayed;
}
