// A meeting participant (local or remote): its streams, media flags, and per-participant actions.
// Meeting drives it through the `_`-prefixed internal methods, which emit the matching events.
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import { ParticipantBase } from '@roomkit/client-core';
import type { ModerationAction, ParticipantCoreHost } from '@roomkit/client-core';
import { RoomkitError } from './protocolRuntime.js';
import { qualityForViewport } from './AdaptiveSubscription.js';
import type { RenderAudioOptions } from './MediaRenderers.js';
import type { StreamStats } from './stats.js';
import type { PauseReason, Stream } from './Stream.js';
import type { RenderVideoOptions } from './VideoRenderer.js';
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
export interface ParticipantHost extends ParticipantCoreHost<Participant> {
  streamStats(participant: Participant, kind: StreamKind): Promise<StreamStats[]>;
  renderVideo(participant: Participant, options: RenderVideoOptions): HTMLElement;
  renderAudio(participant: Participant, options: RenderAudioOptions): HTMLAudioElement;
  /** consume*Streams() / stopConsuming*Streams(). */
  setConsuming(participant: Participant, kind: 'audio' | 'video', consuming: boolean): void;
}

export type { ModerationAction };

/**
 * Identity, streams, media flags, received quality and pin state come from the core's
 * ParticipantBase; this class adds the browser's media: renderers, stats, frames, consuming.
 */
export class Participant extends ParticipantBase<Stream, ParticipantEvents> {
  /** Screen share is sent in one layer: always 'high' (setScreenShareQuality() is refused). */
  readonly screenShareQuality: Quality = 'high';

  constructor(
    id: string,
    displayName: string,
    local: boolean,
    mode: Mode,
    metaData: Record<string, unknown> | null,
    private readonly host: ParticipantHost,
  ) {
    super(id, displayName, local, mode, metaData, host);
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

  /** @internal Adds (or replaces) a stream and emits stream-enabled / media-status-changed. */
  override _addStream(stream: Stream): void {
    super._addStream(stream);
    stream._state('active');
  }

  /**
   * @internal Removes a stream and emits stream-disabled / media-status-changed; `stillPublished`
   * (stopConsuming*): the participant still sends it, so its mic/camera flag stays on.
   */
  override _removeStream(streamId: string, stillPublished = false): Stream | undefined {
    const stream = super._removeStream(streamId, stillPublished);
    stream?._state('ended');
    return stream;
  }

  /** @internal Re-announces a stream whose track was swapped (changeMic/changeWebcam). */
  _streamTrackChanged(stream: Stream): void {
    if (this.streams.get(stream.id) === stream) this.safeEmit('stream-enabled', stream);
  }
}
