// useMeeting()'s event callbacks (VideoSDK's names) wired to Meeting events: which event calls which
// callback, with what arguments. Callbacks for features Roomkit lacks are accepted and never called.
import type { Meeting, MeetingEvents } from '@roomkit/client';
import { Constants } from '@roomkit/client';

/** VideoSDK's useMeeting() callbacks, loosely typed: the app's own types come from its usage. */
export type MeetingCallbacks = { [name: `on${string}`]: ((...args: any[]) => void) | undefined };

type Route = { [E in keyof MeetingEvents]?: (cb: MeetingCallbacks, ...args: MeetingEvents[E]) => void };

/** Calls one app callback; one that throws is reported and does not stop the next (as safeEmit). */
function call(cb: MeetingCallbacks, name: string, ...args: unknown[]): void {
  try {
    cb[name as `on${string}`]?.(...args);
  } catch (err) {
    console.error(`@roomkit/react: the app's ${name} callback threw`, err);
  }
}

const ROUTES: Route = {
  'meeting-joined': (cb) => call(cb, 'onMeetingJoined'),
  'meeting-left': (cb, info) => call(cb, 'onMeetingLeft', info),
  'meeting-state-changed': (cb, info) => call(cb, 'onMeetingStateChanged', info),
  'participant-joined': (cb, p) => call(cb, 'onParticipantJoined', p),
  'participant-left': (cb, p, info) => call(cb, 'onParticipantLeft', p, info),
  'participant-mode-changed': (cb, info) => call(cb, 'onParticipantModeChanged', info),
  'speaker-changed': (cb, id) => call(cb, 'onSpeakerChanged', id),
  'presenter-changed': (cb, id) => call(cb, 'onPresenterChanged', id),
  'pin-state-changed': (cb, info) => call(cb, 'onPinStateChanged', info),
  'entry-requested': (cb, info) => call(cb, 'onEntryRequested', info),
  'entry-responded': (cb, participantId, decision) => call(cb, 'onEntryResponded', participantId, decision),
  'mic-requested': (cb, info) => call(cb, 'onMicRequested', info),
  'webcam-requested': (cb, info) => call(cb, 'onWebcamRequested', info),
  'paused-all-streams': (cb, info) => call(cb, 'onPausedAllStreams', info),
  'resumed-all-streams': (cb, info) => call(cb, 'onResumedAllStreams', info),
  data: (cb, info) => call(cb, 'onData', info),
  error: (cb, error) => call(cb, 'onError', error),
  'recording-state-changed': (cb, info) => {
    call(cb, 'onRecordingStateChanged', info);
    if (info.status === Constants.recordingEvents.RECORDING_STARTED) call(cb, 'onRecordingStarted');
    if (info.status === Constants.recordingEvents.RECORDING_STOPPED) call(cb, 'onRecordingStopped');
  },
  'livestream-state-changed': (cb, info) => {
    call(cb, 'onLivestreamStateChanged', info);
    if (info.status === Constants.livestreamEvents.LIVESTREAM_STARTED) call(cb, 'onLiveStreamStarted');
    if (info.status === Constants.livestreamEvents.LIVESTREAM_STOPPED) call(cb, 'onLiveStreamStopped');
  },
  'hls-state-changed': (cb, info) => {
    call(cb, 'onHlsStateChanged', info);
    if (info.status === Constants.hlsEvents.HLS_STARTED) call(cb, 'onHlsStarted', { downstreamUrl: info.downstreamUrl ?? info.playbackHlsUrl });
    if (info.status === Constants.hlsEvents.HLS_STOPPED) call(cb, 'onHlsStopped');
  },
};

/** The callbacks Roomkit never calls: the features behind them do not exist here (see README). */
export const NEVER_CALLED = [
  'onMainParticipantChanged',
  'onConnectionOpen',
  'onConnetionClose',
  'onSwitchMeeting',
  'onCharacterJoined',
  'onCharacterLeft',
  'onMediaRelayStarted',
  'onMediaRelayStopped',
  'onMediaRelayError',
  'onMediaRelayRequestResponse',
  'onMediaRelayRequestReceived',
  'onQualityLimitation',
  'onAudioInputSilence',
  'onCodecChanged',
] as const;

/**
 * Subscribes `latest()`'s callbacks to the meeting's events; returns the unsubscribe. `latest` is read
 * at each event, so callbacks that change on every render need no re-subscription.
 */
export function subscribeCallbacks(meeting: Meeting, latest: () => MeetingCallbacks): () => void {
  const offs: (() => void)[] = [];
  for (const [event, route] of Object.entries(ROUTES) as [keyof MeetingEvents, (cb: MeetingCallbacks, ...args: unknown[]) => void][]) {
    const listener = (...args: unknown[]) => route(latest(), ...args);
    meeting.on(event, listener as never);
    offs.push(() => meeting.off(event, listener as never));
  }
  return () => offs.forEach((off) => off());
}
