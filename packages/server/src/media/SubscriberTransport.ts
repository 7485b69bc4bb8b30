// The server-offered PeerConnection that sends remote streams to one client. It grows by slots
// (one m-line each) and reuses free slots, so most subscriptions need no renegotiation at all.
import nodeDataChannel from 'node-datachannel';
import { SubscriberSlot } from './SubscriberSlot.js';
import { createPeerConnection, type PeerConnection } from './peerConnection.js';
import { withAnnouncedCandidate } from './sdp.js';
import { parseRtcp, type RtcpHandler } from './rtp/rtcp.js';
import { isRtcpPacket } from './rtp/rtpPacket.js';
import { MediaError } from './errors.js';
import type { MediaEngineOptions, MediaKind } from './types.js';

const { Audio, Video } = nodeDataChannel;

export const SUBSCRIBER_VIDEO_PT = 96;
export const SUBSCRIBER_AUDIO_PT = 111;

export class SubscriberTransport {
  readonly slots: SubscriberSlot[] = [];
  private readonly pc: PeerConnection;
  private offerInFlight = false;
  private offerAgain = false;
  private slotsInOffer: SubscriberSlot[] = [];
  private readonly waiters = new Map<SubscriberSlot, Array<() => void>>();
  private closed = false;
  private nextMid = 0;

  constructor(
    readonly id: string,
    readonly routerId: string,
    private readonly options: MediaEngineOptions,
    private readonly emitOffer: (sdp: string) => void,
    onState: (transport: SubscriberTransport, state: string) => void,
  ) {
    this.pc = createPeerConnection(`sub-${id}`, options, false);
    this.pc.onStateChange((state) => onState(this, state));
    this.pc.onLocalDescription((sdp, type) => {
      if (type !== 'offer' || this.closed) return;
      this.emitOffer(withAnnouncedCandidate(sdp, this.options.announcedIp, this.options.rtcPort));
      const offered = this.slotsInOffer;
      this.slotsInOffer = [];
      for (const slot of offered) {
        slot.offered = true;
        for (const resolve of this.waiters.get(slot) ?? []) resolve();
        this.waiters.delete(slot);
      }
    });
  }

  /** A free slot of this kind, or a new one; resolves once the client has been offered it. */
  acquireSlot(kind: MediaKind): Promise<SubscriberSlot> {
    if (this.closed) return Promise.reject(new MediaError('closed', `subscriber ${this.id} is closed`));
    const free = this.slots.find((s) => s.kind === kind && s.consumer === null && s.offered);
    if (free) return Promise.resolve(free);
    const slot = this.addSlot(kind);
    const offered = new Promise<void>((resolve) => this.waiters.set(slot, [resolve]));
    this.negotiate();
    return offered.then(() => slot);
  }

  private addSlot(kind: MediaKind): SubscriberSlot {
    const mid = String(this.nextMid++);
    const ssrc = (Math.random() * 0xfffffff0 + 1) >>> 0;
    const media = kind === 'video' ? new Video(mid, 'SendOnly') : new Audio(mid, 'SendOnly');
    if (kind === 'video') (media as InstanceType<typeof Video>).addVP8Codec(SUBSCRIBER_VIDEO_PT);
    else (media as InstanceType<typeof Audio>).addOpusCodec(SUBSCRIBER_AUDIO_PT);
    media.addSSRC(ssrc, `rk-${this.id}`, `rk-${mid}`, `rk-${mid}-track`);
    const track = this.pc.addTrack(media);
    const slot = new SubscriberSlot(mid, kind, ssrc, kind === 'video' ? SUBSCRIBER_VIDEO_PT : SUBSCRIBER_AUDIO_PT, track);
    const rtcp: RtcpHandler = {
      onPli: () => slot.consumer?.onKeyframeRequest(performance.now()),
      onFir: () => slot.consumer?.onKeyframeRequest(performance.now()),
    };
    track.onOpen(() => {
      slot.open = true;
      slot.consumer?.onSlotOpen(performance.now());
    });
    track.onClosed(() => {
      slot.open = false;
    });
    track.onMessage((msg) => {
      if (isRtcpPacket(msg)) parseRtcp(msg, msg.length, rtcp);
    });
    this.slots.push(slot);
    return slot;
  }

  private negotiate(): void {
    if (this.offerInFlight) {
      this.offerAgain = true;
      return;
    }
    this.offerInFlight = true;
    this.slotsInOffer = this.slots.filter((s) => !s.offered);
    this.pc.setLocalDescription('offer');
  }

  applyAnswer(sdp: string): void {
    if (!this.offerInFlight) throw new MediaError('bad_sdp', 'no subscriber offer is waiting for an answer');
    try {
      this.pc.setRemoteDescription(sdp, 'answer');
    } catch (err) {
      throw new MediaError('bad_sdp', `subscriber answer rejected: ${(err as Error).message}`, { cause: err });
    }
    this.offerInFlight = false;
    if (this.offerAgain) {
      this.offerAgain = false;
      this.negotiate();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot.open = false;
    this.waiters.clear();
    try {
      this.pc.close();
    } catch {
      // already closed
    }
  }
}
