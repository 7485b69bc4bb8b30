// The typed event map of Meeting, declared once: every event name and its arguments.
import type { Mode, StreamKind } from '@roomkit/protocol';
import type { HlsState, LivestreamState, MeetingState, RecordingState } from './constants.js';
import type { Participant } from './Participant.js';
import type { LeaveInfo, MeetingError, PinState } from './types.js';

/**
 * `meeting-joined` as VideoSDK's React SDK reads it: `messages` (spread into its chat state) and
 * `switchRoomId` (null: no room switch here) are required, `peers` are the remote participants
 * present at join, `poll` is always null (Roomkit has no polls).
 */
export interface MeetingJoinedInfo {
  switchRoomId: string | null;
  peers: Participant[];
  poll: null;
  messages: unknown[];
}

export type MeetingEvents = {
  'meeting-joined': [info: MeetingJoinedInfo];
  'meeting-left': [info: LeaveInfo];
  'meeting-state-changed': [info: { state: MeetingState }];
  'participant-joined': [participant: Participant];
  'participant-left': [participant: Participant, info: LeaveInfo];
  'participant-mode-changed': [info: { participantId: string; mode: Mode }];
  'speaker-changed': [activeSpeakerId: string | null];
  'presenter-changed': [activePresenterId: string | null];
  'pin-state-changed': [info: { participantId: string; state: PinState; pinnedBy: string }];
  'entry-requested': [info: { participantId: string; name: string; allow(): void; deny(): void }];
  'entry-responded': [participantId: string, decision: 'allowed' | 'denied'];
  'mic-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'webcam-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'recording-state-changed': [info: { status: RecordingState }];
  'livestream-state-changed': [info: { status: LivestreamState }];
  /** After pauseAllStreams(kind) / resumeAllStreams(kind); `kind` is 'all' when none was given. */
  'paused-all-streams': [info: { kind: StreamKind | 'all' }];
  'resumed-all-streams': [info: { kind: StreamKind | 'all' }];
  'hls-state-changed': [info: { status: HlsState; playbackHlsUrl?: string; livestreamUrl?: string; downstreamUrl?: string }];
  /** Another participant's `send()`: text as a string, bytes as a Uint8Array. */
  data: [info: { from: string; timestamp: number; payload: string | Uint8Array; reliability: 'RELIABLE' | 'UNRELIABLE' }];
  error: [error: MeetingError];
};
