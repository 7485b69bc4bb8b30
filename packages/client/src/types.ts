// Public option and value shapes shared by several SDK classes (event maps live with their class).
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';

export type { Mode, Quality, StreamKind };

export interface MeetingOptions {
  /** Room id to join (letters, digits, `-`, `_`). */
  meetingId: string;
  /** Requested participant id; the server assigns one when omitted (or when the token pins one). */
  participantId?: string;
  /** Display name. */
  name?: string;
  micEnabled?: boolean;
  webcamEnabled?: boolean;
  /** Default SEND_AND_RECV. */
  mode?: Mode;
  /** Camera simulcast (three layers). Default true. */
  multiStream?: boolean;
  /** Camera capture size: 'hd' 1280x720 (default) or 'sd' 640x360. */
  maxResolution?: 'hd' | 'sd';
  customCameraVideoTrack?: MediaStream;
  customMicrophoneAudioTrack?: MediaStream;
  /**
   * Default true. False: remote mic and camera streams are not received (paused on the server, no
   * stream-enabled) until the app calls `participant.consumeMicStreams()` / `consumeWebcamStreams()`.
   */
  autoConsume?: boolean;
  metaData?: Record<string, unknown>;
  /** Log signaling traffic to the console. */
  debugMode?: boolean;
  /** The Roomkit server's URL; default: the server the SDK file was loaded from (/sdk/videosdk.js or .mjs), else `location.origin`. */
  signalingBaseUrl?: string;
  /**
   * Pause incoming video and screen share while the page is hidden (a background tab, a minimised
   * window), and resume when it is visible again; audio keeps playing. Default true. Roomkit's own.
   */
  pauseVideoInBackground?: boolean;
  /** Overrides the token set with VideoSDK.config() for this meeting. */
  token?: string;
}

export type { LeaveInfo, MeetingError, PinState, PinType } from '@roomkit/client-core';

export type { DeviceInfo } from './DeviceInfo.js';
