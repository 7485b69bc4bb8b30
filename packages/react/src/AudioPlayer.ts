// <AudioPlayer participantId type>: plays a remote participant's microphone (or screen-share audio)
// through Roomkit's renderAudio(); your own participant stays silent, so you never hear yourself.
import { createElement, useEffect, useRef } from 'react';
import { useMeetingContext } from './MeetingContext.js';
import { findParticipant } from './useParticipant.js';

export interface AudioPlayerProps {
  participantId: string;
  type?: 'audio' | 'shareAudio';
}

export function AudioPlayer({ participantId, type = 'audio' }: AudioPlayerProps) {
  const { meeting } = useMeetingContext('AudioPlayer');
  const participant = findParticipant(meeting, participantId);
  const box = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const container = box.current;
    if (!container || !participant) return;
    const audio = participant.renderAudio({ type });
    container.appendChild(audio);
    return () => {
      audio.srcObject = null;
      audio.remove();
    };
  }, [participant, type]);

  return createElement('span', { ref: box, style: { display: 'none' } });
}
