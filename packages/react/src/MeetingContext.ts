// The React context MeetingProvider fills: the Meeting, whether it is joined, and a version that
// moves on every meeting event so that useMeeting() consumers render again.
import { createContext, useContext } from 'react';
import type { Meeting } from '@roomkit/client';
import { RoomkitError } from '@roomkit/client';

export interface MeetingContextValue {
  meeting: Meeting;
  joined: boolean;
  /** Bumped by every meeting event and every change of the local participant's media. */
  version: number;
}

export const MeetingContext = createContext<MeetingContextValue | null>(null);

/** The provider's value; hooks used outside a MeetingProvider fail with a message that says so. */
export function useMeetingContext(hook: string): MeetingContextValue {
  const value = useContext(MeetingContext);
  if (!value) throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `${hook}() must be called inside <MeetingProvider>`);
  return value;
}
