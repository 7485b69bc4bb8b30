// Public option and value shapes shared by several SDK classes (event maps live with their class).
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import type { BaseMeetingOptions } from '@roomkit/client-core';

export type { Mode, Quality, StreamKind };

/** The core's options (meetingId, participantId, name, micEnabled, webcamEnabled, mode, multiStream, metaData, debugMode, token) and the browser's. */
export interface MeetingOptions extends BaseMeetingOptions {
  /** Camera capture size: 'hd' 1280x720 (default) or 'sd' 640x360. */
  maxResolution?: 'hd' | 'sd';
  customCameraVideoTrack?: MediaStream;
  customMicrophoneAudioTrack?: MediaStream;
  /**
   * Default true. False: remote mic and camera streams are not received (paused on the server, no
   * stream-enabled) until the app calls `participant.consumeMicStreams()` / `consumeWebcamStreams()`.
   */
  autoConsume?: boolean;
  /** The Roomkit server's URL; default: the server the SDK file was loaded from (/sdk/videosdk.js or .mjs), else `location.origin`. */
  signalingBaseUrl?: string;
  /**
   * Pause incoming video and screen share while the page is hidden (a background tab, a minimised
   * window), and resume when it is visible again; audio keeps playing. Default true. Roomkit's own.
   */
  pauseVideoInBackground?: boolean;
}

export type { LeaveInfo, MeetingError, PinState, PinType } from '@roomkit/client-core';

export type { DeviceInfo } from './DeviceInfo.js';
