// useStream(streamId, {onStreamStateChanged}?): one stream of any participant by id, with pause and
// resume. Roomkit reports no stream-state (freeze/stuck) events: onStreamStateChanged is never called.
import { useMemo } from 'react';
import type { Meeting, Stream } from '@roomkit/client';
import { useMeetingContext } from './MeetingContext.js';

export interface StreamCallbacks {
  onStreamStateChanged?: (info: { state: string; timestamp: number }) => void;
}

function findStream(meeting: Meeting, streamId: string): Stream | undefined {
  for (const p of [meeting.localParticipant, ...meeting.participants.values()]) {
    const stream = p.streams.get(streamId);
    if (stream) return stream;
  }
  return undefined;
}

export function useStream(streamId: string, _callbacks: StreamCallbacks = {}) {
  const { meeting, version } = useMeetingContext('useStream');
  return useMemo(() => {
    const stream = findStream(meeting, streamId);
    return {
      kind: stream?.kind,
      stream,
      codec: stream?.codec ?? '',
      track: stream?.track,
      displaySurface: stream?.kind === 'share' ? (stream.track.getSettings() as { displaySurface?: 'monitor' | 'window' | 'browser' }).displaySurface : undefined,
      paused: stream?.paused ?? false,
      pause: () => stream?.pause() ?? Promise.resolve(),
      resume: () => stream?.resume() ?? Promise.resolve(),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meeting, streamId, version]);
}
