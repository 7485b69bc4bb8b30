// <VideoPlayer participantId type>: the participant's camera or screen share, drawn by Roomkit's
// renderVideo() (which picks the simulcast layer by size and pauses the stream while off-screen).
import { createElement, useEffect, useRef, type CSSProperties, type Ref } from 'react';
import { useMeetingContext } from './MeetingContext.js';
import { findParticipant } from './useParticipant.js';

export interface VideoPlayerProps {
  participantId: string;
  type?: 'video' | 'share';
  containerStyle?: CSSProperties;
  className?: string;
  classNameVideo?: string;
  videoStyle?: CSSProperties;
  videoRef?: Ref<HTMLVideoElement>;
}

function assignRef<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) (ref as { current: T | null }).current = value;
}

export function VideoPlayer({ participantId, type = 'video', containerStyle, className, classNameVideo, videoStyle, videoRef }: VideoPlayerProps) {
  // Reading the context re-renders the player when a participant joins after it was mounted.
  const { meeting } = useMeetingContext('VideoPlayer');
  const participant = findParticipant(meeting, participantId);
  const box = useRef<HTMLDivElement>(null);
  const styleKey = JSON.stringify(videoStyle ?? null);

  useEffect(() => {
    const container = box.current;
    if (!container || !participant) return;
    const element = participant.renderVideo({ type, containerStyle: { width: '100%', height: '100%' }, videoStyle: videoStyle as Record<string, string | number> | undefined });
    const video = element.querySelector('video');
    if (video && classNameVideo) video.className = classNameVideo;
    container.appendChild(element);
    assignRef(videoRef, video);
    return () => {
      assignRef(videoRef, null);
      element.remove();
    };
    // videoStyle by value (styleKey): an inline object literal must not rebuild the player each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [participant, type, classNameVideo, styleKey, videoRef]);

  return createElement('div', { ref: box, className, style: containerStyle });
}
