// Device listing and capture (getUserMedia/getDisplayMedia) with VideoSDK's option names.
// Capture failures become RoomkitErrors with the ERROR_GET_*_MEDIA codes apps check for.
import { CameraDeviceInfo } from './CameraDeviceInfo.js';
import { DeviceInfo } from './DeviceInfo.js';
import { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import { PlaybackDeviceInfo } from './PlaybackDeviceInfo.js';
import { Logger } from '@roomkit/client-core';
import { RoomkitError } from './protocolRuntime.js';

const log = new Logger(false, 'roomkit');

export interface CameraTrackOptions {
  cameraId?: string;
  /** e.g. 'h720p_w1280p' (default), 'h540p_w960p', 'h360p_w640p', 'h180p_w320p'. */
  encoderConfig?: string;
  facingMode?: 'user' | 'environment';
  /** Sets the track's contentHint. */
  optimizationMode?: 'motion' | 'text' | 'detail';
  /** Accepted for compatibility; simulcast is decided when the track is published. */
  multiStream?: boolean;
  /** Only 'balanced' (Roomkit's fixed layer bitrates); another value is ignored with a warning. */
  bitrateMode?: 'high_quality' | 'balanced' | 'bandwidth_optimized';
  /** Only 3 (a simulcast camera always sends three layers); 2 is ignored with a warning. */
  maxLayer?: 2 | 3;
  /** Only 'VP8' (Roomkit's video codec); another value is ignored with a warning. */
  codec?: 'VP8' | 'VP9' | 'AV1' | 'H264';
}

export interface MicrophoneTrackOptions {
  microphoneId?: string;
  /** e.g. 'speech_standard' (default), 'high_quality', 'high_quality_stereo', 'music_standard'. */
  encoderConfig?: string;
  noiseConfig?: { echoCancellation?: boolean; autoGainControl?: boolean; noiseSuppression?: boolean };
}

export interface ScreenShareTrackOptions {
  /** e.g. 'h720p_15fps' (default), 'h1080p_30fps'. */
  encoderConfig?: string;
  /** Sets the track's contentHint. */
  optimizationMode?: 'motion' | 'text' | 'detail';
  /** Accepted for compatibility: screen share is always sent as one layer. */
  multiStream?: boolean;
  /** Capture tab/system audio too, when the browser offers it. */
  withAudio?: 'enable' | 'disable' | boolean;
}

const CLASS_BY_KIND = {
  videoinput: CameraDeviceInfo,
  audioinput: MicrophoneDeviceInfo,
  audiooutput: PlaybackDeviceInfo,
} as const;

/** The DeviceInfo subclass instance for one browser MediaDeviceInfo. */
export function toDeviceInfo(d: { deviceId: string; groupId: string; kind: string; label: string }): DeviceInfo {
  const Class = CLASS_BY_KIND[d.kind as MediaDeviceKind] ?? DeviceInfo;
  return new Class(d.deviceId, d.groupId, d.kind, d.label);
}

async function listDevices(kind?: MediaDeviceKind): Promise<DeviceInfo[]> {
  if (!globalThis.navigator?.mediaDevices?.enumerateDevices) {
    throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', 'This browser cannot list media devices (no navigator.mediaDevices: the page must be served over https or from localhost)');
  }
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => kind === undefined || d.kind === kind).map(toDeviceInfo);
}

export const getCameras = (): Promise<CameraDeviceInfo[]> => listDevices('videoinput');
export const getMicrophones = (): Promise<MicrophoneDeviceInfo[]> => listDevices('audioinput');
export const getPlaybackDevices = (): Promise<PlaybackDeviceInfo[]> => listDevices('audiooutput');
export const getDevices = (): Promise<DeviceInfo[]> => listDevices();

/** 'h720p_w1280p' → 1280x720; anything else → the fallback. */
function parseVideoConfig(config: string | undefined, fallback: { width: number; height: number }) {
  const m = config ? /^h(\d+)p_w(\d+)p/.exec(config) : null;
  return m ? { width: Number(m[2]), height: Number(m[1]) } : fallback;
}

export function cameraConstraints(opts: CameraTrackOptions, size = { width: 1280, height: 720 }): MediaTrackConstraints {
  const { width, height } = parseVideoConfig(opts.encoderConfig, size);
  const c: MediaTrackConstraints = { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } };
  if (opts.cameraId) c.deviceId = { exact: opts.cameraId };
  else if (opts.facingMode) c.facingMode = opts.facingMode;
  return c;
}

export function microphoneConstraints(opts: MicrophoneTrackOptions): MediaTrackConstraints {
  const noise = opts.noiseConfig ?? {};
  const stereo = opts.encoderConfig?.includes('stereo') ?? false;
  const c: MediaTrackConstraints = {
    echoCancellation: noise.echoCancellation ?? true,
    autoGainControl: noise.autoGainControl ?? true,
    noiseSuppression: noise.noiseSuppression ?? true,
    channelCount: stereo ? 2 : 1,
  };
  if (opts.microphoneId) c.deviceId = { exact: opts.microphoneId };
  return c;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * What Roomkit's camera publishing always does, in VideoSDK's option values: its fixed layers
 * (150/500/1500 kbit/s at 720p) are VideoSDK's `balanced` table, three layers, VP8. Other values
 * cannot be honoured and get a warning (the React SDK passes these defaults on every call).
 */
const CAMERA_FIXED = { bitrateMode: 'balanced', maxLayer: 3, codec: 'VP8' } as const;

/** A camera MediaStream; rejects with ERROR_GET_VIDEO_MEDIA. */
export async function createCameraVideoTrack(opts: CameraTrackOptions = {}, size?: { width: number; height: number }): Promise<MediaStream> {
  for (const [name, fixed] of Object.entries(CAMERA_FIXED)) {
    const value = opts[name as keyof typeof CAMERA_FIXED];
    if (value !== undefined && value !== fixed) log.warn(`createCameraVideoTrack(): ${name} ${String(value)} is not supported by Roomkit, which always sends ${String(fixed)} (fixed simulcast layers, VP8)`);
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: cameraConstraints(opts, size) });
    if (opts.optimizationMode) for (const t of stream.getVideoTracks()) t.contentHint = opts.optimizationMode;
    return stream;
  } catch (err) {
    throw new RoomkitError('ERROR_GET_VIDEO_MEDIA', `Could not open the camera (${describe(err)})`, { cause: err });
  }
}

/** A microphone MediaStream; rejects with ERROR_GET_AUDIO_MEDIA. */
export async function createMicrophoneAudioTrack(opts: MicrophoneTrackOptions = {}): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: microphoneConstraints(opts) });
  } catch (err) {
    throw new RoomkitError('ERROR_GET_AUDIO_MEDIA', `Could not open the microphone (${describe(err)})`, { cause: err });
  }
}

/** A screen-share MediaStream (video, plus audio when asked and offered); rejects with ERROR_GET_DISPLAY_MEDIA. */
export async function createScreenShareVideoTrack(opts: ScreenShareTrackOptions = {}): Promise<MediaStream> {
  const m = opts.encoderConfig ? /^h(\d+)p_(\d+)fps/.exec(opts.encoderConfig) : null;
  const height = m ? Number(m[1]) : 720;
  const frameRate = m ? Number(m[2]) : 15;
  const video: MediaTrackConstraints = { height: { max: height }, frameRate: { max: frameRate } };
  const audio = opts.withAudio === undefined || opts.withAudio === true || opts.withAudio === 'enable';
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video, audio });
    if (opts.optimizationMode) for (const t of stream.getVideoTracks()) t.contentHint = opts.optimizationMode;
    return stream;
  } catch (err) {
    // Browsers without display audio may reject the audio request itself (TypeError): retry without.
    if (audio && err instanceof TypeError) {
      try {
        const stream = await navigator.mediaDevices.getDisplayMedia({ video });
        if (opts.optimizationMode) for (const t of stream.getVideoTracks()) t.contentHint = opts.optimizationMode;
        return stream;
      } catch (retryErr) {
        err = retryErr;
      }
    }
    throw new RoomkitError('ERROR_GET_DISPLAY_MEDIA', `Could not capture the screen (${describe(err)})`, { cause: err });
  }
}
