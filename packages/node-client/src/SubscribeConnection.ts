// The one receive-only PeerConnection the server offers (and re-offers as streams come and go).
// Each m-line's Track is kept referenced (a collected Track stops delivering) and feeds the
// StreamReceiver of whatever stream `consume` last put on that mid.
import type { Track } from 'node-datachannel';
import { createClientPeerConnection, localDescriptionWhenGathered, type PeerConnection } from './peerConnection.js';
import { StreamReceiver } from './receive/StreamReceiver.js';
import { isRtcp } from './rtp/rtp.js';
import { parseOfferedMedia, takeCandidates, type OfferedMedia } from './sdp.js';

const TICK_MS = 100;
const ANSWER_TIMEOUT_MS = 5000;

export class SubscribeConnection {
  private pc: PeerConnection | null = null;
  private readonly tracks = new Map<string, Track>();
  private readonly receivers = new Map<string, StreamReceiver>();
  /**
   * Media that reached a mid before the `consume` naming its stream: the server starts a stream
   * from a recent keyframe the moment the slot opens, which can beat the event here. Kept for the
   * stream that `consume` announces next (otherwise its first keyframe would be lost).
   */
  private readonly early = new Map<string, StreamReceiver>();
  private offered = new Map<string, OfferedMedia>();
  private readonly senderSsrc = ((Math.random() * 0xfffffff0) >>> 0) + 1;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** The server's candidates, held back until the server has our answer (see handleOffer). */
  private pendingCandidates: Array<{ candidate: string; mid: string }> | null = null;
  private candidatesAdded = false;
  state = 'new';

  constructor(private readonly options: { bindAddress?: string; name: string; onConnected?: () => void }) {}

  /** Applies a server offer and returns our answer (with candidates). Calls must not overlap. */
  async handleOffer(sdp: string): Promise<string> {
    if (this.closed) throw new Error('subscriber connection closed');
    if (!this.pc) {
      const pc = createClientPeerConnection(`${this.options.name}-sub`, this.options.bindAddress, true);
      this.pc = pc;
      pc.onStateChange((state) => {
        this.state = state;
        if (state === 'connected') this.options.onConnected?.();
      });
      pc.onTrack((track) => this.addTrack(track));
      this.timer = setInterval(() => this.tick(), TICK_MS);
    }
    const pc = this.pc;
    this.offered = parseOfferedMedia(sdp);
    for (const [mid, receiver] of this.receivers) {
      const media = this.offered.get(mid);
      if (media) receiver.setPayloadTypes({ media: media.payloadType, rtx: media.rtxPayloadTypes });
    }
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node-datachannel produced no answer')), ANSWER_TIMEOUT_MS);
      pc.onLocalDescription((_sdp, type) => {
        if (type !== 'answer') return;
        clearTimeout(timer);
        resolve();
      });
    });
    // Without the server's candidates our agent cannot start checks before the server has our
    // answer: checks that early get refused and libjuice then fails the only pair at once (one
    // join in three failed that way). answerDelivered() adds them. We stay the DTLS client (the
    // answerer's default): our hello then follows our own ICE success and the server already has our
    // fingerprint; as DTLS server we often lost the server's first hello and waited 1 s for the resend.
    const { sdp: withoutCandidates, candidates } = takeCandidates(sdp);
    if (!this.candidatesAdded) this.pendingCandidates = candidates;
    pc.setRemoteDescription(withoutCandidates, 'offer');
    await answered;
    return localDescriptionWhenGathered(pc);
  }

  /** The server accepted our answer: now our ICE agent may talk to it. */
  answerDelivered(): void {
    const pc = this.pc;
    if (!pc || this.candidatesAdded || !this.pendingCandidates) return;
    this.candidatesAdded = true;
    for (const { candidate, mid } of this.pendingCandidates) {
      try {
        pc.addRemoteCandidate(candidate, mid);
      } catch {
        // a candidate the agent cannot use (other address family): the next one may do
      }
    }
    this.pendingCandidates = null;
  }

  /** Starts counting `mid`'s packets for a newly consumed stream; the mid's previous stream stops. */
  receive(mid: string): StreamReceiver | null {
    const media = this.offered.get(mid);
    if (!media) return null;
    const early = this.early.get(mid);
    this.early.delete(mid);
    early?.setPayloadTypes({ media: media.payloadType, rtx: media.rtxPayloadTypes });
    const receiver = early ?? this.newReceiver(mid, media);
    this.receivers.set(mid, receiver);
    return receiver;
  }

  private newReceiver(mid: string, media: OfferedMedia): StreamReceiver {
    return new StreamReceiver(media.kind, { media: media.payloadType, rtx: media.rtxPayloadTypes }, (packet) => this.sendRtcp(mid, packet), this.senderSsrc);
  }

  stopReceiving(mid: string, receiver: StreamReceiver): void {
    if (this.receivers.get(mid) === receiver) this.receivers.delete(mid);
  }

  codecFor(mid: string): string {
    return this.offered.get(mid)?.codec ?? '';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.receivers.clear();
    this.early.clear();
    try {
      this.pc?.close();
    } catch {
      // already closed
    }
    this.tracks.clear();
    this.pc = null;
  }

  private addTrack(track: Track): void {
    const mid = track.mid();
    this.tracks.set(mid, track);
    track.onMessage((msg) => {
      const receiver = this.receivers.get(mid);
      if (receiver) {
        if (isRtcp(msg)) receiver.handleRtcp(msg);
        else receiver.handlePacket(msg);
        return;
      }
      if (isRtcp(msg)) return;
      let early = this.early.get(mid);
      if (!early) {
        const media = this.offered.get(mid);
        if (!media) return;
        early = this.newReceiver(mid, media);
        this.early.set(mid, early);
      }
      early.handlePacket(msg);
    });
  }

  private sendRtcp(mid: string, packet: Buffer): void {
    try {
      this.tracks.get(mid)?.sendMessageBinary(packet);
    } catch {
      // the transport is not open (yet or any more): feedback is best effort
    }
  }

  private tick(): void {
    const now = performance.now();
    for (const receiver of this.receivers.values()) receiver.tick(now);
  }
}
