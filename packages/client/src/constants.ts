// VideoSDK.Constants: the names and values apps compare against (errors, modes, states, reasons).
import { ErrorCode, LeaveReason } from './protocolRuntime.js';

export const modes = {
  SEND_AND_RECV: 'SEND_AND_RECV',
  SIGNALLING_ONLY: 'SIGNALLING_ONLY',
  RECV_ONLY: 'RECV_ONLY',
} as const;

export const meetingStates = {
  CONNECTING: 'CONNECTING',
  CONNECTED: 'CONNECTED',
  RECONNECTING: 'RECONNECTING',
  DISCONNECTED: 'DISCONNECTED',
  FAILED: 'FAILED',
} as const;
export type MeetingState = keyof typeof meetingStates;

export const recordingEvents = {
  RECORDING_STARTING: 'RECORDING_STARTING',
  RECORDING_STARTED: 'RECORDING_STARTED',
  RECORDING_STOPPING: 'RECORDING_STOPPING',
  RECORDING_STOPPED: 'RECORDING_STOPPED',
} as const;
export type RecordingState = keyof typeof recordingEvents;

export const livestreamEvents = {
  LIVESTREAM_STARTING: 'LIVESTREAM_STARTING',
  LIVESTREAM_STARTED: 'LIVESTREAM_STARTED',
  LIVESTREAM_STOPPING: 'LIVESTREAM_STOPPING',
  LIVESTREAM_STOPPED: 'LIVESTREAM_STOPPED',
} as const;
export type LivestreamState = keyof typeof livestreamEvents;

export const hlsEvents = {
  HLS_STARTING: 'HLS_STARTING',
  HLS_STARTED: 'HLS_STARTED',
  HLS_PLAYABLE: 'HLS_PLAYABLE',
  HLS_STOPPING: 'HLS_STOPPING',
  HLS_STOPPED: 'HLS_STOPPED',
} as const;
export type HlsState = keyof typeof hlsEvents;

export const Constants = {
  errors: ErrorCode,
  modes,
  leaveReason: LeaveReason,
  recordingEvents,
  livestreamEvents,
  hlsEvents,
  meetingStates,
} as const;

/** Camera capture size per `maxResolution`: 720p lets Chrome send all three simulcast layers. */
export const CAMERA_RESOLUTION = {
  hd: { width: 1280, height: 720 },
  sd: { width: 640, height: 360 },
} as const;

/** Camera simulcast layers (rid q/h/f); the server's setQuality picks among these rids. */
export const CAMERA_SIMULCAST_ENCODINGS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', maxBitrate: 1_500_000 },
];

/** Which camera layers stay active for setWebcamQuality(). */
export const ACTIVE_LAYERS = {
  low: ['q'],
  med: ['q', 'h'],
  high: ['q', 'h', 'f'],
} as const;

/** No trickle ICE in this protocol: SDPs go out once gathering is complete, or after this wait. */
export const ICE_GATHERING_TIMEOUT_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** Pings also detect a dead socket: one unanswered within PING_TIMEOUT_MS counts as a drop. */
export const PING_INTERVAL_MS = 5_000;
export const PING_TIMEOUT_MS = 4_000;
