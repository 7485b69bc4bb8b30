// A meeting participant (local or remote): its streams, media flags, and per-participant actions.
// Meeting drives it through the `_`-prefixed internal methods, which emit the matching events.
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import { EventEmitter } from './EventEmitter.js';
import { RoomkitError } from './protocolRuntime.js';
import { qualityForViewport } from './AdaptiveSubscription.js';
import type { RenderAudioOptions } from './MediaRenderers.js';
import type { StreamStats } from './stats.js';
import type { PauseReason, Stream } from './Stream.js';
import type { RenderVideoOptions } from './VideoRenderer.js';
import type { PinState, PinType } from './types.js';
import { captureFrame } from './captureFrame.js';

export type ParticipantEvents = {
  'stream-enabled': [stream: Stream];
  'stream-disabled': [stream: Stream];
  'media-status-changed': [info: { kind: StreamKind; newStatus: boolean }];
  'video-quality-changed': [info: { currentQuality: Quality; prevQuality: Quality }];
  /** `reason`: 'manual' (stream.pause()), 'offscreen' (its renderVideo() elements are not visible), 'page-hidden' (background tab). */
  'stream-paused': [info: { kind: StreamKind; reason: PauseReason }];
  /** `reason` names the pause reason whose end let the stream flow again. */
  'stream-resumed': [info: { kind: StreamKind; reason: PauseReason }];
};

/** What a Participant needs from its Meeting; implemented by Meeting. */
export interface ParticipantHost {
  requestQuality(participant: Participant, quality: Quality): Promise<void>;
  /** pin()/unpin(): meeting-wide through the server once joined, local before. */
  setPin(participant: Participant, type: PinType, pinned: boolean): void;
  streamStats(participant: Participant, kind: StreamKind): Promise<StreamStats[]>;
  moderate(participant: Participant, action: ModerationAction): Promise<void>;
  renderVideo(participant: Participant, options: RenderVideoOptions): HTMLElement;
  renderAudio(participant: Participant, options: RenderAudioOptions): HTMLAudioElement;
  /** consume*Streams() / stopConsuming*Streams(). */
  setConsuming(participant: Participant, kind: 'audio' | 'video', consuming: boolean): void;
}

export type ModerationAction = 'remove' | 'enableMic' | 'disableMic' | 'enableWebcam' | 'disableWebcam';

const FLAG_OF: Record<StreamKind, 'micOn' | 'webcamOn' | 'screenShareOn' | 'screenShareAudioOn'> = {
  audio: 'micOn',
  video: 'webcamOn',
  share: 'screenShareOn',
  shareAudio: 'screenShareAudioOn',
};

export class Participant extends EventEmitter<ParticipantEvents> {
  readonly streams = new Map<string, Stream>();
  micOn = false;
  webcamOn = false;
  screenShareOn = false;
  screenShareAudioOn = false;
  quality: Quality = 'high';
  /** Screen share is sent in one layer: always 'high' (setScreenShareQuality() is refused). */
  readonly screenShareQuality: Quality = 'high';
  /** The camera quality the server last said it forwards to us (null until it says). */
  receivedQuality: Quality | null = null;
  pinState: PinState = { cam: false, share: false };

  constructor(
    public id: string,
    public displayName: string,
    readonly local: boolean,
    public mode: Mode,
    public metaData: Record<string, unknown> | null,
    private readonly host: ParticipantHost,
  ) {
    super();
  }

  /**
   * Asks the server for at most this simulcast layer of the camera; `video-quality-changed` fires
   * when the server actually switches (it may also go lower when our downlink is short).
   */
  async setQuality(quality: Quality): Promise<void> {
    if (this.local) return;
    await this.host.requestQuality(this, quality);
    this.quality = quality;
  }

  /**
   * @internal The server now forwards this quality of the camera (its bandwidth allocation or our
   * setQuality): `video-quality-changed` follows what is received, not what was asked for.
   */
  _receivedQuality(quality: Quality): void {
    const prevQuality = this.receivedQuality ?? this.quality;
    this.receivedQuality = quality;
    if (prevQuality !== quality) this.safeEmit('video-quality-changed', { currentQuality: quality, prevQuality });
  }

  /** Receive the camera layer that fits a view of this size (CSS pixels): setQuality() for you. */
  setViewPort(width: number, height: number): void {
    if (this.local) return;
    const quality = qualityForViewport(width, height);
    if (quality !== this.quality) void this.setQuality(quality).catch(() => {});
  }

  /**
   * A container element (SDK-owned) showing this participant's camera or screen share whenever it
   * is on. Put it in the page: while it is off-screen (scrolled away, `display: none`) the stream is
   * paused on the server, and the camera layer follows the element's size (up to `maxQuality`).
   * Removing it from the page releases it.
   */
  renderVideo(options: RenderVideoOptions = {}): HTMLElement {
    return this.host.renderVideo(this, options);
  }

  /** An <audio> element playing this participant's microphone (`type: 'shareAudio'`: screen audio). */
  renderAudio(options: RenderAudioOptions = {}): HTMLAudioElement {
    return this.host.renderAudio(this, options);
  }

  /** @internal A remote stream was paused or resumed (by the app or by adaptive subscription). */
  _streamPaused(stream: Stream, reason: PauseReason): void {
    this.safeEmit(stream.paused ? 'stream-paused' : 'stream-resumed', { kind: stream.kind, reason });
  }

  pin(type: PinType = 'SHARE_AND_CAM'): void {
    this.setPin(type, true);
  }

  unpin(type: PinType = 'SHARE_AND_CAM'): void {
    this.setPin(type, false);
  }

  getVideoStats(): Promise<StreamStats[]> {
    return this.host.streamStats(this, 'video');
  }

  getAudioStats(): Promise<StreamStats[]> {
    return this.host.streamStats(this, 'audio');
  }

  getShareStats(): Promise<StreamStats[]> {
    return this.host.streamStats(this, 'share');
  }

  getShareAudioStats(): Promise<StreamStats[]> {
    return this.host.streamStats(this, 'shareAudio');
  }

  /** Not available: per-stream stats (getVideoStats() ...) carry bitrate and rtt. */
  getTransportStats(): Promise<never> {
    return Promise.reject(new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', 'getTransportStats() is not supported by Roomkit; use getVideoStats()/getAudioStats()'));
  }

  /** Screen share is sent in a single layer, so there is no quality to choose. */
  setScreenShareQuality(_quality: Quality): Promise<never> {
    return Promise.reject(new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', 'setScreenShareQuality() is not supported by Roomkit: screen share is sent in one layer'));
  }

  /**
   * A still of this participant's camera as base64 JPEG data (no `data:` prefix), scaled to
   * `width`/`height` when given (one of them keeps the aspect ratio).
   */
  captureImage(options: { width?: number; height?: number } = {}): Promise<string | null> {
    const stream = this.streamOf('video');
    if (!stream || stream.track.readyState !== 'live') {
      return Promise.reject(new RoomkitError('ERROR_WEBCAM_NOT_ENABLED', `captureImage(): ${this.local ? 'your' : `${this.displayName}'s`} camera is off`));
    }
    return captureFrame(stream.track, options ?? {});
  }

  // Moderation of other participants is not in the signaling protocol yet.
  remove(): Promise<void> {
    return this.moderation('remove');
  }
  enableMic(): Promise<void> {
    return this.moderation('enableMic');
  }
  disableMic(): Promise<void> {
    return this.moderation('disableMic');
  }
  enableWebcam(): Promise<void> {
    return this.moderation('enableWebcam');
  }
  disableWebcam(): Promise<void> {
    return this.moderation('disableWebcam');
  }

  /**
   * With `autoConsume: false`: start receiving this participant's mic (camera) stream, now and
   * whenever it is published again (`stream-enabled` follows); stopConsuming*() undoes it
   * (`stream-disabled`; the mic/camera flags stay as the participant has them). With the default
   * autoConsume they also work, e.g. to stop receiving someone's camera.
   */
  consumeMicStreams(): void {
    if (!this.local) this.host.setConsuming(this, 'audio', true);
  }
  consumeWebcamStreams(): void {
    if (!this.local) this.host.setConsuming(this, 'video', true);
  }
  stopConsumingMicStreams(): void {
    if (!this.local) this.host.setConsuming(this, 'audio', false);
  }
  stopConsumingWebcamStreams(): void {
    if (!this.local) this.host.setConsuming(this, 'video', false);
  }

  /** The stream of `kind` this participant currently has, if any. */
  streamOf(kind: StreamKind): Stream | undefined {
    for (const s of this.streams.values()) if (s.kind === kind) return s;
    return undefined;
  }

  /** @internal Adds (or replaces) a stream and emits stream-enabled / media-status-changed. */
  _addStream(stream: Stream): void {
    this.streams.set(stream.id, stream);
    this.safeEmit('stream-enabled', stream);
    this._setMediaStatus(stream.kind, true);
    stream._state('active');
  }

  /**
   * @internal Removes a stream and emits stream-disabled / media-status-changed; `stillPublished`
   * (stopConsuming*): the participant still sends it, so its mic/camera flag stays on.
   */
  _removeStream(streamId: string, stillPublished = false): Stream | undefined {
    const stream = this.streams.get(streamId);
    if (!stream) return undefined;
    this.streams.delete(streamId);
    this.safeEmit('stream-disabled', stream);
    stream._state('ended');
    // Another stream of the same kind may still be there (a replacement that arrived first).
    if (!stillPublished && !this.streamOf(stream.kind)) this._setMediaStatus(stream.kind, false);
    return stream;
  }

  /** @internal Re-announces a stream whose track was swapped (changeMic/changeWebcam). */
  _streamTrackChanged(stream: Stream): void {
    if (this.streams.get(stream.id) === stream) this.safeEmit('stream-enabled', stream);
  }

  /** @internal Updates micOn/webcamOn/screenShareOn, emitting media-status-changed on a change. */
  _setMediaStatus(kind: StreamKind, on: boolean): void {
    const flag = FLAG_OF[kind];
    if (this[flag] === on) return;
    this[flag] = on;
    this.safeEmit('media-status-changed', { kind, newStatus: on });
  }

  private setPin(type: PinType, value: boolean): void {
    this.host.setPin(this, type, value);
  }

  /** @internal The pin state now in force; false if it did not change. */
  _applyPinState(state: PinState): boolean {
    if (state.cam === this.pinState.cam && state.share === this.pinState.share) return false;
    this.pinState = { cam: state.cam, share: state.share };
    return true;
  }

  private moderation(action: ModerationAction): Promise<void> {
    if (this.local) {
      return Promise.reject(
        new RoomkitError('ERROR_INVALID_PARAMETER', `participant.${action}() is for remote participants; use the meeting's methods for yourself`),
      );
    }
    return this.host.moderate(this, action);
  }
}
