// Remote media: the subscriber PeerConnection and which of its transceivers (by mid) carries which
// remote stream. Turns subscriberOffer/consume/streamEnabled/streamDisabled into Stream objects on
// the right Participant. Called only from Meeting's ordered event chain, one event at a time.
import type { StatsSource } from './QualityReporter.js';
import { RoomkitError } from './protocolRuntime.js';
import type { ServerEvent, StreamInfo, StreamKind } from '@roomkit/protocol';
import type { Logger } from '@roomkit/client-core';
import type { Participant } from './Participant.js';
import { ErrorCode } from './protocolRuntime.js';
import type { SignalingClient } from '@roomkit/client-core';
import { addLayers, type StatsReader, type StreamStats } from './stats.js';
import { Stream, type StreamPauser } from './Stream.js';
import { SubscribeConnection } from './SubscribeConnection.js';

type EventOf<T extends ServerEvent['t']> = Extract<ServerEvent, { t: T }>;

export interface RemoteMediaHost {
  signaling(): SignalingClient | null;
  participant(id: string): Participant | undefined;
  emitError(error: { code: number; message: string }): void;
  readonly log: Logger;
  readonly stats: StatsReader;
  /** False when joining in SIGNALLING_ONLY mode: no media arrives, so flags follow streamEnabled/Disabled. */
  readonly receivesMedia: boolean;
  /** A remote stream was added to its participant (adaptive subscription may pause it). */
  streamAdded(participant: Participant, stream: Stream): void;
  /** initMeeting's autoConsume: false holds remote mic and camera streams until consumed. */
  readonly autoConsume: boolean;
  /** The ICE servers (TURN) the server handed out, for new peer connections. */
  iceServers(): RTCIceServer[];
}

type ConsumableKind = 'audio' | 'video';
const isConsumable = (kind: StreamKind): kind is ConsumableKind => kind === 'audio' || kind === 'video';

interface Consumed {
  participantId: string;
  mid: string;
  receiver: RTCRtpReceiver;
}

export class RemoteMedia {
  private subscriber: SubscribeConnection;
  /** What each remote participant publishes (from join, participantJoined, streamEnabled). */
  private readonly published = new Map<string, StreamInfo & { participantId: string }>();
  private readonly consumed = new Map<string, Consumed>();
  /** Media arrives (not SIGNALLING_ONLY); changeMode() switches it. */
  private receiving: boolean;
  /** Streams received but not consumed by the app (paused on the server, not in participant.streams). */
  private readonly held = new Map<string, { participantId: string; stream: Stream }>();
  /** What the app chose with consume*()/stopConsuming*(), per participant (else: autoConsume). */
  private readonly choices = new Map<string, Map<ConsumableKind, boolean>>();

  constructor(private readonly host: RemoteMediaHost) {
    this.subscriber = this.newSubscriber();
    this.receiving = host.receivesMedia;
  }

  /**
   * changeMode() into or out of SIGNALLING_ONLY (our own participantModeChanged, which the server
   * sends before a new subscriber offer): every remote stream ends and a fresh subscriber PC waits
   * for that offer; while not receiving, media flags follow streamEnabled/streamDisabled.
   */
  setReceiving(receiving: boolean): void {
    if (receiving === this.receiving) return;
    this.receiving = receiving;
    for (const [streamId, c] of [...this.consumed]) this.drop(c.participantId, streamId);
    this.subscriber.close();
    this.subscriber = this.newSubscriber();
    if (!receiving) for (const info of this.published.values()) this.host.participant(info.participantId)?._setMediaStatus(info.kind, true);
  }

  private newSubscriber(): SubscribeConnection {
    const subscriber = new SubscribeConnection(this.host.log, this.host.iceServers());
    subscriber.onFailed = () => void this.restart();
    return subscriber;
  }

  /** After a resume: finish what the drop interrupted, and repair a failed subscriber PC. */
  async afterResume(): Promise<void> {
    const signaling = this.host.signaling();
    if (!signaling) return;
    await this.subscriber.resendAnswer(signaling);
    if (this.subscriber.connectionState === 'failed') await this.restart();
  }

  /**
   * The subscriber PC failed: a fresh PC here and a fresh transport on the server, which then
   * offers and consumes every stream again (the app sees stream-disabled, then stream-enabled).
   */
  async restart(): Promise<void> {
    const signaling = this.host.signaling();
    if (!signaling?.isOpen) return; // retried by afterResume()
    this.host.log.debug('restarting the subscriber connection');
    for (const [streamId, c] of [...this.consumed]) this.drop(c.participantId, streamId);
    this.subscriber.close();
    this.subscriber = this.newSubscriber();
    try {
      await signaling.request({ t: 'restartSubscriber' });
    } catch (err) {
      this.host.emitError({ code: ErrorCode.ERROR_MEETING_MEDIA_CONNECTION_FAILED, message: `Could not restart the media connection: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  /** Records streams a participant already publishes (join result, participantJoined). */
  addPublished(participantId: string, streams: StreamInfo[]): void {
    for (const stream of streams) this.onStreamEnabled({ t: 'streamEnabled', participantId, stream });
  }

  async onSubscriberOffer(ev: EventOf<'subscriberOffer'>): Promise<void> {
    const signaling = this.host.signaling();
    if (!signaling) return;
    try {
      await this.subscriber.handleOffer(ev.sdp, signaling);
    } catch (err) {
      this.host.emitError({
        code: ErrorCode.ERROR_MEETING_MEDIA_CONNECTION_FAILED,
        message: `Could not apply the server's media offer: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  onConsume(ev: EventOf<'consume'>): void {
    const participant = this.host.participant(ev.participantId);
    const receiver = this.subscriber.receiverFor(ev.mid);
    if (!participant || !receiver) {
      this.host.log.warn(`consume for ${participant ? `unknown mid ${ev.mid}` : `unknown participant ${ev.participantId}`}`);
      return;
    }
    const previous = this.consumed.get(ev.streamId);
    if (previous?.mid === ev.mid && participant.streams.has(ev.streamId)) return; // repeated consume
    // A mid carries one stream at a time: whatever it carried before is gone.
    for (const [streamId, c] of this.consumed) {
      if (c.mid === ev.mid && streamId !== ev.streamId) this.drop(c.participantId, streamId);
    }
    if (previous) this.drop(previous.participantId, ev.streamId);
    const codec = this.published.get(ev.streamId)?.codec || this.subscriber.codecFor(ev.mid);
    this.consumed.set(ev.streamId, { participantId: ev.participantId, mid: ev.mid, receiver });
    const pauser: StreamPauser = {
      setPaused: async (stream, paused) => {
        const signaling = this.host.signaling();
        if (!signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'pause()/resume() need a joined meeting');
        await signaling.request({ t: 'setStreamPaused', streamId: stream.id, paused });
      },
      changed: (stream, reason) => {
        if (participant.streams.get(stream.id) === stream) participant._streamPaused(stream, reason);
      },
    };
    const stream = new Stream(ev.streamId, ev.kind, codec, receiver.track, pauser);
    if (isConsumable(ev.kind) && !this.consumes(participant.id, ev.kind)) this.hold(participant, stream);
    else this.show(participant, stream);
  }

  /** consume*Streams() (true) / stopConsuming*Streams() (false) of one remote participant. */
  async setConsuming(participant: Participant, kind: ConsumableKind, consuming: boolean): Promise<void> {
    let choice = this.choices.get(participant.id);
    if (!choice) this.choices.set(participant.id, (choice = new Map()));
    choice.set(kind, consuming);
    if (consuming) {
      for (const [streamId, held] of [...this.held]) {
        if (held.participantId !== participant.id || held.stream.kind !== kind) continue;
        // Still held while the server resumes it: if that fails it stays held (call again to retry),
        // and if the stream ends meanwhile drop() finds it here and clears the flag.
        await held.stream._setPauseReason('not-consumed', false);
        if (this.held.get(streamId) !== held || !this.consumed.has(streamId)) continue;
        this.held.delete(streamId);
        this.show(participant, held.stream);
      }
    } else {
      const stream = participant.streamOf(kind);
      if (stream) this.hold(participant, participant._removeStream(stream.id, true)!);
    }
  }

  private consumes(participantId: string, kind: ConsumableKind): boolean {
    return this.choices.get(participantId)?.get(kind) ?? this.host.autoConsume;
  }

  private show(participant: Participant, stream: Stream): void {
    participant._addStream(stream);
    this.host.streamAdded(participant, stream);
  }

  /** Not consumed: paused on the server and kept out of participant.streams; the flag stays on. */
  private hold(participant: Participant, stream: Stream): void {
    this.held.set(stream.id, { participantId: participant.id, stream });
    participant._setMediaStatus(stream.kind, true);
    stream._setPauseReason('not-consumed', true).catch((err: unknown) => this.host.log.warn(`could not pause unconsumed ${stream.kind} stream ${stream.id}:`, err));
  }

  onStreamEnabled(ev: EventOf<'streamEnabled'>): void {
    this.published.set(ev.stream.id, { ...ev.stream, participantId: ev.participantId });
    if (!this.receiving) this.host.participant(ev.participantId)?._setMediaStatus(ev.stream.kind, true);
  }

  onStreamDisabled(ev: EventOf<'streamDisabled'>): void {
    this.published.delete(ev.streamId);
    const participant = this.host.participant(ev.participantId);
    const hadStream = participant?.streams.has(ev.streamId) ?? false;
    this.drop(ev.participantId, ev.streamId);
    // Signalling-only: flags followed streamEnabled, so they follow streamDisabled too.
    if (!this.receiving && participant && !hadStream && !this.publishes(ev.participantId, ev.kind)) {
      participant._setMediaStatus(ev.kind, false);
    }
  }

  /** A participant left: its streams end (stream-disabled is emitted for each). */
  participantGone(participant: Participant): void {
    for (const streamId of [...participant.streams.keys()]) this.drop(participant.id, streamId);
    for (const [streamId, held] of [...this.held]) if (held.participantId === participant.id) this.held.delete(streamId);
    this.choices.delete(participant.id);
    for (const [streamId, info] of this.published) if (info.participantId === participant.id) this.published.delete(streamId);
  }

  /** The receive connection, for the SDK's quality reports. */
  qualitySources(): StatsSource[] {
    const subscriber = this.subscriber;
    return subscriber.getStats() ? [{ direction: 'recv', stats: () => subscriber.getStats() ?? Promise.resolve(new Map()) }] : [];
  }

  async stats(participant: Participant, kind: StreamKind): Promise<StreamStats[]> {
    const stream = participant.streamOf(kind);
    const consumed = stream && this.consumed.get(stream.id);
    if (!stream || !consumed) return [];
    const stats = await this.host.stats.sample(() => consumed.receiver.getStats(), `sub:${stream.id}`, 'inbound');
    if (kind === 'video' || kind === 'share') {
      const info = this.published.get(stream.id);
      for (const s of stats) addLayers(s, info?.width, participant.quality, kind === 'video' ? participant.receivedQuality : null);
    }
    return stats;
  }

  close(): void {
    this.subscriber.close();
    this.consumed.clear();
    this.held.clear();
    this.published.clear();
  }

  private publishes(participantId: string, kind: StreamKind): boolean {
    for (const info of this.published.values()) if (info.participantId === participantId && info.kind === kind) return true;
    return false;
  }

  private drop(participantId: string, streamId: string): void {
    this.consumed.delete(streamId);
    this.host.stats.forget(`sub:${streamId}`);
    const held = this.held.get(streamId);
    if (held) {
      this.held.delete(streamId);
      const participant = this.host.participant(participantId);
      if (participant && !participant.streamOf(held.stream.kind)) participant._setMediaStatus(held.stream.kind, false);
      return;
    }
    // Remote tracks belong to the subscriber PC's receivers and are reused with the mid: never stop them.
    this.host.participant(participantId)?._removeStream(streamId);
  }
}
