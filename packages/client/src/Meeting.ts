// A meeting in the browser: the core's lifecycle, events and bookkeeping (@roomkit/client-core's
// MeetingCore) plus the browser's media — LocalMedia/RemoteMedia PeerConnections, renderers,
// devices — and the VideoSDK method surface.
import type { Mode, ParticipantInfo, Quality, StreamKind } from '@roomkit/protocol';
import { MeetingCore, Logger, type MeetingMedia } from '@roomkit/client-core';
import { getCameras, getMicrophones } from './devices.js';
import { LocalMedia } from './LocalMedia.js';
import { MediaRenderers } from './MediaRenderers.js';
import { localParticipantId, normalizeMode, tokenParticipantId } from './localIdentity.js';
import { Participant } from './Participant.js';
import type { ParticipantHost } from './Participant.js';
import { RoomkitError, SIGNALING_PATH } from './protocolRuntime.js';
import { RemoteMedia } from './RemoteMedia.js';
import { QualityReporter } from './QualityReporter.js';
import { SDK_VERSION } from './constants.js';
import { StatsReader } from './stats.js';
import type { Stream } from './Stream.js';
import type { StreamStats } from './stats.js';
import type { CameraDeviceInfo } from './CameraDeviceInfo.js';
import type { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import type { DeviceInfo, MeetingError, MeetingOptions } from './types.js';
import type { MeetingEvents } from './MeetingEvents.js';
import { serverBaseUrl } from './serverUrl.js';

export type { MeetingEvents } from './MeetingEvents.js';


/** Options after defaults; what Meeting actually reads. */
type ResolvedOptions = MeetingOptions & Required<Pick<MeetingOptions, 'mode' | 'multiStream' | 'maxResolution'>>;

const STREAM_KINDS: readonly unknown[] = ['audio', 'video', 'share', 'shareAudio'];

export class Meeting extends MeetingCore<Participant, MeetingEvents> {
  /** VideoSDK's main participant (its composite layout's choice); Roomkit has none: always null. */
  readonly mainParticipantId: string | null = null;
  /** Transcription is not available: always stopped. */
  readonly transcriptionState = 'TRANSCRIPTION_STOPPED';
  /** VideoSDK's AI characters and peer connections: Roomkit has neither, so these stay empty. */
  readonly characters = new Map<string, never>();
  readonly connections = new Map<string, never>();

  private readonly options: ResolvedOptions;
  private readonly stats = new StatsReader();
  private readonly media: LocalMedia;
  private readonly remote: RemoteMedia;
  /** renderVideo()/renderAudio() elements and adaptive subscription. */
  private readonly renderers: MediaRenderers;
  protected readonly platformMedia: MeetingMedia<Participant>;
  /** The browser's own getStats() summary to the server every 10 s (call quality, `source=sdk`). */
  private readonly qualityReporter = new QualityReporter(
    () => [...this.media.qualitySources(), ...this.remote.qualitySources()],
    (report) => (this.phase === 'joined' && this.signaling ? this.signaling.request({ t: 'qualityReport', ...report, sdk: { name: 'roomkit-js', version: SDK_VERSION } }) : Promise.resolve()),
  );

  /**
   * `token` may be a function: VideoSDK.config() can come after initMeeting() (VideoSDK's React
   * SDK configures in a parent effect, after a child's effect already called join()), so the token
   * is read when join() starts.
   */
  constructor(options: MeetingOptions, token: string | undefined | (() => string | undefined)) {
    const tokenSource = typeof token === 'function' ? token : () => token;
    const mode = normalizeMode(options.mode) ?? 'SEND_AND_RECV';
    const resolved: ResolvedOptions = { ...options, mode, multiStream: options.multiStream ?? true, maxResolution: options.maxResolution ?? 'hd' };
    // The participant host is filled in below: Participant only calls it after construction.
    const host = {} as ParticipantHost;
    const local = new Participant(localParticipantId(tokenSource(), options.participantId), options.name ?? '', true, mode, options.metaData ?? null, host);
    super({
      meetingId: options.meetingId,
      platform: { createSocket: (url) => new WebSocket(url) },
      log: new Logger(options.debugMode ?? false),
      localParticipant: local,
      token: tokenSource,
      signalingUrl: () => signalingUrl(resolved.signalingBaseUrl),
      joinRequest: (tok) => {
        // A token configured after initMeeting() may pin the id; the server would refuse any other.
        const pinned = tokenParticipantId(tok);
        if (pinned) local.id = pinned;
        const { name, metaData } = resolved;
        return { mode: resolved.mode, participantId: local.id, ...(name !== undefined && { name }), ...(metaData !== undefined && { metaData }) };
      },
      createParticipant: (info: ParticipantInfo) => new Participant(info.id, info.displayName, false, info.mode, info.metaData, host),
      deferJoinedEvent: true,
      serverBaseUrl: () => serverBaseUrl(resolved.signalingBaseUrl),
    });
    this.options = resolved;
    Object.assign(host, {
      requestQuality: (p, quality) => this.requestQuality(p, quality),
      setPin: (p, type, pinned) => this.setPin(p, type, pinned),
      streamStats: (p, kind) => this.streamStats(p, kind),
      moderate: (p, action) => this.moderate(p, action),
      renderVideo: (p, opts) => this.renderers.renderVideo(p, opts),
      renderAudio: (p, opts) => this.renderers.renderAudio(p, opts),
      setConsuming: (p, kind, consuming) => void this.remote.setConsuming(p, kind, consuming).catch((err) => this.reportError(err)),
    } satisfies ParticipantHost);
    this.renderers = new MediaRenderers({ pauseVideoInBackground: options.pauseVideoInBackground ?? true, log: this.log, participants: () => this.remotes.values() });
    const common = { signaling: () => this.signaling, emitError: (e: MeetingError) => this.safeEmit('error', e), log: this.log, stats: this.stats, iceServers: () => this.iceServers };
    this.media = new LocalMedia({ ...common, participant: this.localParticipant, multiStream: this.options.multiStream, maxResolution: this.options.maxResolution });
    this.remote = new RemoteMedia({
      ...common,
      participant: (id) => this.remotes.get(id),
      receivesMedia: this.options.mode !== 'SIGNALLING_ONLY',
      autoConsume: options.autoConsume ?? true,
      streamAdded: (p, stream) => this.renderers.streamAdded(p, stream),
    });
    this.platformMedia = {
      participantAdded: (p, streams) => this.remote.addPublished(p.id, streams),
      participantGone: (p) => {
        this.remote.participantGone(p);
        this.renderers.participantGone(p);
      },
      streamEnabled: (ev) => this.remote.onStreamEnabled(ev),
      streamDisabled: (ev) => this.remote.onStreamDisabled(ev),
      subscriberOffer: (ev) => this.remote.onSubscriberOffer(ev),
      consume: (ev) => this.remote.onConsume(ev),
      setReceiving: (receiving) => this.remote.setReceiving(receiving),
      mediaReset: () => {
        void this.remote.restart();
        this.media.republishAll();
      },
      resumed: () => {
        void this.remote.afterResume();
        this.media.repairFailed();
        this.renderers.adaptive.refreshAll();
      },
      joined: () => {
        this.renderers.adaptive.start();
        this.qualityReporter.start();
        if (this.options.mode === 'SEND_AND_RECV') this.publishConfiguredMedia();
      },
      setOwnMedia: (kind, enabled) =>
        kind === 'audio' ? (enabled ? this.unmuteMic() : this.muteMic()) : enabled ? this.enableWebcam() : this.disableWebcam(),
      close: () => {
        this.qualityReporter.stop();
        this.media.closeAll();
        this.remote.close();
        this.renderers.close();
      },
    };
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

  // ---- helpers ------------------------------------------------------------------------------

  private streamStats(p: Participant, kind: StreamKind): Promise<StreamStats[]> {
    return p.local ? this.media.stats(kind) : this.remote.stats(p, kind);
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
}

/** The signaling WebSocket URL of the server at `signalingBaseUrl` (default: where the SDK came from). */
function signalingUrl(signalingBaseUrl: string | undefined): string {
  const base = serverBaseUrl(signalingBaseUrl);
  if (!base) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'signalingBaseUrl is required outside a browser page');
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + SIGNALING_PATH;
  return url.toString();
}
