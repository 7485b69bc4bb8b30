// <MeetingConsumer {...callbacks}>{(meeting) => ...}</MeetingConsumer>: useMeeting() as a render prop.
import { createElement, Fragment, type ReactNode } from 'react';
import { useMeeting } from './useMeeting.js';
import type { MeetingCallbacks } from './meetingCallbacks.js';

export type MeetingConsumerProps = MeetingCallbacks & { children: (meeting: ReturnType<typeof useMeeting>) => ReactNode };

export function MeetingConsumer({ children, ...callbacks }: MeetingConsumerProps) {
  const meeting = useMeeting(callbacks as MeetingCallbacks);
  return createElement(Fragment, null, children(meeting));
}
