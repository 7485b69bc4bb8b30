// VideoSDK.Constants: the names and values apps compare against (errors, modes, states, reasons),
// zod-free and shared by the browser SDK and the Node client.
import { ErrorCode, LeaveReason } from './errors.js';
import { unraisedVideoSdkErrors, unraisedVideoSdkLeaveReasons } from './unraisedVideoSdkCodes.js';

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

export const transcriptionEvents = {
  TRANSCRIPTION_STARTING: 'TRANSCRIPTION_STARTING',
  TRANSCRIPTION_STARTED: 'TRANSCRIPTION_STARTED',
  TRANSCRIPTION_STOPPING: 'TRANSCRIPTION_STOPPING',
  TRANSCRIPTION_STOPPED: 'TRANSCRIPTION_STOPPED',
} as const;

/** `checkPermissions()` / `requestPermission()` argument and the keys of the Map they resolve with. */
export const Permission = {
  AUDIO: 'audio',
  VIDEO: 'video',
  AUDIO_AND_VIDEO: 'audio_video',
} as const;
export type PermissionValue = (typeof Permission)[keyof typeof Permission];

export const reliabilityMode = {
  RELIABLE: 'RELIABLE',
  UNRELIABLE: 'UNRELIABLE',
} as const;

export const BitrateMode = {
  HIGH_QUALITY: 'high_quality',
  BALANCED: 'balanced',
  BANDWIDTH_OPTIMIZED: 'bandwidth_optimized',
} as const;

/** `VideoSDK.setLogLevel()`: each level shows its own messages and those of the levels before it. */
export const LogLevel = {
  NONE: 'NONE',
  ERROR: 'ERROR',
  WARN: 'WARN',
  INFO: 'INFO',
  DEBUG: 'DEBUG',
  ALL: 'ALL',
} as const;
export type LogLevelName = keyof typeof LogLevel;

/** AI-agent participant states: VideoSDK's names; Roomkit has no agent participants. */
export const AgentState = {
  IDLE: 'idle',
  LISTENING: 'listening',
  THINKING: 'thinking',
  SPEAKING: 'speaking',
} as const;

export const VideoCodec = {
  VP8: 'VP8',
  VP9: 'VP9',
  AV1: 'AV1',
  H264: 'H264',
} as const;

export const RealtimeOverflow = {
  DROP: 'drop',
  QUEUE: 'queue',
} as const;

/**
 * VideoSDK's `Constants.modes` also lists the deprecated CONFERENCE and VIEWER (aliases of
 * SEND_AND_RECV and SIGNALLING_ONLY). `modes` above stays the three current ones: the SDKs
 * validate against it and map the aliases themselves.
 */
const modesWithDeprecated = {
  CONFERENCE: 'CONFERENCE',
  VIEWER: 'VIEWER',
  ...modes,
} as const;

export const Constants = {
  /** Every VideoSDK error name; only the ErrorCode ones are ever raised by Roomkit. */
  errors: { ...unraisedVideoSdkErrors, ...ErrorCode },
  modes: modesWithDeprecated,
  /** Every VideoSDK leave reason; only the LeaveReason ones are ever given by Roomkit. */
  leaveReason: { ...unraisedVideoSdkLeaveReasons, ...LeaveReason },
  recordingEvents,
  livestreamEvents,
  hlsEvents,
  transcriptionEvents,
  meetingStates,
  permission: Permission,
  reliabilityMode,
  BitrateMode,
  LogLevel,
  AgentState,
  VideoCodec,
  RealtimeOverflow,
} as const;
