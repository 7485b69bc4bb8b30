// One sendonly RTCPeerConnection carrying one local track. One PC per track because the server's
// WebRTC stack drops rid-simulcast packets on a PC with more than one m-line.
import type { StreamKind } from '@roomkit/protocol';
import { ACTIVE_LAYERS, CAMERA_SIMULCAST_ENCODINGS } from './constants.js';
import { waitForIceGathering } from './iceGathering.js';
import { codecOf } from './sdp.js';
import type { SignalingClient } from '@roomkit/client-core';
import type { Quality } from './types.js';

export interface PublishResultInfo {
  streamId: string;
  codec: string;
}

export class PublishConnection {
  readonly pc: RTCPeerConnection;
  readonly sender: RTCRtpSender;
  readonly simulcast: boolean;
  private closed = false;

  constructor(
    readonly kind: StreamKind,
    track: MediaStreamTrack,
    options: { simulcast: boolean; iceServers?: RTCIceServer[] },
  ) {
    this.simulcast = options.simulcast && kind === 'video';
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: options.iceServers ?? [] });
    const init: RTCRtpTransceiverInit = { direction: 'sendonly' };
    if (this.simulcast) init.sendEncodings = CAMERA_SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    this.sender = this.pc.addTransceiver(track, init).sender;
  }

  /** Offers, sends `publish`, applies the server's answer; resolves with the new stream's id. */
  async negotiate(signaling: SignalingClient): Promise<PublishResultInfo> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    await waitForIceGathering(this.pc);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('The browser produced no local description');
    const { width, height } = this.sender.track?.kind === 'video' ? this.sender.track.getSettings() : {};
    const size = width && height ? { width: Math.round(width), height: Math.round(height) } : {};
    const data = await signaling.request({ t: 'publish', kind: this.kind, sdp, simulcast: this.simulcast, ...size });
    if (this.closed) return { streamId: data.streamId, codec: codecOf(data.sdp) };
    await this.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
    return { streamId: data.streamId, codec: codecOf(data.sdp) };
  }

  get track(): MediaStreamTrack | null {
    return this.sender.track;
  }

  replaceTrack(track: MediaStreamTrack): Promise<void> {
    return this.sender.replaceTrack(track);
  }

  /** Turns simulcast layers on/off locally: low = q, med = q+h, high = q+h+f. */
  async setActiveLayers(quality: Quality): Promise<void> {
    if (!this.simulcast) return;
    const active: readonly string[] = ACTIVE_LAYERS[quality];
    const params = this.sender.getParameters();
    for (const enc of params.encodings) enc.active = enc.rid === undefined || active.includes(enc.rid);
    await this.sender.setParameters(params);
  }

  getStats(): Promise<RTCStatsReport> {
    return this.sender.getStats();
  }

  /** Closes the PC; the track is left alone (its owner decides whether to stop it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
  }
}
