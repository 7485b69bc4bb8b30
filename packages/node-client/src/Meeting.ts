// A meeting as a Node app (bot, recorder, load client) sees it: the browser SDK's join/leave
// lifecycle, participants and events, with synthetic media published through node-datachannel and
// remote streams delivered as RTP with counters instead of MediaStreamTracks.
import type { EgressStateInfo, JoinResult, ParticipantInfo, Quality, ServerEvent, StreamInfo } from '@roomkit/protocol';
import { validateRtmpOutputs } from '@roomkit/protocol/livestream';
import { LeaveReason, RoomkitError } from '@roomkit/protocol/errors';
import { SIGNALING_PATH } from '@roomkit/protocol/constants';
import { RealtimeStore, checkReliability, decodeDataPayload, encodeDataPayload } from '@roomkit/protocol/collab';
import { EventEmitter } from './EventEmitter.js';
import { loadSyntheticMedia, type SyntheticMedia } from './media/SyntheticMedia.js';
import { Participant } from './Participant.js';
import { PubSub } from './PubSub.js';
import { PublishConnection } from './PublishConnection.js';
import { SignalingClient } from './SignalingClient.js';
import { Stream, type StreamPauser } from './Stream.js';
import { SubscribeConnection } from './SubscribeConnection.js';
import type { StreamReceiver } from './receive/StreamReceiver.js';
import type { KindToPublish, LeaveInfo, MeetingEvents, MeetingOptions } from './types.js';

type Phase = 'new' | 'joining' | 'joined' | 'left' | 'failed';
type EventOf<T extends ServerEvent['t']> = Extract<ServerEvent, { t: T }>;

const LEAVE_WAIT_MS = 3000;

export class Meeting extends EventEmitter<MeetingEvents> {
  readonly id: string;
  readonly localParticipant: Participant;
  /** Remote participants by id. */
  readonly participants = new Map<string, Participant>();
  readonly pubSub: PubSub;
  /** The session's shared key/value store, as in the browser SDK. */
  readonly realtimeStore: RealtimeStore;
  activeSpeakerId: string | null = null;
  activePresenterId: string | null = null;
  recordingState: string = 'RECORDING_STOPPED';
  livestreamState: string = 'LIVESTREAM_STOPPED';
  hlsState: string = 'HLS_STOPPED';
  hlsUrls: { playbackHlsUrl: string | null; livestreamUrl: string | null } = { playbackHlsUrl: null, livestreamUrl: null };
  /**
   * performance.now() timings of the last join(): socket open, join answered, and the subscriber
   * connection's first offer received, our answer accepted by the server, and ICE+DTLS connected.
   */
  readonly timings = { joinStartedAt: -1, socketOpenAt: -1, joinedAt: -1, subscriberOfferAt: -1, subscriberAnsweredAt: -1, subscriberConnectedAt: -1 };

  private phase: Phase = 'new';
  private joinSettled: () => void = () => {};
  /** Resolves once the join result has been applied (or the join failed). */
  private readonly joinApplied = new Promise<void>((resolve) => (this.joinSettled = resolve));
  private signaling: SignalingClient | null = null;
  private joinPromise: Promise<void> | null = null;
  private readonly publications = new Map<KindToPublish, PublishConnection>();
  private subscriber: SubscribeConnection;
  private readonly published = new Map<string, StreamInfo & { participantId: string }>();
  private readonly consumed = new Map<string, { participantId: string; mid: string; receiver: StreamReceiver }>();
  private readonly debug: (...args: unknown[]) => void;

  constructor(private readonly options: MeetingOptions, private readonly token: string | undefined) {
    super();
    this.id = options.meetingId;
    this.debug = options.debugMode ? (...args) => console.log(`[roomkit ${options.name ?? ''}]`, ...args) : () => {};
    const requestQuality = (p: Participant, quality: Quality) => this.requestQuality(p, quality);
    this.localParticipant = new Participant(options.participantId ?? '', options.name ?? '', true, options.mode ?? 'SEND_AND_RECV', options.metaData ?? null, requestQuality);
    this.pubSub = new PubSub(() => (this.phase === 'joined' ? this.signaling : null));
    this.realtimeStore = new RealtimeStore(
      () => (this.phase === 'joined' ? this.signaling : null),
      (key, err) => this.debug(`a realtimeStore observer of '${key}' threw:`, err),
    );
    this.subscriber = this.newSubscriber();
  }

  /** Connects and joins; resolves after `meeting-joined`, rejects with a RoomkitError (`.code`). */
  join(): Promise<void> {
    if (this.phase === 'left') return Promise.reject(new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', 'This meeting was left; create a new one'));
    this.joinPromise ??= this.doJoin();
    return this.joinPromise;
  }

  async leave(): Promise<void> {
    if (this.phase === 'left') return;
    if (this.phase === 'joined' && this.signaling) {
      const request = this.signaling.request({ t: 'leave' }).catch(() => {});
      await Promise.race([request, new Promise((r) => setTimeout(r, LEAVE_WAIT_MS))]);
    }
    this.finish({ reason: LeaveReason.MANUAL_LEAVE_CALLED, message: 'Participant manually called the leave() method' });
  }

  /** Text or bytes (at most 15 KiB) to everyone else in the meeting: their `data` event. */
  async send(payload: string | ArrayBuffer | ArrayBufferView, options: { reliability?: string } = {}): Promise<void> {
    const reliability = checkReliability(options?.reliability);
    const wire = encodeDataPayload(payload);
    await this.joined('send').request({ t: 'sendData', ...wire, reliability });
  }

  /** Composite recording of the meeting (needs allow_mod); state in `recordingState` and `recording-state-changed`. */
  async startRecording(webhookUrl?: string, awsDirPath?: string, config?: Record<string, unknown>): Promise<void> {
    await this.joined('startRecording').request({ t: 'startEgress', kind: 'recording', ...(webhookUrl && { webhookUrl }), ...(awsDirPath && { awsDirPath }), ...(config && { config }) });
  }
  async stopRecording(): Promise<void> {
    await this.joined('stopRecording').request({ t: 'stopEgress', kind: 'recording' });
  }
  /** RTMP to 1..5 destinations (needs allow_mod). */
  async startLivestream(outputs: { url: string; streamKey: string }[], config?: Record<string, unknown>): Promise<void> {
    await this.joined('startLivestream').request({ t: 'startEgress', kind: 'livestream', outputs: validateRtmpOutputs(outputs), ...(config && { config }) });
  }
  async stopLivestream(): Promise<void> {
    await this.joined('stopLivestream').request({ t: 'stopEgress', kind: 'livestream' });
  }
  /** HLS from the Roomkit server (needs allow_mod); URLs (paths on the server) in `hlsUrls`. */
  async startHls(config?: Record<string, unknown>): Promise<void> {
    await this.joined('startHls').request({ t: 'startEgress', kind: 'hls', ...(config && { config }) });
  }
  async stopHls(): Promise<void> {
    await this.joined('stopHls').request({ t: 'stopEgress', kind: 'hls' });
  }
  /** Admits or denies someone waiting in the lobby (needs allow_join or allow_mod). */
  async respondEntry(participantId: string, decision: 'allowed' | 'denied'): Promise<void> {
    await this.joined('respondEntry').request({ t: 'respondEntry', participantId, decision });
  }

  /** Ends the meeting for everyone (needs allow_mod). */
  async end(): Promise<void> {
    await this.joined('end').request({ t: 'end' });
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

  // ---- lifecycle ----------------------------------------------------------------------------

  private async doJoin(): Promise<void> {
    this.phase = 'joining';
    this.emitState('CONNECTING');
    this.timings.joinStartedAt = performance.now();
    try {
      const token = this.options.token ?? this.token;
      if (!token) throw new RoomkitError('INVALID_TOKEN', 'No token: pass `token` or call VideoSDK.config(token) before join()');
      const signaling = new SignalingClient(this.signalingUrl(), {
        onEvent: (ev) => this.onServerEvent(ev),
        onUnexpectedClose: () => {
          if (this.phase === 'joined') this.finish({ reason: LeaveReason.WEBSOCKET_DISCONNECTED, message: 'Socket disconnected' });
        },
      }, this.debug);
      this.signaling = signaling;
      await signaling.connect();
      this.timings.socketOpenAt = performance.now();
      const { participantId, name, metaData, mode } = this.options;
      const result = await signaling.request({
        t: 'join',
        token,
        meetingId: this.id,
        ...(mode !== undefined && { mode }),
        ...(participantId !== undefined && { participantId }),
        ...(name !== undefined && { name }),
        ...(metaData !== undefined && { metaData }),
      });
      this.timings.joinedAt = performance.now();
      if (this.phase !== 'joining') return;
      this.applyJoin(result);
    } catch (err) {
      if (this.phase !== 'joining') return;
      this.phase = 'failed';
      this.joinSettled();
      this.joinPromise = null;
      this.signaling?.close();
      this.signaling = null;
      const error = err instanceof RoomkitError ? err : new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not join: ${String(err)}`, { cause: err });
      this.safeEmit('error', { code: error.code, message: error.message });
      this.emitState('FAILED');
      throw error;
    }
  }

  private applyJoin(result: JoinResult): void {
    this.localParticipant.id = result.participantId;
    for (const info of result.participants) this.addParticipant(info);
    this.activeSpeakerId = result.activeSpeakerId;
    this.activePresenterId = result.activePresenterId;
    for (const state of result.egress ?? []) this.applyEgressState(state);
    this.phase = 'joined';
    this.joinSettled();
    this.emitState('CONNECTED');
    this.safeEmit('meeting-joined');
    for (const p of this.participants.values()) this.safeEmit('participant-joined', p);
    if ((this.options.mode ?? 'SEND_AND_RECV') === 'SEND_AND_RECV') {
      if (this.options.micEnabled) this.publish('audio').catch(() => {});
      if (this.options.webcamEnabled) this.publish('video').catch(() => {});
    }
  }

  private async onServerEvent(ev: ServerEvent): Promise<void> {
    // Events can be handled before the join response's continuation has run (same socket read):
    // hold them until the join result is applied, or a `consume` finds no participant yet.
    if (this.phase === 'joining') await this.joinApplied;
    if (this.phase !== 'joined') return;
    switch (ev.t) {
      case 'participantJoined': {
        if (ev.participant.id === this.localParticipant.id) return;
        this.safeEmit('participant-joined', this.addParticipant(ev.participant));
        return;
      }
      case 'participantLeft': {
        const p = this.participants.get(ev.participantId);
        if (!p) return;
        for (const streamId of [...p.streams.keys()]) this.drop(p.id, streamId);
        for (const [id, info] of this.published) if (info.participantId === p.id) this.published.delete(id);
        this.participants.delete(p.id);
        this.safeEmit('participant-left', p, { reason: ev.reason.code, message: ev.reason.message });
        return;
      }
      case 'streamEnabled':
        this.published.set(ev.stream.id, { ...ev.stream, participantId: ev.participantId });
        return;
      case 'streamDisabled':
        this.published.delete(ev.streamId);
        this.drop(ev.participantId, ev.streamId);
        return;
      case 'subscriberOffer':
        return this.onSubscriberOffer(ev);
      case 'consume':
        return this.onConsume(ev);
      case 'videoQualityChanged':
        this.participants.get(ev.participantId)?._receivedQuality(ev.quality);
        return;
      case 'speakerChanged':
        this.activeSpeakerId = ev.participantId;
        this.safeEmit('speaker-changed', ev.participantId);
        return;
      case 'presenterChanged':
        this.activePresenterId = ev.participantId;
        this.safeEmit('presenter-changed', ev.participantId);
        return;
      case 'participantModeChanged': {
        const p = ev.participantId === this.localParticipant.id ? this.localParticipant : this.participants.get(ev.participantId);
        if (!p) return;
        p.mode = ev.mode;
        this.safeEmit('participant-mode-changed', { participantId: p.id, mode: ev.mode });
        return;
      }
      case 'realtimeStoreChanged':
        this.realtimeStore._deliver(ev.key, ev.value, ev.updatedBy);
        return;
      case 'data':
        this.safeEmit('data', { from: ev.from, timestamp: ev.timestamp, payload: decodeDataPayload(ev), reliability: ev.reliability });
        return;
      case 'pubsubMessage':
        this.pubSub._deliver(ev.message);
        return;
      case 'meetingLeft':
        this.finish({ reason: ev.reason.code, message: ev.reason.message });
        return;
      case 'mediaDisabledByModerator':
        this.closePublication(ev.kind);
        return;
      case 'mediaReset':
        void this.onMediaReset();
        return;
      case 'egressState':
        this.applyEgressState(ev);
        return;
      case 'error':
        this.safeEmit('error', { code: ev.error.code, message: ev.error.message });
        return;
      default:
        return; // lobby and moderator requests: not handled by the Node client
    }
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
      this.debug(`consume for unknown mid ${ev.mid}`);
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

  private finish(info: LeaveInfo): void {
    if (this.phase === 'left') return;
    this.phase = 'left';
    for (const kind of [...this.publications.keys()]) this.closePublication(kind);
    this.subscriber.close();
    this.signaling?.close();
    this.signaling = null;
    this.pubSub._clear();
    this.realtimeStore._clear();
    this.consumed.clear();
    this.participants.clear();
    this.emitState('DISCONNECTED');
    this.safeEmit('meeting-left', info);
  }

  private addParticipant(info: ParticipantInfo): Participant {
    const p = new Participant(info.id, info.displayName, false, info.mode, info.metaData, (participant, quality) => this.requestQuality(participant, quality));
    this.participants.set(p.id, p);
    for (const stream of info.streams) this.published.set(stream.id, { ...stream, participantId: info.id });
    return p;
  }

  private async requestQuality(p: Participant, quality: Quality): Promise<void> {
    await this.joined('setQuality').request({ t: 'setQuality', participantId: p.id, quality });
  }

  private applyEgressState(info: EgressStateInfo): void {
    if (info.kind === 'recording') {
      this.recordingState = info.status;
      this.safeEmit('recording-state-changed', { status: info.status });
    } else if (info.kind === 'livestream') {
      this.livestreamState = info.status;
      this.safeEmit('livestream-state-changed', { status: info.status });
    } else {
      this.hlsState = info.status;
      const stopped = info.status === 'HLS_STOPPED';
      if (info.playbackHlsUrl || info.livestreamUrl || stopped) this.hlsUrls = { playbackHlsUrl: info.playbackHlsUrl ?? null, livestreamUrl: info.livestreamUrl ?? null };
      this.safeEmit('hls-state-changed', { status: info.status, ...(info.playbackHlsUrl && { playbackHlsUrl: info.playbackHlsUrl }), ...(info.livestreamUrl && { livestreamUrl: info.livestreamUrl }) });
    }
  }

  private joined(action: string): SignalingClient {
    if (this.phase !== 'joined' || !this.signaling) {
      throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `${action}() needs a joined meeting; call join() first`);
    }
    return this.signaling;
  }

  private signalingUrl(): string {
    const url = new URL(this.options.signalingBaseUrl);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    url.pathname = url.pathname.replace(/\/+$/, '') + SIGNALING_PATH;
    return url.toString();
  }

  private emitState(state: 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'FAILED'): void {
    this.safeEmit('meeting-state-changed', { state });
  }
}
