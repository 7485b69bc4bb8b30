// <MeetingProvider config token>: creates the Meeting with VideoSDK.config(token) and
// VideoSDK.initMeeting(config) from @roomkit/client, re-renders its consumers on every meeting event,
// joins by itself with joinWithoutUserInteraction, and leaves when it unmounts.
import { createElement, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { VideoSDK, type Meeting, type MeetingEvents, type MeetingOptions } from '@roomkit/client';
import { MeetingContext, type MeetingContextValue } from './MeetingContext.js';

export interface MeetingProviderProps {
  children?: ReactNode;
  config: MeetingOptions & Record<string, unknown>;
  token: string;
  joinWithoutUserInteraction?: boolean;
  /** Leave the meeting and start a new one whenever `config` changes (default: keep the first one). */
  reinitialiseMeetingOnConfigChange?: boolean;
  /** Accepted for compatibility; devices are chosen through config (customCameraVideoTrack, ...). */
  deviceInfo?: object;
}

/** Every Meeting event; an event added to MeetingEvents and not listed here fails to compile. */
const MEETING_EVENTS: Record<keyof MeetingEvents, true> = {
  'meeting-joined': true,
  'meeting-left': true,
  'meeting-state-changed': true,
  'participant-joined': true,
  'participant-left': true,
  'participant-mode-changed': true,
  'speaker-changed': true,
  'presenter-changed': true,
  'pin-state-changed': true,
  'entry-requested': true,
  'entry-responded': true,
  'mic-requested': true,
  'webcam-requested': true,
  'recording-state-changed': true,
  'livestream-state-changed': true,
  'paused-all-streams': true,
  'resumed-all-streams': true,
  'hls-state-changed': true,
  data: true,
  error: true,
};
const LOCAL_EVENTS = ['stream-enabled', 'stream-disabled', 'media-status-changed'] as const;

export function MeetingProvider(props: MeetingProviderProps) {
  const configKey = props.reinitialiseMeetingOnConfigChange ? JSON.stringify(props.config, skipMedia) : '';
  const current = useRef<{ key: string; meeting: Meeting } | null>(null);
  // Created during render (the constructor opens nothing), so that children's effects that call
  // join() on mount — they run before this component's effects — already find the meeting.
  if (!current.current || current.current.key !== configKey) {
    VideoSDK.config(props.token);
    current.current = { key: configKey, meeting: VideoSDK.initMeeting(props.config) };
  }
  const meeting = current.current.meeting;
  const [version, setVersion] = useState(0);
  const [joinedMeeting, setJoinedMeeting] = useState<Meeting | null>(null);
  const joined = joinedMeeting === meeting;
  // StrictMode unmounts and mounts again at once: the leave waits a tick and is called off if
  // the same meeting comes back.
  const pendingLeave = useRef<{ meeting: Meeting; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    if (pendingLeave.current?.meeting === meeting) {
      clearTimeout(pendingLeave.current.timer);
      pendingLeave.current = null;
    }
    const bump = () => setVersion((v) => v + 1);
    const onJoined = () => setJoinedMeeting(meeting);
    const onLeft = () => setJoinedMeeting((m) => (m === meeting ? null : m));
    const events = Object.keys(MEETING_EVENTS) as (keyof MeetingEvents)[];
    for (const e of events) meeting.on(e, bump);
    for (const e of LOCAL_EVENTS) meeting.localParticipant.on(e, bump);
    meeting.on('meeting-joined', onJoined);
    meeting.on('meeting-left', onLeft);
    if (props.joinWithoutUserInteraction && meeting.meetingState === null) void meeting.join().catch(() => {});
    return () => {
      for (const e of events) meeting.off(e, bump);
      for (const e of LOCAL_EVENTS) meeting.localParticipant.off(e, bump);
      meeting.off('meeting-joined', onJoined);
      meeting.off('meeting-left', onLeft);
      const timer = setTimeout(() => {
        if (pendingLeave.current?.meeting === meeting) pendingLeave.current = null;
        const state = meeting.meetingState;
        if (state === 'CONNECTING' || state === 'CONNECTED' || state === 'RECONNECTING') void meeting.leave().catch(() => {});
      }, 0);
      pendingLeave.current = { meeting, timer };
    };
    // The meeting is the identity that matters; joinWithoutUserInteraction is read once per meeting.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meeting]);

  const value = useMemo<MeetingContextValue>(() => ({ meeting, joined, version }), [meeting, joined, version]);
  return createElement(MeetingContext.Provider, { value }, props.children);
}

/** MediaStreams in config (custom tracks) are not compared by content. */
function skipMedia(_key: string, value: unknown): unknown {
  return typeof MediaStream !== 'undefined' && value instanceof MediaStream ? `stream:${value.id}` : value;
}
