// A meeting as a Node app (bot, recorder, load client) sees it: the core's lifecycle, events and
// bookkeeping (@roomkit/client-core's MeetingCore: resume, lobby, moderation, pins, egress, PubSub)
// with synthetic media published through node-datachannel and remote streams delivered as RTP
// with counters instead of MediaStreamTracks.
import WebSocket from 'ws';
import type { ServerEvent, StreamInfo } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol/errors';
import { SIGNALING_PATH } from '@roomkit/protocol/constants';
import { Logger, MeetingCore, type MeetingMedia, type ParticipantCoreHost, type WebSocketLike } from '@roomkit/client-core';
import { loadSyntheticMedia, type SyntheticMedia } from './media/SyntheticMedia.js';
import { Participant } from './Participant.js';
import { PublishConnection } from './PublishConnection.js';
import { Stream, type StreamPauser } from './Stream.js';
import { SubscribeConnection } from './SubscribeConnection.js';
import type { StreamReceiver } from './receive/StreamReceiver.js';
import type { KindToPublish, MeetingEvents, MeetingOptions } from './types.js';

type EventOf<T extends ServerEvent['t']> = Extract<ServerEvent, { t: T }>;

export class Meeting extends MeetingCore<Participant, MeetingEvents> {
  /**
   * performance.now() timings of the last join(): socket open, join answered, and the subscriber
   * connection's first offer received, our answer accepted by the server, and ICE+DTLS connected.
   */
  readonly timings = { joinStartedAt: -1, socketOpenAt: -1, joinedAt: -1, subscriberOfferAt: -1, subscriberAnsweredAt: -1, subscriberConnectedAt: -1 };

  private readonly publications = new Map<KindToPublish, PublishConnection>();
  private subscriber: SubscribeConnection;
  private readonly published = new Map<string, StreamInfo & { participantId: string }>();
  private readonly consumed = new Map<string, { participantId: string; mid: string; receiver: StreamReceiver }>();
  protected readonly platformMedia: MeetingMedia<Participant>;

  constructor(private readonly options: MeetingOptions, token: string | undefined) {
    // Participants and callbacks reach the meeting through `self`, set right after super().
    let self: Meeting;
    const host: ParticipantCoreHost<Participant> = {
      requestQuality: (p, quality) => self.requestQuality(p, quality),
      setPin: (p, type, pinned) => self.setPin(p, type, pinned),
      moderate: (p, action) => self.moderate(p, action),
    };
    const local = new Participant(options.participantId ?? '', options.name ?? '', true, options.mode ?? 'SEND_AND_RECV', options.metaData ?? null, host);
    super({
      meetingId: options.meetingId,
      platform: { createSocket },
      log: new Logger(options.debugMode ?? false, `roomkit ${options.name ?? ''}`.trim()),
      localParticipant: local,
      token: () => options.token ?? token,
      signalingUrl: () => signalingUrl(options.signalingBaseUrl),
      joinRequest: () => {
        self.timings.joinStartedAt = performance.now();
        const { participantId, name, metaData, mode } = options;
        return {
          ...(mode !== undefined && { mode }),
          ...(participantId !== undefined && { participantId }),
          ...(name !== undefined && { name }),
          ...(metaData !== undefined && { metaData }),
        };
      },
      createParticipant: (info) => new Participant(info.id, info.displayName, false, info.mode, info.metaData, host),
      deferJoinedEvent: false,
      joinProgress: (step) => {
        if (step === 'socketOpen') self.timings.socketOpenAt = performance.now();
        else self.timings.joinedAt = performance.now();
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    self = this;
    this.subscriber = this.newSubscriber();
    this.platformMedia = {
      participantAdded: (p, streams) => {
        for (const stream of streams) this.onStreamEnabled(p.id, stream);
      },
      participantGone: (p) => {
        for (const streamId of [...p.streams.keys()]) this.drop(p.id, streamId);
        for (const [id, info] of this.published) if (info.participantId === p.id) this.published.delete(id);
      },
      streamEnabled: (ev) => this.onStreamEnabled(ev.participantId, ev.stream),
      streamDisabled: (ev) => {
        this.published.delete(ev.streamId);
        this.drop(ev.participantId, ev.streamId);
        // Signalling-only: the flags followed streamEnabled, so they follow streamDisabled too.
        const p = this.participants.get(ev.participantId);
        const stillPublishes = [...this.published.values()].some((s) => s.participantId === ev.participantId && s.kind === ev.kind);
        if (!this.receiving() && p && !stillPublishes) p._setMediaStatus(ev.kind, false);
      },
      subscriberOffer: (ev) => this.onSubscriberOffer(ev),
      consume: (ev) => this.onConsume(ev),
      // Node has no changeMode; another participant's mode change needs nothing here.
      setReceiving: () => {},
      mediaReset: () => void this.onMediaReset(),
      // The PeerConnections are separate from the socket and keep running through a resume.
      resumed: () => {},
      joined: () => {
        if ((this.options.mode ?? 'SEND_AND_RECV') !== 'SEND_AND_RECV') return;
        if (this.options.micEnabled) this.publish('audio').catch(() => {});
        if (this.options.webcamEnabled) this.publish('video').catch(() => {});
      },
      // Off: the server already closed the stream (a moderator's doing). On: an accepted request.
      setOwnMedia: async (kind, enabled) => {
        if (enabled) await this.publish(kind);
        else this.closePublication(kind);
      },
      close: () => {
        for (const kind of [...this.publications.keys()]) this.closePublication(kind);
        this.subscriber.close();
        this.consumed.clear();
      },
    };
  }

  /** Publishes the synthetic camera (VP8, simulcast unless multiStream is false). Resolves with its stream. */
  enableWebcam(): Promise<Stream> {
    return this.publish('video');
  }
  disableWebcam(): Promise<void> {
    return this.unpublish('video');
  }
  /** Publishes the synthetic microphone (Opus). */
  unmuteMic(): Promise<Stream> {
    return this.publish('audio');
  }
  muteMic(): Promise<void> {
    return this.unpublish('audio');
  }

  /** State of the subscriber PeerConnection ('new' until the server's first offer). */
  get subscriberState(): string {
    return this.subscriber.state;
  }

  /** Signalling-only receives no media: a participant's mic/camera flags follow what it publishes. */
  private receiving(): boolean {
    return this.localParticipant.mode !== 'SIGNALLING_ONLY';
  }

  private onStreamEnabled(participantId: string, stream: StreamInfo): void {
    this.published.set(stream.id, { ...stream, participantId });
    if (!this.receiving()) this.participants.get(participantId)?._setMediaStatus(stream.kind, true);
  }

  private newSubscriber(): SubscribeConnection {
    return new SubscribeConnection({
      bindAddress: this.options.bindAddress,
      name: this.options.name ?? 'node',
      onConnected: () => {
        if (this.timings.subscriberConnectedAt < 0) this.timings.subscriberConnectedAt = performance.now();
      },
    });
  }

  /**
   * The server lost this meeting's media (a media worker died) and rebuilt it on another worker:
   * receive anew through a fresh subscriber connection, and publish what we published again.
   */
  private async onMediaReset(): Promise<void> {
    for (const [streamId, c] of [...this.consumed]) this.drop(c.participantId, streamId);
    this.subscriber.close();
    this.subscriber = this.newSubscriber();
    const kinds = [...this.publications.keys()];
    for (const kind of kinds) this.closePublication(kind);
    try {
      if (this.localParticipant.mode !== 'SIGNALLING_ONLY') await this.joined('restartSubscriber').request({ t: 'restartSubscriber' });
      for (const kind of kinds) await this.publish(kind);
    } catch (err) {
      this.safeEmit('error', { code: 3044, message: `Could not rebuild the media after the server lost it: ${(err as Error).message}` });
    }
  }

  private async onSubscriberOffer(ev: EventOf<'subscriberOffer'>): Promise<void> {
    try {
      if (this.timings.subscriberOfferAt < 0) this.timings.subscriberOfferAt = performance.now();
      const answer = await this.subscriber.handleOffer(ev.sdp);
      await this.signaling?.request({ t: 'subscriberAnswer', sdp: answer });
      if (this.timings.subscriberAnsweredAt < 0) this.timings.subscriberAnsweredAt = performance.now();
      this.subscriber.answerDelivered();
    } catch (err) {
      this.safeEmit('error', { code: 3044, message: `Could not apply the server's media offer: ${(err as Error).message}` });
    }
  }

  private onConsume(ev: EventOf<'consume'>): void {
    const participant = this.participants.get(ev.participantId);
    if (!participant) return;
    const previous = this.consumed.get(ev.streamId);
    if (previous?.mid === ev.mid) return;
    for (const [streamId, c] of this.consumed) if (c.mid === ev.mid) this.drop(c.participantId, streamId);
    if (previous) this.drop(previous.participantId, ev.streamId);
    const receiver = this.subscriber.receive(ev.mid);
    if (!receiver) {
      this.log.debug(`consume for unknown mid ${ev.mid}`);
      return;
    }
    const codec = this.published.get(ev.streamId)?.codec || this.subscriber.codecFor(ev.mid);
    this.consumed.set(ev.streamId, { participantId: ev.participantId, mid: ev.mid, receiver });
    participant._addStream(new Stream(ev.streamId, ev.kind, codec, ev.mid, receiver, null, this.pauser(participant)));
  }

  /** pause()/resume() of a participant's remote streams: forwarding stops on the server. */
  private pauser(participant: Participant): StreamPauser {
    return async (stream, paused, applied) => {
      await this.joined(paused ? 'pause' : 'resume').request({ t: 'setStreamPaused', streamId: stream.id, paused });
      applied();
      participant._pauseChanged(stream.kind, paused);
    };
  }

  private drop(participantId: string, streamId: string): void {
    const c = this.consumed.get(streamId);
    if (c) {
      this.consumed.delete(streamId);
      this.subscriber.stopReceiving(c.mid, c.receiver);
    }
    this.participants.get(participantId)?._removeStream(streamId);
  }

  private async publish(kind: KindToPublish): Promise<Stream> {
    const signaling = this.joined(kind === 'audio' ? 'unmuteMic' : 'enableWebcam');
    const existing = this.publications.get(kind);
    if (existing) return this.localParticipant.streams.get(existing.streamId)!;
    const media = await this.media();
    const conn = new PublishConnection(kind, media, {
      simulcast: this.options.multiStream ?? true,
      bindAddress: this.options.bindAddress,
      name: this.options.name ?? 'node',
    });
    this.publications.set(kind, conn);
    try {
      const streamId = await conn.negotiate(async (sdp, simulcast) => signaling.request({ t: 'publish', kind, sdp, simulcast }));
      const stream = new Stream(streamId, kind, kind === 'video' ? 'VP8' : 'opus', '', null, () => conn.stats());
      this.localParticipant._addStream(stream);
      return stream;
    } catch (err) {
      conn.close();
      if (this.publications.get(kind) === conn) this.publications.delete(kind);
      const error = err instanceof RoomkitError ? err : new RoomkitError(kind === 'audio' ? 'ERROR_GET_AUDIO_MEDIA' : 'ERROR_GET_VIDEO_MEDIA', `Could not publish ${kind}: ${(err as Error).message}`, { cause: err });
      this.safeEmit('error', { code: error.code, message: error.message });
      throw error;
    }
  }

  private async unpublish(kind: KindToPublish): Promise<void> {
    const signaling = this.joined(kind === 'audio' ? 'muteMic' : 'disableWebcam');
    if (!this.publications.has(kind)) return;
    this.closePublication(kind);
    await signaling.request({ t: 'unpublish', kind });
  }

  private closePublication(kind: KindToPublish): void {
    const conn = this.publications.get(kind);
    if (!conn) return;
    this.publications.delete(kind);
    conn.close();
    this.localParticipant._removeStream(conn.streamId);
  }

  private mediaPromise: Promise<SyntheticMedia> | null = null;
  private media(): Promise<SyntheticMedia> {
    const m = this.options.media;
    if (m && 'layers' in m && Array.isArray(m.layers) && 'audio' in m) return Promise.resolve(m as SyntheticMedia);
    this.mediaPromise ??= loadSyntheticMedia(m as Parameters<typeof loadSyntheticMedia>[0]);
    return this.mediaPromise;
  }


  private joined(action: string) {
    const error = this.notJoined(action);
    if (error) throw error;
    return this.signaling!;
  }
}

/**
 * The `ws` package's WebSocket has the W3C handler properties the core uses. It also throws an
 * 'error' event nobody listens to, so a permanent listener keeps a late socket error (after the
 * core dropped its handlers) from crashing the process.
 */
function createSocket(url: string): WebSocketLike {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  return ws as unknown as WebSocketLike;
}

function signalingUrl(base: string): string {
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + SIGNALING_PATH;
  return url.toString();
}
