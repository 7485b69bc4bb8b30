// The local participant's published media: one PublishConnection per kind (mic, camera, screen
// video, screen audio), device switching and camera layer control. Operations on one kind run one
// at a time, so a double click on "camera on" cannot publish twice.
import type { StatsSource } from './QualityReporter.js';
import { CameraDeviceInfo } from './CameraDeviceInfo.js';
import { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import type { StreamKind } from '@roomkit/protocol';
import { CAMERA_RESOLUTION } from './constants.js';
import { createCameraVideoTrack, createMicrophoneAudioTrack, createScreenShareVideoTrack } from './devices.js';
import type { Logger } from '@roomkit/client-core';
import type { Participant } from './Participant.js';
import { ErrorCode, RoomkitError } from './protocolRuntime.js';
import { PublishConnection } from './PublishConnection.js';
import type { SignalingClient } from '@roomkit/client-core';
import type { StatsReader, StreamStats } from './stats.js';
import { Stream } from './Stream.js';
import type { Quality } from './types.js';

export interface LocalMediaHost {
  signaling(): SignalingClient | null;
  emitError(error: { code: number; message: string }): void;
  readonly participant: Participant;
  readonly log: Logger;
  readonly stats: StatsReader;
  readonly multiStream: boolean;
  readonly maxResolution: 'hd' | 'sd';
  /** The ICE servers (TURN) the server handed out, for new peer connections. */
  iceServers(): RTCIceServer[];
}

interface Publication {
  connection: PublishConnection;
  stream: Stream;
  /** The SDK captured this track, so the SDK stops it; app-provided tracks are the app's. */
  ownsTrack: boolean;
}

const QUALITIES: readonly unknown[] = ['low', 'med', 'high'];

/** A custom track argument: a MediaStream, or a lone MediaStreamTrack (wrapped); anything else is 3073. */
function customStream(custom: unknown): Promise<MediaStream> {
  if (typeof MediaStreamTrack !== 'undefined' && custom instanceof MediaStreamTrack) return Promise.resolve(new MediaStream([custom]));
  if (typeof (custom as MediaStream | null)?.getTracks === 'function') return Promise.resolve(custom as MediaStream);
  return Promise.reject(new RoomkitError('ERROR_INVALID_PARAMETER', 'custom track: pass a MediaStream, e.g. from VideoSDK.createCameraVideoTrack()'));
}

export class LocalMedia {
  private readonly publications = new Map<StreamKind, Publication>();
  private readonly queues = new Map<string, Promise<void>>();
  private micDeviceId: string | undefined;
  private cameraDeviceId: string | undefined;
  private webcamQuality: Quality = 'high';
  private readonly chosen = new Map<'audio' | 'video', MediaStream>();
  private closed = false;

  constructor(private readonly host: LocalMediaHost) {}

  isPublished(kind: StreamKind): boolean {
    return this.publications.has(kind);
  }

  enableMic(customArg?: MediaStream): Promise<void> {
    return this.serial('audio', async () => {
      if (this.publications.has('audio')) return;
      const custom = customArg ?? this.takeChosen('audio');
      const captured = await this.capture(() =>
        custom ? customStream(custom) : createMicrophoneAudioTrack({ microphoneId: this.micDeviceId }),
      );
      if (!captured) return; // reported already
      const track = captured.getAudioTracks()[0];
      if (!track) return this.noTrack(custom, 'ERROR_GET_AUDIO_MEDIA', 'audio');
      await this.publish('audio', track, !custom);
    });
  }

  enableWebcam(customArg?: MediaStream): Promise<void> {
    return this.serial('video', async () => {
      if (this.publications.has('video')) return;
      const custom = customArg ?? this.takeChosen('video');
      const size = CAMERA_RESOLUTION[this.host.maxResolution];
      const captured = await this.capture(() =>
        custom ? customStream(custom) : createCameraVideoTrack({ cameraId: this.cameraDeviceId }, size),
      );
      if (!captured) return; // reported already
      const track = captured.getVideoTracks()[0];
      if (!track) return this.noTrack(custom, 'ERROR_GET_VIDEO_MEDIA', 'video');
      const published = await this.publish('video', track, !custom);
      if (published && this.webcamQuality !== 'high') await this.applyWebcamQuality();
    });
  }

  enableScreenShare(custom?: MediaStream): Promise<void> {
    return this.serial('share', async () => {
      if (this.publications.has('share')) return;
      const captured = await this.capture(() => (custom ? customStream(custom) : createScreenShareVideoTrack()));
      if (!captured) return;
      const video = captured.getVideoTracks()[0];
      const audio = captured.getAudioTracks()[0];
      if (!video) {
        if (!custom) for (const t of captured.getTracks()) t.stop();
        return this.noTrack(custom ?? captured, 'ERROR_GET_DISPLAY_MEDIA', 'video');
      }
      // The browser's own "Stop sharing" button ends the video track.
      video.addEventListener('ended', () => void this.disableScreenShare(), { once: true });
      const [videoOk] = await Promise.all([
        this.publish('share', video, !custom),
        audio ? this.publish('shareAudio', audio, !custom) : Promise.resolve(true),
      ]);
      if (!videoOk) await this.unpublish('shareAudio');
    });
  }

  disableMic(): Promise<void> {
    return this.serial('audio', () => this.unpublish('audio'));
  }

  disableWebcam(): Promise<void> {
    return this.serial('video', () => this.unpublish('video'));
  }

  disableScreenShare(): Promise<void> {
    return this.serial('share', async () => {
      await Promise.all([this.unpublish('share'), this.unpublish('shareAudio')]);
    });
  }

  /** Switches the microphone; a live mic keeps its stream (same id), only the track changes. */
  /** A device id, or (VideoSDK 1.1) a MediaStream to send instead (the app's track: not stopped by us). */
  changeMic(device: string | MediaStream): Promise<void> {
    if (typeof device !== 'string') return this.changeToStream('audio', device);
    const deviceId = device;
    this.micDeviceId = deviceId;
    this.chosen.delete('audio');
    return this.serial('audio', () =>
      this.replace('audio', () => createMicrophoneAudioTrack({ microphoneId: deviceId }).then((s) => s.getAudioTracks()[0])),
    );
  }

  changeWebcam(device: string | MediaStream): Promise<void> {
    if (typeof device !== 'string') return this.changeToStream('video', device);
    const deviceId = device;
    this.cameraDeviceId = deviceId;
    this.chosen.delete('video');
    const size = CAMERA_RESOLUTION[this.host.maxResolution];
    return this.serial('video', () =>
      this.replace('video', () => createCameraVideoTrack({ cameraId: deviceId }, size).then((s) => s.getVideoTracks()[0])),
    );
  }

  setWebcamQuality(quality: Quality): Promise<void> {
    if (!QUALITIES.includes(quality)) {
      this.host.emitError({ code: ErrorCode.ERROR_INVALID_PARAMETER, message: `setWebcamQuality(): quality must be low, med or high, got ${String(quality)}` });
      return Promise.resolve();
    }
    this.webcamQuality = quality;
    return this.serial('video', () => this.applyWebcamQuality());
  }

  /** Each publish connection with its kind, for the SDK's quality reports (screen audio left out). */
  qualitySources(): StatsSource[] {
    return [...this.publications]
      .filter(([kind]) => kind !== 'shareAudio')
      .map(([kind, pub]) => ({ direction: 'send', kind: kind as 'audio' | 'video' | 'share', stats: () => pub.connection.pc.getStats() }));
  }

  async stats(kind: StreamKind): Promise<StreamStats[]> {
    const pub = this.publications.get(kind);
    if (!pub) return [];
    return this.host.stats.sample(() => pub.connection.getStats(), `pub:${pub.stream.id}`, 'outbound');
  }

  /** Closes every publication without telling the server (it is leaving anyway). */
  closeAll(): void {
    this.closed = true;
    for (const kind of [...this.publications.keys()]) this.release(kind);
  }

  /** Publications whose PeerConnection failed are published again on a fresh one, same track. */
  repairFailed(): void {
    this.republish((pub) => pub.connection.pc.connectionState === 'failed', 'its connection failed');
  }

  /** Every publication again on a fresh PeerConnection (the server lost its media). */
  republishAll(): void {
    this.republish(() => true, 'the server rebuilt the media');
  }

  private republish(which: (pub: Publication) => boolean, why: string): void {
    if (!this.host.signaling()?.isOpen) return; // the reconnect calls this again once resumed
    for (const [kind, pub] of this.publications) {
      if (!which(pub)) continue;
      void this.serial(kind, async () => {
        if (this.publications.get(kind) !== pub || this.closed) return;
        const { ownsTrack } = pub;
        pub.ownsTrack = false; // release() must not stop the track we publish again
        this.release(kind);
        this.host.log.debug(`republishing ${kind}: ${why}`);
        await this.publish(kind, pub.stream.track, ownsTrack);
      });
    }
  }

  private async publish(kind: StreamKind, track: MediaStreamTrack, ownsTrack: boolean): Promise<boolean> {
    const signaling = this.host.signaling();
    const connection = new PublishConnection(kind, track, { simulcast: this.host.multiStream, iceServers: this.host.iceServers() });
    connection.pc.addEventListener('connectionstatechange', () => {
      if (connection.pc.connectionState === 'failed') this.repairFailed();
    });
    try {
      if (!signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'Not connected');
      const { streamId, codec } = await connection.negotiate(signaling);
      if (this.closed) throw new RoomkitError('SOMETHING_WENT_WRONG', 'The meeting was left while publishing');
      const stream = new Stream(streamId, kind, codec, track);
      this.publications.set(kind, { connection, stream, ownsTrack });
      this.host.log.debug(`published ${kind} as ${streamId}`);
      this.host.participant._addStream(stream);
      return true;
    } catch (err) {
      connection.close();
      if (ownsTrack) track.stop();
      if (!this.closed) {
        const code = err instanceof RoomkitError ? err.code : ErrorCode.ERROR_MEETING_MEDIA_CONNECTION_FAILED;
        this.host.emitError({ code, message: `Could not publish ${kind}: ${err instanceof Error ? err.message : String(err)}` });
      }
      return false;
    }
  }

  private async unpublish(kind: StreamKind): Promise<void> {
    if (!this.publications.has(kind)) return;
    const signaling = this.host.signaling();
    this.release(kind);
    try {
      await signaling?.request({ t: 'unpublish', kind });
    } catch (err) {
      this.host.log.debug(`unpublish ${kind} failed`, err);
    }
  }

  /** Closes one publication locally and tells the app its stream is gone. */
  private release(kind: StreamKind): void {
    const pub = this.publications.get(kind);
    if (!pub) return;
    this.publications.delete(kind);
    pub.connection.close();
    if (pub.ownsTrack) pub.stream.track.stop();
    this.host.stats.forget(`pub:${pub.stream.id}`);
    this.host.participant._removeStream(pub.stream.id);
  }

  /**
   * changeMic/changeWebcam with a MediaStream: its track replaces the live one (same Stream); while
   * that kind is off, the stream is kept and published by the next unmuteMic()/enableWebcam().
   */
  private changeToStream(kind: 'audio' | 'video', stream: MediaStream): Promise<void> {
    return this.serial(kind, async () => {
      const track = (await customStream(stream).catch((err: unknown) => {
        this.reportCaptureError(err);
        return null;
      }))?.[kind === 'audio' ? 'getAudioTracks' : 'getVideoTracks']()[0];
      if (!track) {
        this.host.emitError({ code: ErrorCode.ERROR_INVALID_PARAMETER, message: `${kind === 'audio' ? 'changeMic' : 'changeWebcam'}(): the MediaStream has no ${kind} track` });
        return;
      }
      if (!this.publications.has(kind)) {
        this.chosen.set(kind, stream);
        return;
      }
      await this.replace(kind, async () => track, false);
    });
  }

  /** A MediaStream chosen with changeMic/changeWebcam while that kind was off (used once). */
  private takeChosen(kind: 'audio' | 'video'): MediaStream | undefined {
    const stream = this.chosen.get(kind);
    this.chosen.delete(kind);
    return stream;
  }

  /** The device the published mic/camera track comes from (null when it is off or not a device). */
  selectedDevice(kind: 'audio' | 'video'): CameraDeviceInfo | MicrophoneDeviceInfo | null {
    const track = this.publications.get(kind)?.stream.track;
    const settings = track?.getSettings?.();
    if (!track || !settings?.deviceId) return null;
    return kind === 'audio'
      ? new MicrophoneDeviceInfo(settings.deviceId, settings.groupId ?? '', 'audioinput', track.label)
      : new CameraDeviceInfo(settings.deviceId, settings.groupId ?? '', 'videoinput', track.label);
  }

  private async replace(kind: 'audio' | 'video', capture: () => Promise<MediaStreamTrack | undefined>, owns = true): Promise<void> {
    const pub = this.publications.get(kind);
    if (!pub) return; // the new device is used at the next unmute/enable
    let track: MediaStreamTrack | undefined;
    try {
      track = await capture();
    } catch (err) {
      this.reportCaptureError(err);
      return;
    }
    if (!track) return;
    if (this.publications.get(kind) !== pub) {
      track.stop();
      return;
    }
    await pub.connection.replaceTrack(track);
    if (pub.ownsTrack) pub.stream.track.stop();
    pub.ownsTrack = owns;
    pub.stream.track = track;
    this.host.participant._streamTrackChanged(pub.stream);
  }

  private async applyWebcamQuality(): Promise<void> {
    const pub = this.publications.get('video');
    if (!pub) return;
    try {
      await pub.connection.setActiveLayers(this.webcamQuality);
    } catch (err) {
      this.host.log.warn('could not change the camera layers', err);
    }
  }

  /** Runs a capture; a failure is reported as an `error` event and yields null. */
  private async capture(get: () => Promise<MediaStream>): Promise<MediaStream | null> {
    try {
      return await get();
    } catch (err) {
      this.reportCaptureError(err);
      return null;
    }
  }

  private reportCaptureError(err: unknown): void {
    if (err instanceof RoomkitError) this.host.emitError({ code: err.code, message: err.message });
    else this.host.emitError({ code: ErrorCode.ERROR_MEETING_MEDIA_CONNECTION_FAILED, message: String(err) });
  }

  private noTrack(custom: MediaStream | undefined, code: 'ERROR_GET_AUDIO_MEDIA' | 'ERROR_GET_VIDEO_MEDIA' | 'ERROR_GET_DISPLAY_MEDIA', kind: string): void {
    if (!custom) return; // capture failed and was reported already
    const err = new RoomkitError(code, `The custom MediaStream has no ${kind} track`);
    this.host.emitError({ code: err.code, message: err.message });
  }

  private serial(key: string, op: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(op);
    const settled = run.catch((err: unknown) => this.host.log.warn(`${key} operation failed`, err));
    this.queues.set(key, settled);
    return settled;
  }
}
