// The typed event map of Meeting, declared once: every event name and its arguments.
import type { StreamKind } from '@roomkit/protocol';
import type { CoreMeetingEvents, MeetingJoinedInfo as CoreMeetingJoinedInfo } from '@roomkit/client-core';
import type { Participant } from './Participant.js';

export type MeetingJoinedInfo = CoreMeetingJoinedInfo<Participant>;

/** The core's events (named as VideoSDK names them) and the browser's own. */
export type MeetingEvents = CoreMeetingEvents<Participant> & {
  /** After pauseAllStreams(kind) / resumeAllStreams(kind); `kind` is 'all' when none was given. */
  'paused-all-streams': [info: { kind: StreamKind | 'all' }];
  'resumed-all-streams': [info: { kind: StreamKind | 'all' }];
};
