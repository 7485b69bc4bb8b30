// A publisher's PeerConnection for one track: answers the browser's offer and owns the Producer.
import { Producer } from './Producer.js';
import { createPeerConnection, type PeerConnection } from './peerConnection.js';
import { EXT_ABS_SEND_TIME, EXT_AUDIO_LEVEL, EXT_RID, EXT_TRANSPORT_CC, fixSimulcastAnswer, trimPublishOffer, withAnnouncedCandidate } from './sdp.js';
import { MediaError } from './errors.js';
import type { MediaEngineOptions, MediaKind } from './types.js';

const ANSWER_TIMEOUT_MS = 5000;

export class PublisherTransport {
  readonly producer: Producer;
  private readonly pc: PeerConnection;
  private closed = false;

  private constructor(
    readonly id: string,
    readonly routerId: string,
    pc: PeerConnection,
    producer: Producer,
  ) {
    this.pc = pc;
    this.producer = producer;
  }

  /** Applies the browser's offer and resolves with the answer to send back. */
  static async create(
    params: { id: string; routerId: string; kind: MediaKind; offerSdp: string; simulcast: boolean; group?: string },
    options: MediaEngineOptions,
    onState: (transport: PublisherTransport, state: string) => void,
  ): Promise<{ transport: PublisherTransport; answerSdp: string }> {
    let info;
    try {
      info = trimPublishOffer(params.offerSdp, params.kind);
    } catch (err) {
      throw new MediaError('bad_sdp', `publish offer rejected: ${(err as Error).message}`);
    }
    const simulcast = params.simulcast && info.rids.length > 1;
    const producer = new Producer({
      id: params.id,
      group: params.group ?? null,
      kind: params.kind,
      payloadType: info.payloadType,
      simulcast,
      rids: simulcast ? info.rids.slice(0, 3) : [],
      ridExtensionId: info.extensionIds.get(EXT_RID) ?? 0,
      audioLevelExtensionId: info.extensionIds.get(EXT_AUDIO_LEVEL) ?? 0,
      absSendTimeExtensionId: info.extensionIds.get(EXT_ABS_SEND_TIME) ?? 0,
      ...(options.staleMedia && { staleMedia: options.staleMedia }),
      transportCcExtensionId: info.extensionIds.get(EXT_TRANSPORT_CC) ?? 0,
    });
    const pc = createPeerConnection(`pub-${params.id}`, options, true);
    const transport = new PublisherTransport(params.id, params.routerId, pc, producer);
    pc.onTrack((track) => producer.attach(track));
    pc.onStateChange((state) => onState(transport, state));
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MediaError('internal', 'no answer from the media engine')), ANSWER_TIMEOUT_MS);
      pc.onLocalDescription((sdp, type) => {
        if (type !== 'answer') return;
        clearTimeout(timer);
        resolve(sdp);
      });
    });
    try {
      pc.setRemoteDescription(info.sdp, 'offer');
      const raw = await answer;
      const answerSdp = withAnnouncedCandidate(fixSimulcastAnswer(raw), options.announcedIp, options.rtcPort);
      return { transport, answerSdp };
    } catch (err) {
      transport.close();
      if (err instanceof MediaError) throw err;
      throw new MediaError('bad_sdp', `publish offer rejected: ${(err as Error).message}`, { cause: err });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.producer.close();
    try {
      this.pc.close();
    } catch {
      // already closed by the library
    }
  }
}
