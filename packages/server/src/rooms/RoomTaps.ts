// A room's plain-RTP taps (participant and track recordings): each follows one participant's stream
// of one kind, re-pointed at every new producer of it (camera off and on again), until removed.
// The media layer forwards the packets; this only keeps the taps pointed at the right producers.
import { RoomkitError, type StreamKind } from '@roomkit/protocol';
import type { LayerIndex, MediaEngine } from '../media/types.js';
import type { Participant } from './Participant.js';
import { logger } from '../logger.js';

const log = logger('rooms:RoomTaps');

export interface TapRequest {
  participantId: string;
  kind: StreamKind;
  /** UDP port on 127.0.0.1 the recorder listens on. */
  port: number;
  /** The RTP payload type the recorder's SDP gives this stream. */
  payloadType: number;
  /** The highest simulcast layer to forward (default: the best live one). */
  maxLayer?: LayerIndex;
}

interface TapEntry extends TapRequest {
  tapId: string;
}

export class RoomTaps {
  private readonly taps = new Map<string, TapEntry>();
  private seq = 0;

  constructor(
    private readonly media: MediaEngine,
    private readonly routerId: () => string,
  ) {}

  /** Starts a tap on `participant`'s stream of `request.kind` (which must be published now). */
  async add(participant: Participant, request: TapRequest): Promise<string> {
    const stream = participant.streams.get(request.kind);
    if (!stream) throw new RoomkitError('START_RECORDING_FAILED', `participantId: ${participant.id} does not publish ${request.kind} now`);
    const tapId = `${participant.id}.tap.${request.kind}.${this.seq++}`;
    const entry: TapEntry = { ...request, tapId };
    const mediaKind = request.kind === 'audio' || request.kind === 'shareAudio' ? 'audio' : 'video';
    await this.media.request({ op: 'createRtpTap', routerId: this.routerId(), tapId, kind: mediaKind, port: request.port, payloadType: request.payloadType, ...(request.maxLayer !== undefined ? { maxLayer: request.maxLayer } : {}) });
    this.taps.set(tapId, entry);
    try {
      await this.media.request({ op: 'setRtpTapSource', tapId, producerId: stream.transportId });
    } catch (err) {
      await this.remove(tapId);
      throw new RoomkitError('START_RECORDING_FAILED', `the ${request.kind} stream of ${participant.id} went away while starting`, { cause: err });
    }
    return tapId;
  }

  async remove(tapId: string): Promise<void> {
    if (!this.taps.delete(tapId)) return;
    await this.media.request({ op: 'closeRtpTap', tapId }).catch(() => {});
  }

  /** A participant (re)published a stream: taps following it switch to the new producer. */
  onPublished(participantId: string, kind: StreamKind, producerId: string): void {
    for (const tap of this.taps.values()) {
      if (tap.participantId !== participantId || tap.kind !== kind) continue;
      this.media.request({ op: 'setRtpTapSource', tapId: tap.tapId, producerId }).catch((err: unknown) => log.debug({ err, tapId: tap.tapId }, 'tap could not follow the new stream'));
    }
  }

  /** The media worker was replaced: the taps are gone there; make them again, idle until a publish. */
  async recreate(): Promise<void> {
    for (const tap of this.taps.values()) {
      const mediaKind = tap.kind === 'audio' || tap.kind === 'shareAudio' ? 'audio' : 'video';
      await this.media
        .request({ op: 'createRtpTap', routerId: this.routerId(), tapId: tap.tapId, kind: mediaKind, port: tap.port, payloadType: tap.payloadType, ...(tap.maxLayer !== undefined ? { maxLayer: tap.maxLayer } : {}) })
        .catch((err: unknown) => log.warn({ err, tapId: tap.tapId }, 'tap not recreated'));
    }
  }

  /** The router is closing (it closes its taps itself). */
  clear(): void {
    this.taps.clear();
  }
}
