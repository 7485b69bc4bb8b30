// useParticipant(participantId, callbacks?): one participant's state, streams and actions in
// VideoSDK's shape, re-rendered on its stream and quality events.
import { useEffect, useMemo, useReducer, useRef } from 'react';
import type { Meeting, Participant, ParticipantEvents } from '@roomkit/client';
import { useMeetingContext } from './MeetingContext.js';

export interface ParticipantCallbacks {
  onStreamEnabled?: (stream: any) => void;
  onStreamDisabled?: (stream: any) => void;
  onMediaStatusChanged?: (info: { kind: string; peerId: string; newStatus: boolean }) => void;
  onVideoQualityChanged?: (info: { peerId: string; prevQuality: string; currentQuality: string }) => void;
  onStreamPaused?: (info: { kind: string; reason: string }) => void;
  onStreamResumed?: (info: { kind: string; reason: string }) => void;
}

/** The participant `id` names: the local one, or a remote one still in the meeting. */
export function findParticipant(meeting: Meeting, id: string): Participant | undefined {
  return meeting.localParticipant.id === id ? meeting.localParticipant : meeting.participants.get(id);
}

const EVENTS: (keyof ParticipantEvents)[] = ['stream-enabled', 'stream-disabled', 'media-status-changed', 'video-quality-changed', 'stream-paused', 'stream-resumed'];

export function useParticipant(participantId: string, callbacks: ParticipantCallbacks = {}) {
  const { meeting, version } = useMeetingContext('useParticipant');
  const participant = findParticipant(meeting, participantId);
  const [ownVersion, bump] = useReducer((v: number) => v + 1, 0);
  const latest = useRef(callbacks);
  latest.current = callbacks;

  useEffect(() => {
    if (!participant) return;
    const peerId = participant.id;
    const handlers: { [E in keyof ParticipantEvents]: (...args: ParticipantEvents[E]) => void } = {
      'stream-enabled': (s) => (bump(), latest.current.onStreamEnabled?.(s)),
      'stream-disabled': (s) => (bump(), latest.current.onStreamDisabled?.(s)),
      'media-status-changed': (info) => (bump(), latest.current.onMediaStatusChanged?.({ ...info, peerId })),
      'video-quality-changed': (info) => (bump(), latest.current.onVideoQualityChanged?.({ ...info, peerId })),
      'stream-paused': (info) => (bump(), latest.current.onStreamPaused?.(info)),
      'stream-resumed': (info) => (bump(), latest.current.onStreamResumed?.(info)),
    };
    for (const e of EVENTS) participant.on(e, handlers[e] as never);
    return () => {
      for (const e of EVENTS) participant.off(e, handlers[e] as never);
    };
  }, [participant]);

  return useMemo(() => {
    const p = participant;
    const none = () => Promise.resolve();
    return {
      participant: p as Participant,
      displayName: p?.displayName ?? '',
      webcamStream: p?.streamOf('video'),
      micStream: p?.streamOf('audio'),
      screenShareStream: p?.streamOf('share'),
      screenShareAudioStream: p?.streamOf('shareAudio'),
      webcamOn: p?.webcamOn ?? false,
      micOn: p?.micOn ?? false,
      screenShareOn: p?.screenShareOn ?? false,
      screenShareAudioOn: p?.screenShareAudioOn ?? false,
      isLocal: p?.local ?? false,
      isActiveSpeaker: meeting.activeSpeakerId === participantId,
      isMainParticipant: meeting.mainParticipantId === participantId,
      pinState: p?.pinState ?? { cam: false, share: false },
      mode: p?.mode ?? 'SEND_AND_RECV',
      metaData: p?.metaData ?? null,
      consumeMicStreams: async () => p?.consumeMicStreams(),
      consumeWebcamStreams: async () => p?.consumeWebcamStreams(),
      stopConsumingMicStreams: async () => p?.stopConsumingMicStreams(),
      stopConsumingWebcamStreams: async () => p?.stopConsumingWebcamStreams(),
      setQuality: (quality: Participant['quality']) => p?.setQuality(quality) ?? none(),
      setScreenShareQuality: (quality: Participant['quality']) => p?.setScreenShareQuality(quality) ?? none(),
      setViewPort: (width: number, height: number) => p?.setViewPort(width, height),
      enableMic: () => p?.enableMic() ?? none(),
      disableMic: () => p?.disableMic() ?? none(),
      enableWebcam: () => p?.enableWebcam() ?? none(),
      disableWebcam: () => p?.disableWebcam() ?? none(),
      remove: () => p?.remove() ?? none(),
      captureImage: (options: { width?: number; height?: number } = {}) => p?.captureImage(options) ?? Promise.resolve(null),
      pin: async (type?: Parameters<Participant['pin']>[0]) => p?.pin(type),
      unpin: async (type?: Parameters<Participant['unpin']>[0]) => p?.unpin(type),
      getAudioStats: () => p?.getAudioStats() ?? Promise.resolve([]),
      getVideoStats: () => p?.getVideoStats() ?? Promise.resolve([]),
      getShareStats: () => p?.getShareStats() ?? Promise.resolve([]),
      getShareAudioStats: () => p?.getShareAudioStats() ?? Promise.resolve([]),
      getTransportStats: () => p?.getTransportStats() ?? Promise.resolve(null),
    };
    // version: meeting events (speaker, pins, mode); ownVersion: this participant's events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meeting, participant, participantId, version, ownVersion]);
}
