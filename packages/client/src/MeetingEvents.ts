// The typed event map of Meeting, declared once: every event name and its arguments.
import type { Mode } from '@roomkit/protocol';
import type { HlsState, LivestreamState, MeetingState, RecordingState } from './constants.js';
import type { Participant } from './Participant.js';
import type { LeaveInfo, MeetingError, PinState } from './types.js';

export type MeetingEvents = {
  'meeting-joined': [];
  'meeting-left': [info: LeaveInfo];
  'meeting-state-changed': [info: { state: MeetingState }];
  'participant-joined': [participant: Participant];
  'participant-left': [participant: Participant, info: LeaveInfo];
  'participant-mode-changed': [info: { participantId: string; mode: Mode }];
  'speaker-changed': [activeSpeakerId: string | null];
  'presenter-changed': [activePresenterId: string | null];
  'pin-state-changed': [info: { participantId: string; state: PinState; pinnedBy: string }];
  'entry-requested': [info: { participantId: string; name: string; allow(): void; deny(): void }];
  'entry-responded': [info: { participantId: string; decision: 'allowed' | 'denied' }];
  'mic-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'webcam-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'recording-state-changed': [info: { status: RecordingState }];
  'livestream-state-changed': [info: { status: LivestreamState }];
  'hls-state-changed': [info: { status: HlsState; playbackHlsUrl?: string; livestreamUrl?: string }];
  /** Another participant's `send()`: text as a string, bytes as a Uint8Array. */
  data: [info: { from: string; timestamp: number; payload: string | Uint8Array; reliability: 'RELIABLE' | 'UNRELIABLE' }];
  error: [error: MeetingError];
};
