// The single receive-only RTCPeerConnection. The server offers (and re-offers as streams come and
// go); we answer. Which remote stream a transceiver carries is told separately by `consume {mid}`.
import { waitForIceGathering } from './iceGathering.js';
import { codecOf } from './sdp.js';
import type { SignalingClient } from '@roomkit/client-core';
import type { Logger } from '@roomkit/client-core';

export class SubscribeConnection {
  private pc: RTCPeerConnection | null = null;
  private lastOfferSdp = '';
  private closed = false;
  /** An answer whose request failed because the socket dropped: sent again after a resume. */
  private unsentAnswer: string | null = null;
  /** Called when the PeerConnection fails (ICE/DTLS gone): the owner restarts it. */
  onFailed: (() => void) | null = null;
  /** Settles when close() runs: a PeerConnection closed mid-operation never settles that operation. */
  private readonly closedSignal: Promise<void>;
  private markClosed: () => void = () => {};

  constructor(
    private readonly log: Logger,
    private readonly iceServers: RTCIceServer[] = [],
  ) {
    this.closedSignal = new Promise((resolve) => (this.markClosed = resolve));
  }

  /**
   * `op`, or nothing once close() runs. Per the WebRTC spec an operation queued on a PeerConnection
   * that gets closed never resolves nor rejects; awaited directly it would hang Meeting's event chain
   * (every later event, the next subscriber's offer included, would wait forever).
   */
  private async unlessClosed<T>(op: Promise<T>): Promise<T | undefined> {
    op.catch(() => {}); // a rejection after close() has no one to tell
    return Promise.race([op, this.closedSignal.then(() => undefined)]);
  }

  /** The whole receive connection's stats (every stream and the candidate pair); null before the first offer. */
  getStats(): Promise<RTCStatsReport> | null {
    return this.pc && !this.closed ? this.pc.getStats() : null;
  }

  /**
   * Applies a server offer and sends our answer. Callers must not overlap calls; Meeting's ordered
   * event chain guarantees that.
   */
  async handleOffer(sdp: string, signaling: SignalingClient): Promise<void> {
    if (this.closed) return;
    if (!this.pc) {
      this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: this.iceServers });
      const pc = this.pc;
      pc.addEventListener('connectionstatechange', () => {
        this.log.debug('subscriber PC', pc.connectionState);
        if (pc.connectionState === 'failed' && !this.closed) this.onFailed?.();
      });
    }
    const pc = this.pc;
    await this.unlessClosed(pc.setRemoteDescription({ type: 'offer', sdp }));
    if (this.closed) return;
    this.lastOfferSdp = sdp;
    const answer = await this.unlessClosed(pc.createAnswer());
    if (this.closed || !answer) return;
    await this.unlessClosed(pc.setLocalDescription(answer));
    if (this.closed) return;
    await this.unlessClosed(waitForIceGathering(pc));
    if (this.closed) return;
    const answerSdp = pc.localDescription?.sdp;
    if (!answerSdp) throw new Error('The browser produced no answer for the subscriber offer');
    try {
      this.unsentAnswer = null;
      await signaling.request({ t: 'subscriberAnswer', sdp: answerSdp });
    } catch (err) {
      if (!signaling.isOpen) {
        this.unsentAnswer = answerSdp;
        return;
      }
      throw err;
    }
  }

  /** After a resume: the answer that may not have reached the server goes again (a duplicate is refused harmlessly). */
  async resendAnswer(signaling: SignalingClient): Promise<void> {
    const sdp = this.unsentAnswer;
    if (!sdp || this.closed) return;
    this.unsentAnswer = null;
    await signaling.request({ t: 'subscriberAnswer', sdp }).catch((err: unknown) => this.log.debug('resent answer refused', err));
  }

  /** The receiver of the transceiver negotiated under `mid`, if any. */
  receiverFor(mid: string): RTCRtpReceiver | null {
    const t = this.pc?.getTransceivers().find((tr) => tr.mid === mid);
    return t?.receiver ?? null;
  }

  /** Codec the server offered for `mid` (from the latest offer). */
  codecFor(mid: string): string {
    return codecOf(this.lastOfferSdp, mid);
  }

  get connectionState(): RTCPeerConnectionState | 'new' {
    return this.pc?.connectionState ?? 'new';
  }

  close(): void {
    this.closed = true;
    this.markClosed();
    this.pc?.close();
    this.pc = null;
  }
}
