// One sending m-line of a subscriber PeerConnection. Its SSRC and sequence space outlive the
// streams assigned to it, so a slot can carry one remote stream after another without renegotiation.
import type { Track } from 'node-datachannel';
import type { MediaKind } from './types.js';

/** The consumer side a slot needs: who to tell when the subscriber asks for a keyframe. */
export interface SlotConsumer {
  readonly id: string;
  onKeyframeRequest(nowMs: number): void;
  onSlotOpen(nowMs: number): void;
}

export class SubscriberSlot {
  open = false;
  /** Part of an offer already sent to the client, so a `consume` naming it may follow. */
  offered = false;
  hasSent = false;
  lastSeq = (Math.random() * 0x7fff) | 0;
  lastTs = (Math.random() * 0x7fffffff) >>> 0;
  lastPictureId = (Math.random() * 0x7fff) | 0;
  lastTl0PicIdx = 0;
  /** The consumer currently feeding this slot, if any. */
  consumer: SlotConsumer | null = null;
  constructor(
    readonly mid: string,
    readonly kind: MediaKind,
    readonly ssrc: number,
    readonly payloadType: number,
    readonly track: Track,
  ) {}

  /** Sends one RTP packet; false when the transport refused it (closed, or SRTP replay check). */
  send(buf: Buffer): boolean {
    try {
      this.track.sendMessageBinary(buf);
      return true;
    } catch {
      return false;
    }
  }
}
