// One sendonly PeerConnection carrying one synthetic track, as the browser SDK does (the server
// takes one m-line per publish PC). Video sends up to three simulcast layers by rid (q/h/f), each
// its own SSRC with the rtp-stream-id header extension until the server's reports acknowledge it.
import nodeDataChannel, { type Track } from 'node-datachannel';
import type { StreamKind } from '@roomkit/protocol';
import { AudioSender } from './media/AudioSender.js';
import { Pacer } from './media/Pacer.js';
import type { SyntheticMedia } from './media/SyntheticMedia.js';
import { VideoLayerSender } from './media/VideoLayerSender.js';
import { createClientPeerConnection, localDescriptionWhenGathered, type PeerConnection } from './peerConnection.js';
import { isRtcp } from './rtp/rtp.js';
import { takeCandidates } from './sdp.js';
import { parseRtcp, type RtcpFeedback } from './rtp/rtcp.js';
import type { RtpStreamState } from './media/RtpStreamState.js';

const { Audio, Video } = nodeDataChannel;

const VIDEO_PT = 96;
const AUDIO_PT = 111;
const EXT_AUDIO_LEVEL = 1;
const EXT_RID = 4;
const SENDER_REPORT_INTERVAL_MS = 1000;
/** A burst of keyframe requests (several subscribers at once) costs one keyframe per this window. */
const KEYFRAME_MIN_INTERVAL_MS = 100;

/** What a local stream has sent and what the server asked of it. */
export interface LocalStreamStats {
  kind: StreamKind;
  packetsSent: number;
  bytesSent: number;
  sendErrors: number;
  framesSent: number;
  keyframesSent: number;
  /** PLI/FIR received from the server. */
  keyframeRequests: number;
  /** NACK entries received (we do not retransmit: no RTX on the publish side). */
  nacksReceived: number;
  /** Last REMB estimate from the server, bits/s (0 if none). */
  remb: number;
  /** Per simulcast layer (one entry for audio or single-layer video). */
  layers: Array<{ rid: string; ssrc: number; packetsSent: number; bytesSent: number }>;
}

export class PublishConnection {
  readonly simulcast: boolean;
  streamId = '';
  private readonly pc: PeerConnection;
  private readonly track: Track;
  private readonly videoLayers: VideoLayerSender[] = [];
  private readonly audio: AudioSender | null = null;
  private readonly pacer: Pacer;
  private srTimer: ReturnType<typeof setInterval> | null = null;
  private readonly lastKeyframeAt = new Map<number, number>();
  private nacksReceived = 0;
  private keyframeRequests = 0;
  private remb = 0;
  private closed = false;

  constructor(
    readonly kind: 'audio' | 'video',
    media: SyntheticMedia,
    options: { simulcast: boolean; bindAddress?: string; name: string },
  ) {
    this.simulcast = kind === 'video' && options.simulcast && media.layers.length > 1;
    this.pc = createClientPeerConnection(`${options.name}-pub-${kind}`, options.bindAddress, false);
    const frameMs = 1000 / media.frameRate;
    if (kind === 'video') {
      // Without simulcast only the top layer is sent, as a browser camera would.
      const sources = this.simulcast ? media.layers : media.layers.slice(-1);
      for (const source of sources) this.videoLayers.push(new VideoLayerSender(source, VIDEO_PT, this.simulcast ? EXT_RID : 0));
      const desc = new Video('0', 'SendOnly');
      desc.addVP8Codec(VIDEO_PT);
      if (this.simulcast) {
        desc.parseSdpLine(`a=extmap:${EXT_RID} urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id`);
        for (const layer of this.videoLayers) desc.parseSdpLine(`a=rid:${layer.source.rid} send`);
        desc.parseSdpLine(`a=simulcast:send ${this.videoLayers.map((l) => l.source.rid).join(';')}`);
      }
      for (const layer of this.videoLayers) desc.addSSRC(layer.rtp.ssrc, options.name, 'rk-node', 'rk-node-video');
      this.track = this.pc.addTrack(desc);
      this.pacer = new Pacer(frameMs, (slot) => this.sendVideo(slot, media.frameRate), () => {
        for (const layer of this.videoLayers) layer.requestKeyframe();
      });
    } else {
      this.audio = new AudioSender(media.audio, AUDIO_PT, EXT_AUDIO_LEVEL);
      const desc = new Audio('0', 'SendOnly');
      desc.addOpusCodec(AUDIO_PT);
      desc.parseSdpLine(`a=extmap:${EXT_AUDIO_LEVEL} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
      desc.addSSRC(this.audio.rtp.ssrc, options.name, 'rk-node', 'rk-node-audio');
      this.track = this.pc.addTrack(desc);
      this.pacer = new Pacer(20, (slot) => this.send(this.audio!.rtp, this.audio!.nextPacket(slot)));
    }
    const feedback: RtcpFeedback = {
      onPli: (ssrc) => this.onKeyframeRequest(ssrc),
      onFir: (ssrc) => this.onKeyframeRequest(ssrc),
      onNack: () => {
        this.nacksReceived++;
      },
      onRemb: (bps) => {
        this.remb = bps;
      },
      onReportBlock: (ssrc) => {
        for (const s of this.streams()) if (s.ssrc === ssrc) s.acknowledged = true;
      },
    };
    this.track.onMessage((msg) => {
      if (isRtcp(msg)) parseRtcp(msg, feedback);
    });
    this.track.onOpen(() => {
      if (this.closed) return;
      this.pacer.begin();
      this.srTimer = setInterval(() => this.sendSenderReports(), SENDER_REPORT_INTERVAL_MS);
    });
  }

  /** Offers, sends `publish`, applies the server's answer; media starts when the track opens. */
  async negotiate(request: (sdp: string, simulcast: boolean) => Promise<{ streamId: string; sdp: string }>): Promise<string> {
    this.pc.setLocalDescription('offer');
    // Offered as `active` (libdatachannel then takes the client role once the answer says passive):
    // as actpass the server became the DTLS client and its hello could arrive before the answer
    // (and the fingerprint to check it against), failing the handshake ("certificate verify failed").
    const gathered = (await localDescriptionWhenGathered(this.pc)).replace(/^a=setup:actpass/gm, 'a=setup:active');
    // Offered without our candidates: with them the server's agent started checks before our agent
    // had its answer, and under CPU load libjuice failed our only pair before the answer arrived
    // (then "Got a remote candidate without ICE transport"; ~1 join in 6 on a busy machine). Now our
    // agent starts the checks once it has the answer, and the server learns our address from them
    // (a peer-reflexive candidate).
    const offer = takeCandidates(gathered).sdp;
    const answer = await request(offer, this.simulcast);
    this.streamId = answer.streamId;
    if (!this.closed) this.pc.setRemoteDescription(answer.sdp, 'answer');
    return answer.streamId;
  }

  get open(): boolean {
    return this.pacer.running;
  }

  stats(): LocalStreamStats {
    const streams = this.streams();
    const layers = this.kind === 'video'
      ? this.videoLayers.map((l) => ({ rid: l.source.rid, ssrc: l.rtp.ssrc, packetsSent: l.rtp.packetsSent, bytesSent: l.rtp.bytesSent }))
      : [{ rid: '', ssrc: this.audio!.rtp.ssrc, packetsSent: this.audio!.rtp.packetsSent, bytesSent: this.audio!.rtp.bytesSent }];
    return {
      kind: this.kind,
      packetsSent: streams.reduce((a, s) => a + s.packetsSent, 0),
      bytesSent: streams.reduce((a, s) => a + s.bytesSent, 0),
      sendErrors: streams.reduce((a, s) => a + s.sendErrors, 0),
      framesSent: this.kind === 'video' ? this.videoLayers.reduce((a, l) => a + l.counters.framesSent, 0) : this.audio!.rtp.packetsSent,
      keyframesSent: this.videoLayers.reduce((a, l) => a + l.counters.keyframesSent, 0),
      keyframeRequests: this.keyframeRequests,
      nacksReceived: this.nacksReceived,
      remb: this.remb,
      layers,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pacer.stop();
    if (this.srTimer) clearInterval(this.srTimer);
    try {
      this.pc.close();
    } catch {
      // already closed
    }
  }

  private streams(): RtpStreamState[] {
    return this.kind === 'video' ? this.videoLayers.map((l) => l.rtp) : [this.audio!.rtp];
  }

  private sendVideo(slot: number, frameRate: number): void {
    for (const layer of this.videoLayers) {
      for (const packet of layer.nextFrame(slot, frameRate)) this.send(layer.rtp, packet);
    }
  }

  private send(state: RtpStreamState, packet: Buffer): void {
    try {
      this.track.sendMessageBinary(packet);
      state.packetsSent++;
      state.bytesSent += packet.length;
    } catch {
      state.sendErrors++;
    }
  }

  private onKeyframeRequest(ssrc: number): void {
    this.keyframeRequests++;
    const now = performance.now();
    for (const layer of this.videoLayers) {
      if (layer.rtp.ssrc !== ssrc) continue;
      if (now - (this.lastKeyframeAt.get(ssrc) ?? -1e9) < KEYFRAME_MIN_INTERVAL_MS) return;
      this.lastKeyframeAt.set(ssrc, now);
      layer.requestKeyframe();
    }
  }

  private sendSenderReports(): void {
    for (const s of this.streams()) {
      if (s.packetsSent === 0) continue;
      try {
        this.track.sendMessageBinary(s.senderReport());
      } catch {
        // closing
      }
    }
  }
}
