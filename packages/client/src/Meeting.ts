// A meeting as the app sees it: join/leave lifecycle, the participant list, server events in
// arrival order, and the VideoSDK method surface. Media details live in LocalMedia/RemoteMedia.
import type { JoinResult, Mode, ParticipantInfo, Quality, ServerEvent, StreamKind } from '@roomkit/protocol';
import { hlsEvents, livestreamEvents, meetingStates, modes, recordingEvents } from './constants.js';
import type { HlsState, LivestreamState, MeetingState, RecordingState } from './constants.js';
import { getCameras, getMicrophones } from './devices.js';
import { EventEmitter } from './EventEmitter.js';
import { LocalMedia } from './LocalMedia.js';
import { MediaRenderers } from './MediaRenderers.js';
import { Logger } from './Logger.js';
import { localParticipantId, normalizeMode, tokenParticipantId } from './localIdentity.js';
import { Participant } from './Participant.js';
import type { ParticipantHost } from './Participant.js';
import { ErrorCode, LeaveReason, RoomkitError, SIGNALING_PATH } from './protocolRuntime.js';
import type { ErrorCodeName } from './protocolRuntime.js';
import { PubSub } from './PubSub.js';
import { RealtimeStore, checkReliability, decodeDataPayload, encodeDataPayload } from './protocolRuntime.js';
import { RemoteMedia } from './RemoteMedia.js';
import { SignalingClient, type SignalingHandlers } from './SignalingClient.js';
import { Reconnector } from './Reconnector.js';
import { Moderation, isModerationEvent } from './Moderation.js';
import { StatsReader } from './stats.js';
import type { Stream } from './Stream.js';
import { EgressClient } from './EgressClient.js';
import type { EgressStateInfo } from '@roomkit/protocol';
import type { StreamStats } from './stats.js';
import type { CameraDeviceInfo } from './CameraDeviceInfo.js';
import type { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import type { DeviceInfo, LeaveInfo, MeetingError, MeetingOptions, PinState, PinType } from './types.js';
import type { MeetingEvents } from './MeetingEvents.js';
import { serverBaseUrl } from './serverUrl.js';

export type { MeetingEvents } from './MeetingEvents.js';


type Phase = 'new' | 'joining' | 'joined' | 'leaving' | 'left' | 'failed';

/** Options after defaults; what Meeting actually reads. */
type ResolvedOptions = MeetingOptions & Required<Pick<MeetingOptions, 'mode' | 'multiStream' | 'maxResolution'>>;

const STREAM_KINDS: readonly unknown[] = ['audio', 'video', 'share', 'shareAudio'];
const PIN_TYPES: readonly unknown[] = ['SHARE_AND_CAM', 'CAM', 'SHARE'];
const NO_LEAVE_WAIT_MS = 3_000;
/** How long join() may wait for a host to admit an ask_join participant. */
const LOBBY_WAIT_MS = 15 * 60_000;

export class Meeting extends EventEmitter<MeetingEvents> {
  readonly id: string;
  readonly localParticipant: Participant;
  /**
   * Remote participants by id, for the app. VideoSDK's React SDK adds the local participant to this
   * very Map, so the SDK itself reads only `remotes`: whatever an app puts here is never taken for
   * a remote participant.
   */
  readonly participants = new Map<string, Participant>();
  private readonly remotes = new Map<string, Participant>();
  readonly pinnedParticipants = new Map<string, PinState>();
  readonly pubSub: PubSub;
  /** A key/value store shared by everyone in the session (strings up to 1 KB, at most 100 keys). */
  readonly realtimeStore: RealtimeStore;
  activeSpeakerId: string | null = null;
  activePresenterId: string | null = null;
  recordingState: RecordingState = recordingEvents.RECORDING_STOPPED;
  livestreamState: LivestreamState = livestreamEvents.LIVESTREAM_STOPPED;
  hlsState: HlsState = hlsEvents.HLS_STOPPED;
  hlsUrls: { playbackHlsUrl: string | null; livestreamUrl: string | null } = { playbackHlsUrl: null, livestreamUrl: null };
  /** VideoSDK's main participant (its composite layout's choice); Roomkit has none: always null. */
  readonly mainParticipantId: string | null = null;
  /** Transcription is not available: always stopped. */
  readonly transcriptionState = 'TRANSCRIPTION_STOPPED';
  /** VideoSDK's AI characters and peer connections: Roomkit has neither, so these stay empty. */
  readonly characters = new Map<string, never>();
  readonly connections = new Map<string, never>();

  private phase: Phase = 'new';
  private state: MeetingState | null = null;
  private signaling: SignalingClient | null = null;
  private joinPromise: Promise<void> | null = null;
  /** Settles once meeting-joined has been emitted (a task after join() resolves). */
  private announced: Promise<void> = Promise.resolve();
  private readonly options: ResolvedOptions;
  private readonly tokenSource: () => string | undefined;
  private readonly log: Logger;
  private readonly stats = new StatsReader();
  private readonly media: LocalMedia;
  private readonly remote: RemoteMedia;
  private readonly participantHost: ParticipantHost;
  private readonly moderation: Moderation;
  private readonly reconnector: Reconnector;
  /** renderVideo()/renderAudio() elements and adaptive subscription. */
  private readonly renderers: MediaRenderers;
  /** From the join result: what a resume after a dropped socket needs. */
  private resumeInfo: { resumeToken: string; graceSeconds: number } | null = null;
  /** STUN/TURN servers the server handed out at join (its turnServers), for every peer connection. */
  private iceServers: RTCIceServer[] = [];
  private readonly egress = new EgressClient({
    signaling: () => (this.phase === 'joined' ? this.signaling : null),
    applyState: (info) => this.applyEgressState(info),
    baseUrl: () => serverBaseUrl(this.options.signalingBaseUrl),
    notJoined: (action) => this.notJoined(action),
    reportError: (err) => this.reportError(err),
  });

  /**
   * `token` may be a function: VideoSDK.config() can come after initMeeting() (VideoSDK's React
   * SDK configures in a parent effect, after a child's effect already called join()), so the token
   * is read when join() starts.
   */
  constructor(options: MeetingOptions, token: string | undefined | (() => string | undefined)) {
    super();
    this.tokenSource = typeof token === 'function' ? token : () => token;
    const initialToken = this.tokenSource();
    this.options = { ...options, mode: options.mode ?? 'SEND_AND_RECV', multiStream: options.multiStream ?? true, maxResolution: options.maxResolution ?? 'hd' };
    this.id = options.meetingId;
    this.log = new Logger(options.debugMode ?? false);
    this.participantHost = {
      requestQuality: (p, quality) => this.requestQuality(p, quality),
      setPin: (p, type, pinned) => this.setPin(p, type, pinned),
      streamStats: (p, kind) => this.streamStats(p, kind),
      moderate: (p, action) =>
        this.moderation.moderate(p, action).catch((err: unknown) => {
          this.reportError(err);
          throw err;
        }),
      renderVideo: (p, opts) => this.renderers.renderVideo(p, opts),
      renderAudio: (p, opts) => this.renderers.renderAudio(p, opts),
      setConsuming: (p, kind, consuming) => void this.remote.setConsuming(p, kind, consuming).catch((err) => this.reportError(err)),
    };
    this.renderers = new MediaRenderers({ pauseVideoInBackground: options.pauseVideoInBackground ?? true, log: this.log, participants: () => this.remotes.values() });
    this.moderation = new Moderation({
      signaling: () => (this.phase === 'joined' ? this.signaling : null),
      localParticipantId: () => this.localParticipant.id,
      emitEntryRequested: (info) => this.safeEmit('entry-requested', info),
      emitEntryResponded: (info) => this.safeEmit('entry-responded', info.participantId, info.decision),
      emitMediaRequested: (kind, info) => this.safeEmit(kind === 'audio' ? 'mic-requested' : 'webcam-requested', info),
      setOwnMedia: (kind, enabled) =>
        kind === 'audio' ? (enabled ? this.unmuteMic() : this.muteMic()) : enabled ? this.enableWebcam() : this.disableWebcam(),
      reportError: (err) => this.reportError(err),
    });
    const mode = normalizeMode(options.mode) ?? 'SEND_AND_RECV';
    this.options.mode = mode;
    this.localParticipant = new Participant(localParticipantId(initialToken, options.participantId), options.name ?? '', true, mode, options.metaData ?? null, this.participantHost);
    this.pubSub = new PubSub(() => (this.phase === 'joined' ? this.signaling : null), this.log);
    this.realtimeStore = new RealtimeStore(
      () => (this.phase === 'joined' ? this.signaling : null),
      (key, err) => this.log.warn(`a realtimeStore observer of '${key}' threw:`, err),
    );
    const common = { signaling: () => this.signaling, emitError: (e: MeetingError) => this.safeEmit('error', e), log: this.log, stats: this.stats, iceServers: () => this.iceServers };
    this.media = new LocalMedia({ ...common, participant: this.localParticipant, multiStream: this.options.multiStream, maxResolution: this.options.maxResolution });
    this.reconnector = new Reconnector({
      log: this.log,
      url: () => this.signalingUrl(),
      handlers: () => this.signalingHandlers(),
      current: () => this.signaling,
      credentials: () =>
        this.resumeInfo && { meetingId: this.id, participantId: this.localParticipant.id, resumeToken: this.resumeInfo.resumeToken, graceSeconds: this.resumeInfo.graceSeconds },
      stillWanted: () => this.phase === 'joined',
      reconnecting: () => this.setState('RECONNECTING'),
      resumed: (client, result) => {
        this.signaling = client;
        // Fresh TURN credentials (the join's may be near expiry) for the peer connections made from now on.
        if (result.iceServers) this.iceServers = result.iceServers;
        this.setState('CONNECTED');
        void this.remote.afterResume();
        this.media.repairFailed();
        this.renderers.adaptive.refreshAll();
      },
      gaveUp: (message) => {
        if (this.phase === 'joined') this.finish({ reason: LeaveReason.WEBSOCKET_DISCONNECTED, message });
      },
    });
    this.remote = new RemoteMedia({
      ...common,
      participant: (id) => this.remotes.get(id),
      receivesMedia: this.options.mode !== 'SIGNALLING_ONLY',
      autoConsume: options.autoConsume ?? true,
      streamAdded: (p, stream) => this.renderers.streamAdded(p, stream),
    });
  }

  /** The connection state last announced with `meeting-state-changed` (null before join()). */
  get meetingState(): MeetingState | null {
    return this.state;
  }

  /** Connects and joins; resolves after `meeting-joined`. Rejects (with `.code`) if joining fails. */
  join(): Promise<void> {
    if (this.phase === 'left') return Promise.reject(this.fail('ERROR_UNABLE_TO_JOIN_MEETING', 'This meeting was left; create a new one with VideoSDK.initMeeting()'));
    this.joinPromise ??= this.doJoin();
    return this.joinPromise;
  }

  async leave(): Promise<void> {
    if (this.phase === 'left' || this.phase === 'leaving') return;
    if (this.phase === 'new' || this.phase === 'failed') {
      this.fail('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'leave() was called before join()');
      return;
    }
    const wasJoined = this.phase === 'joined';
    this.phase = 'leaving';
    if (wasJoined && this.signaling) {
      const request = this.signaling.request({ t: 'leave' }).catch((err: unknown) => this.log.debug('leave request failed', err));
      await Promise.race([request, new Promise((r) => setTimeout(r, NO_LEAVE_WAIT_MS))]);
    }
    this.finish({ reason: LeaveReason.MANUAL_LEAVE_CALLED, message: 'Participant manually called the leave() method' });
  }

  /** Ends the meeting for everyone; the server's `meetingLeft` then ends it here too. */
  async end(): Promise<void> {
    if (!this.ensureJoined('end')) return;
    try {
      await this.signaling!.request({ t: 'end' });
    } catch (err) {
      this.reportError(err);
    }
  }

  async muteMic(): Promise<void> {
    if (this.ensureJoined('muteMic')) await this.media.disableMic();
  }
  async unmuteMic(customTrack?: MediaStream): Promise<void> {
    if (this.ensureCanPublish('unmuteMic')) await this.media.enableMic(customTrack);
  }
  async enableWebcam(customTrack?: MediaStream): Promise<void> {
    if (this.ensureCanPublish('enableWebcam')) await this.media.enableWebcam(customTrack);
  }
  async disableWebcam(): Promise<void> {
    if (this.ensureJoined('disableWebcam')) await this.media.disableWebcam();
  }
  async enableScreenShare(customTrack?: MediaStream): Promise<void> {
    if (this.ensureCanPublish('enableScreenShare')) await this.media.enableScreenShare(customTrack);
  }
  async disableScreenShare(): Promise<void> {
    if (this.ensureJoined('disableScreenShare')) await this.media.disableScreenShare();
  }

  /**
   * A device id or (VideoSDK 1.1) a MediaStream to send instead. Before join (or while the mic is
   * off), either is kept for the next unmuteMic().
   */
  changeMic(device: string | MediaStream): Promise<void> {
    return this.media.changeMic(device);
  }
  changeWebcam(device: string | MediaStream): Promise<void> {
    return this.media.changeWebcam(device);
  }
  /** Sends `stream`'s video track instead of the camera's (the camera must be on). */
  replaceWebcamStream(stream: MediaStream): Promise<void> {
    return this.media.changeWebcam(stream);
  }
  /** The camera the published video comes from; null while the camera is off or custom. */
  get selectedCameraDevice(): CameraDeviceInfo | null {
    return this.media.selectedDevice('video') as CameraDeviceInfo | null;
  }
  get selectedMicrophoneDevice(): MicrophoneDeviceInfo | null {
    return this.media.selectedDevice('audio') as MicrophoneDeviceInfo | null;
  }
  setWebcamQuality(quality: Quality): Promise<void> {
    return this.media.setWebcamQuality(quality);
  }
  getMics(): Promise<DeviceInfo[]> {
    return getMicrophones();
  }
  getWebcams(): Promise<DeviceInfo[]> {
    return getCameras();
  }

  /**
   * Switches SEND_AND_RECV / RECV_ONLY / SIGNALLING_ONLY (or the deprecated CONFERENCE / VIEWER)
   * while joined; everyone gets `participant-mode-changed`. Leaving SEND_AND_RECV turns mic, camera
   * and screen share off; coming back turns mic and camera on again as `micEnabled` /
   * `webcamEnabled` say. SIGNALLING_ONLY stops receiving media, and leaving it receives every
   * stream again.
   */
  async changeMode(requested: Mode | 'CONFERENCE' | 'VIEWER'): Promise<void> {
    const mode = normalizeMode(requested);
    if (!mode) throw this.fail('ERROR_INVALID_MODE', `Unknown mode '${String(requested)}': use SEND_AND_RECV, RECV_ONLY or SIGNALLING_ONLY`);
    const notJoined = this.notJoined('changeMode');
    if (notJoined) throw notJoined;
    if (mode === this.localParticipant.mode) return;
    if (mode !== 'SEND_AND_RECV') await Promise.all([this.media.disableMic(), this.media.disableWebcam(), this.media.disableScreenShare()]);
    try {
      await this.signaling!.request({ t: 'changeMode', mode });
    } catch (err) {
      this.reportError(err);
      throw err;
    }
    // Responses can overtake events still queued in the event chain: the mode holds from here on
    // (our own participantModeChanged then finds it applied and only announces it).
    this.remote.setReceiving(mode !== 'SIGNALLING_ONLY');
    this.localParticipant.mode = mode;
    if (mode === 'SEND_AND_RECV') this.publishConfiguredMedia();
  }

  /** Mic and camera on as the meeting config says (at join, and on changeMode to SEND_AND_RECV). */
  private publishConfiguredMedia(): void {
    if (this.options.micEnabled) void this.media.enableMic(this.options.customMicrophoneAudioTrack);
    if (this.options.webcamEnabled) void this.media.enableWebcam(this.options.customCameraVideoTrack);
  }

  /** Records the meeting as one composite MP4 on the server (needs allow_mod); state via `recording-state-changed`. */
  startRecording(webhookUrl?: string, awsDirPath?: string, config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startRecording', () => this.egress.start('recording', { webhookUrl: webhookUrl || undefined, awsDirPath: awsDirPath || undefined, config }));
  }
  stopRecording(): Promise<void> {
    return this.egress.call('stopRecording', () => this.egress.stop('recording'));
  }
  /** RTMP: the composite to 1..5 `{url, streamKey}` destinations (needs allow_mod); state via `livestream-state-changed`. */
  startLivestream(outputs: { url: string; streamKey: string }[], config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startLivestream', () => this.egress.start('livestream', { outputs, config }));
  }
  stopLivestream(): Promise<void> {
    return this.egress.call('stopLivestream', () => this.egress.stop('livestream'));
  }
  /** HLS served by the Roomkit server (needs allow_mod); URLs in `hlsUrls` and `hls-state-changed`. */
  startHls(config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startHls', () => this.egress.start('hls', { config }));
  }
  stopHls(): Promise<void> {
    return this.egress.call('stopHls', () => this.egress.stop('hls'));
  }
  /** Admits or denies someone waiting in the lobby (needs allow_join or allow_mod). */
  async respondEntry(participantId: string, decision: 'allowed' | 'denied'): Promise<void> {
    if (!this.ensureJoined('respondEntry')) return;
    try {
      await this.moderation.respondEntry(participantId, decision);
    } catch (err) {
      this.reportError(err);
      throw err;
    }
  }
  /**
   * Sends text or bytes (ArrayBuffer, typed array, Blob; at most 15 KiB) to everyone else in the
   * meeting: their `data` event. Relayed by the server over signaling, so both reliability modes
   * are delivered in order; nothing is kept for late joiners.
   */
  async send(payload: string | ArrayBuffer | ArrayBufferView | Blob, options: { reliability?: string } = {}): Promise<void> {
    const reliability = checkReliability(options?.reliability);
    const wire = encodeDataPayload(typeof Blob !== 'undefined' && payload instanceof Blob ? await payload.arrayBuffer() : payload);
    const notJoined = this.notJoined('send');
    if (notJoined) throw notJoined;
    await this.signaling!.request({ t: 'sendData', ...wire, reliability });
  }
  /** Adaptive subscription is always on here (renderVideo() elements off-screen pause, sizes pick layers). */
  async enableAdaptiveSubscription(): Promise<void> {
    const notJoined = this.notJoined('enableAdaptiveSubscription');
    if (notJoined) throw notJoined;
  }
  disableAdaptiveSubscription(): Promise<void> {
    return this.unsupported('disableAdaptiveSubscription', 'adaptive subscription cannot be turned off; pause streams with stream.pause() or pauseVideoInBackground: false');
  }
  switchTo(_options: { meetingId: string; token?: string }): Promise<void> {
    return this.unsupported('switchTo', 'leave() this meeting and join the other one');
  }
  requestMediaRelay(_options: unknown): Promise<void> {
    return this.unsupported('requestMediaRelay', 'media relay between meetings is not available');
  }
  stopMediaRelay(_destinationMeetingId: string): Promise<void> {
    return this.unsupported('stopMediaRelay', 'media relay between meetings is not available');
  }
  startTranscription(_options?: unknown): Promise<void> {
    return this.unsupported('startTranscription', 'transcription is not available');
  }
  stopTranscription(): Promise<void> {
    return this.unsupported('stopTranscription', 'transcription is not available');
  }
  startWhiteboard(): Promise<void> {
    return this.unsupported('startWhiteboard', 'the whiteboard is not available; realtimeStore or pubSub can carry app state');
  }
  stopWhiteboard(): Promise<void> {
    return this.unsupported('stopWhiteboard', 'the whiteboard is not available');
  }
  /** Not in js-sdk 1.1's declarations, but VideoSDK's React SDK (useTranslation) calls them. */
  startTranslation(_options?: unknown): Promise<void> {
    return this.unsupported('startTranslation', 'translation is not available');
  }
  stopTranslation(): Promise<void> {
    return this.unsupported('stopTranslation', 'translation is not available');
  }
  changeTranslationLanguage(_language: string): Promise<void> {
    return this.unsupported('changeTranslationLanguage', 'translation is not available');
  }

  /** Stops receiving every remote stream (of `kind`, if given) until resumeAllStreams(). */
  /** `paused-all-streams` `{kind}` follows (`kind: 'all'` without a kind). */
  async pauseAllStreams(kind?: StreamKind): Promise<void> {
    if (await this.forRemoteStreams('pauseAllStreams', kind, (s) => s.pause())) this.safeEmit('paused-all-streams', { kind: kind ?? 'all' });
  }
  async resumeAllStreams(kind?: StreamKind): Promise<void> {
    if (await this.forRemoteStreams('resumeAllStreams', kind, (s) => s.resume())) this.safeEmit('resumed-all-streams', { kind: kind ?? 'all' });
  }

  /** False when refused (bad kind, not joined). */
  private async forRemoteStreams(method: string, kind: StreamKind | undefined, action: (s: Stream) => Promise<void>): Promise<boolean> {
    if (kind !== undefined && !STREAM_KINDS.includes(kind)) {
      this.fail('ERROR_INVALID_PARAMETER', `${method}(): kind must be one of ${STREAM_KINDS.join(', ')}, got ${String(kind)}`);
      return false;
    }
    if (!this.ensureJoined(kind === undefined ? method : `${method}(${kind})`)) return false;
    const streams = [...this.remotes.values()].flatMap((p) => [...p.streams.values()]).filter((s) => kind === undefined || s.kind === kind);
    await Promise.all(streams.map((s) => action(s).catch((err) => this.reportError(err))));
    return true;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private async doJoin(): Promise<void> {
    this.phase = 'joining';
    this.setState('CONNECTING');
    try {
      // One turn later: a VideoSDK.config() in the same React commit as join() has run by then.
      await Promise.resolve();
      const token = this.tokenSource();
      if (!token) throw new RoomkitError('INVALID_TOKEN', 'No token: call VideoSDK.config(token) before join()');
      // A token configured after initMeeting() may pin the id; the server would refuse any other.
      const pinned = tokenParticipantId(token);
      if (pinned) this.localParticipant.id = pinned;
      const signaling = new SignalingClient(this.signalingUrl(), this.signalingHandlers(), this.log);
      this.signaling = signaling;
      await signaling.connect();
      const { name, metaData, mode } = this.options;
      // An ask_join token waits in the lobby until a host answers: give the join time.
      const result = await signaling.request({
        t: 'join',
        token,
        meetingId: this.id,
        mode,
        participantId: this.localParticipant.id,
        ...(name !== undefined && { name }),
        ...(metaData !== undefined && { metaData }),
      }, LOBBY_WAIT_MS);
      if (this.phase !== 'joining') return; // leave() was called meanwhile
      this.applyJoin(result);
    } catch (err) {
      if (this.phase !== 'joining') return;
      this.phase = 'failed';
      this.joinPromise = null;
      this.signaling?.close();
      this.signaling = null;
      const error = err instanceof RoomkitError ? err : new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not join: ${String(err)}`, { cause: err });
      this.safeEmit('error', { code: error.code, message: error.message });
      this.setState('FAILED');
      throw error;
    }
  }

  private applyJoin(result: JoinResult): void {
    this.localParticipant.id = result.participantId;
    this.resumeInfo = { resumeToken: result.resumeToken, graceSeconds: result.reconnectGraceSeconds };
    this.iceServers = result.iceServers ?? [];
    for (const info of result.participants) this.addParticipant(info);
    this.activeSpeakerId = result.activeSpeakerId;
    this.activePresenterId = result.activePresenterId;
    for (const pin of result.pinnedParticipants ?? []) {
      const p = this.participantById(pin.participantId);
      if (p) this.applyPin(p, pin.state, '', false);
    }
    this.phase = 'joined';
    this.egress.applyJoin(result.egress);
    this.renderers.adaptive.start();
    this.setState('CONNECTED');
    // As VideoSDK: join() resolves first, meeting-joined follows in a later task. Its js-hls
    // quickstart adds its meeting-joined and participant-joined listeners after `await join()`.
    // Server events wait for this announcement (onServerEvent), so they never overtake it.
    this.announced = new Promise((resolve) =>
      setTimeout(() => {
        resolve();
        if (this.phase !== 'joined') return;
        this.safeEmit('meeting-joined', { switchRoomId: null, peers: [...this.remotes.values()], poll: null, messages: [] });
        // VideoSDK apps build their UI from participant-joined, so announce those already here too.
        for (const p of this.remotes.values()) this.safeEmit('participant-joined', p);
        if (this.options.mode === 'SEND_AND_RECV') this.publishConfiguredMedia();
      }, 0),
    );
  }

  /** Server events, one at a time in arrival order (SignalingClient chains the calls). */
  private async onServerEvent(ev: ServerEvent): Promise<void> {
    // Lobby events reach an asker before its join completes.
    if (isModerationEvent(ev)) {
      if (this.phase === 'joined' || this.phase === 'joining') await this.moderation.onEvent(ev);
      return;
    }
    if (this.phase !== 'joined') return;
    await this.announced;
    if (this.phase !== 'joined') return;
    switch (ev.t) {
      case 'participantJoined': {
        if (ev.participant.id === this.localParticipant.id) return;
        const p = this.addParticipant(ev.participant);
        this.safeEmit('participant-joined', p);
        return;
      }
      case 'participantLeft': {
        const p = this.remotes.get(ev.participantId);
        if (!p) return;
        this.remote.participantGone(p);
        this.renderers.participantGone(p);
        this.remotes.delete(p.id);
        this.participants.delete(p.id);
        this.pinnedParticipants.delete(p.id);
        this.safeEmit('participant-left', p, { reason: ev.reason.code, message: ev.reason.message });
        return;
      }
      case 'streamEnabled':
        return this.remote.onStreamEnabled(ev);
      case 'streamDisabled':
        return this.remote.onStreamDisabled(ev);
      case 'subscriberOffer':
        return this.remote.onSubscriberOffer(ev);
      case 'consume':
        return this.remote.onConsume(ev);
      case 'videoQualityChanged':
        this.remotes.get(ev.participantId)?._receivedQuality(ev.quality);
        return;
      case 'speakerChanged':
        this.activeSpeakerId = ev.participantId;
        this.safeEmit('speaker-changed', ev.participantId);
        return;
      case 'presenterChanged':
        this.activePresenterId = ev.participantId;
        this.safeEmit('presenter-changed', ev.participantId);
        return;
      case 'pinStateChanged': {
        const p = this.participantById(ev.participantId);
        if (p) this.applyPin(p, ev.state, ev.pinnedBy);
        return;
      }
      case 'egressState':
        this.egress.onEvent(ev);
        return;
      case 'pubsubMessage':
        this.pubSub._deliver(ev.message);
        return;
      case 'participantModeChanged': {
        const local = ev.participantId === this.localParticipant.id;
        const p = local ? this.localParticipant : this.remotes.get(ev.participantId);
        if (!p) return;
        if (local) this.remote.setReceiving(ev.mode !== 'SIGNALLING_ONLY');
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
      case 'meetingLeft':
        this.finish({ reason: ev.reason.code, message: ev.reason.message });
        return;
      case 'mediaReset':
        // The server rebuilt this meeting's media: receive anew, and publish everything again.
        void this.remote.restart();
        this.media.republishAll();
        return;
      case 'error':
        this.safeEmit('error', { code: ev.error.code, message: ev.error.message });
        return;
    }
  }

  private signalingHandlers(): SignalingHandlers {
    return { onEvent: (ev) => this.onServerEvent(ev), onUnexpectedClose: () => this.onSocketLost() };
  }

  /** The socket dropped: RECONNECTING, then CONNECTED when resumed (Reconnector), else meeting-left. */
  private onSocketLost(): void {
    if (this.phase === 'joined') this.reconnector.start();
  }

  /** Closes every connection and announces `meeting-left`; runs once. */
  private finish(info: LeaveInfo): void {
    if (this.phase === 'left') return;
    this.phase = 'left';
    this.media.closeAll();
    this.remote.close();
    this.renderers.close();
    this.signaling?.close();
    this.signaling = null;
    this.pubSub._clear();
    this.realtimeStore._clear();
    for (const id of this.remotes.keys()) this.participants.delete(id);
    this.remotes.clear();
    this.pinnedParticipants.clear();
    this.setState('DISCONNECTED');
    this.safeEmit('meeting-left', info);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private addParticipant(info: ParticipantInfo): Participant {
    const p = new Participant(info.id, info.displayName, false, info.mode, info.metaData, this.participantHost);
    this.remotes.set(p.id, p);
    this.participants.set(p.id, p);
    this.remote.addPublished(p.id, info.streams);
    return p;
  }

  private applyEgressState(info: EgressStateInfo): void {
    if (info.kind === 'recording') {
      this.recordingState = info.status as RecordingState;
      this.safeEmit('recording-state-changed', { status: this.recordingState });
    } else if (info.kind === 'livestream') {
      this.livestreamState = info.status as LivestreamState;
      this.safeEmit('livestream-state-changed', { status: this.livestreamState });
    } else {
      this.hlsState = info.status as HlsState;
      if (info.playbackHlsUrl || info.livestreamUrl) this.hlsUrls = { playbackHlsUrl: info.playbackHlsUrl ?? null, livestreamUrl: info.livestreamUrl ?? null };
      else if (this.hlsState === hlsEvents.HLS_STOPPED) this.hlsUrls = { playbackHlsUrl: null, livestreamUrl: null };
      // downstreamUrl: VideoSDK's older name for the playback URL (its js-hls docs read it).
      this.safeEmit('hls-state-changed', {
        status: this.hlsState,
        ...(info.playbackHlsUrl && { playbackHlsUrl: info.playbackHlsUrl, downstreamUrl: info.playbackHlsUrl }),
        ...(info.livestreamUrl && { livestreamUrl: info.livestreamUrl }),
      });
    }
  }

  private async requestQuality(p: Participant, quality: Quality): Promise<void> {
    if (!['low', 'med', 'high'].includes(quality)) throw new RoomkitError('ERROR_INVALID_PARAMETER', `setQuality(): quality must be low, med or high, got ${String(quality)}`);
    if (this.phase !== 'joined' || !this.signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'setQuality() needs a joined meeting');
    await this.signaling.request({ t: 'setQuality', participantId: p.id, quality });
  }

  /** Joined: the server pins for everyone and its `pinStateChanged` updates us. Before: local only. */
  private setPin(p: Participant, type: PinType, pinned: boolean): void {
    if (!PIN_TYPES.includes(type)) {
      this.fail('ERROR_INVALID_PARAMETER', `${pinned ? 'pin' : 'unpin'}(): type must be SHARE_AND_CAM, CAM or SHARE, got ${String(type)}`);
      return;
    }
    if (this.phase === 'joined' && this.signaling) {
      this.signaling.request({ t: 'setPin', participantId: p.id, type, pinned }).catch((err: unknown) => {
        const code = err instanceof RoomkitError ? err.code : ErrorCode.ERROR_INVALID_PARAMETER;
        this.safeEmit('error', { code, message: `Could not ${pinned ? 'pin' : 'unpin'} ${p.id}: ${err instanceof Error ? err.message : String(err)}` });
      });
      return;
    }
    const next = { ...p.pinState };
    if (type !== 'SHARE') next.cam = pinned;
    if (type !== 'CAM') next.share = pinned;
    this.applyPin(p, next, this.localParticipant.id);
  }

  private applyPin(p: Participant, state: PinState, pinnedBy: string, announce = true): void {
    if (!p._applyPinState(state)) return;
    if (state.cam || state.share) this.pinnedParticipants.set(p.id, { ...state });
    else this.pinnedParticipants.delete(p.id);
    if (announce) this.safeEmit('pin-state-changed', { participantId: p.id, state: { ...state }, pinnedBy });
  }

  private participantById(id: string): Participant | undefined {
    return id === this.localParticipant.id ? this.localParticipant : this.remotes.get(id);
  }

  private streamStats(p: Participant, kind: StreamKind): Promise<StreamStats[]> {
    return p.local ? this.media.stats(kind) : this.remote.stats(p, kind);
  }

  private signalingUrl(): string {
    const base = serverBaseUrl(this.options.signalingBaseUrl);
    if (!base) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'signalingBaseUrl is required outside a browser page');
    const url = new URL(base);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    url.pathname = url.pathname.replace(/\/+$/, '') + SIGNALING_PATH;
    return url.toString();
  }

  private setState(state: MeetingState): void {
    if (this.state === state) return;
    this.state = state;
    this.safeEmit('meeting-state-changed', { state: meetingStates[state] });
  }

  /** Null when `action` may run now; else emits `error` and returns that error (to reject with). */
  private notJoined(action: string): RoomkitError | null {
    if (this.phase === 'joined' && this.reconnector.active) {
      return this.fail('ERROR_MEETING_RECONNECTING', `${action}() cannot run while the meeting reconnects; try again after meeting-state-changed CONNECTED`);
    }
    if (this.phase === 'joined' && this.signaling) return null;
    return this.fail('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `${action}() needs a joined meeting; call join() and wait for 'meeting-joined'`);
  }

  private ensureJoined(action: string): boolean {
    return this.notJoined(action) === null;
  }

  private ensureCanPublish(action: string): boolean {
    if (!this.ensureJoined(action)) return false;
    if (this.localParticipant.mode === 'SEND_AND_RECV') return true;
    this.fail('ERROR_ACTION_NOT_SUPPORTED_IN_MODE', `${action}() is not available in ${this.localParticipant.mode} mode`);
    return false;
  }

  /** A VideoSDK method Roomkit has no counterpart for: `error` 3068 and a rejection saying so. */
  private unsupported(method: string, why: string): Promise<never> {
    return Promise.reject(this.fail('ERROR_ACTION_NOT_SUPPORTED', `${method}() is not supported by Roomkit: ${why}`));
  }

  /** Emits `error` and returns the error, for callers that also reject with it. */
  private fail(codeName: ErrorCodeName, message: string): RoomkitError {
    const error = new RoomkitError(codeName, message);
    this.safeEmit('error', { code: error.code, message });
    return error;
  }

  private reportError(err: unknown): void {
    const code = err instanceof RoomkitError ? err.code : ErrorCode.SOMETHING_WENT_WRONG;
    this.safeEmit('error', { code, message: err instanceof Error ? err.message : String(err) });
  }
}
