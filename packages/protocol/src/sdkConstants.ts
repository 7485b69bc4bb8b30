// VideoSDK.Constants: the names and values apps compare against (errors, modes, states, reasons),
// zod-free and shared by the browser SDK and the Node client.
import { ErrorCode, LeaveReason } from './errors.js';

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
