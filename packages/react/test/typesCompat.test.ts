// Type-level: code written against @videosdk.live/react-sdk's declarations (strict TypeScript)
// compiles against @roomkit/react unchanged. Checked by `tsc` (the root tsconfig includes this
// file); the test only makes vitest load it.
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { MeetingConsumer, MeetingProvider, useMeeting, useParticipant, usePubSub, useMediaDevice, VideoPlayer, Constants } from '../src/index.js';

export function ParticipantView({ participantId }: { participantId: string }) {
  const { micStream, webcamOn, micOn, isLocal, displayName, setQuality, pin } = useParticipant(participantId, {
    onStreamEnabled: (stream) => console.log(stream.kind),
    onMediaStatusChanged: ({ kind, newStatus }) => console.log(kind, newStatus),
  });
  const track: MediaStreamTrack | undefined = micOn && micStream ? micStream.track : undefined;
  void setQuality('low');
  void pin('CAM');
  return createElement('div', null, displayName, webcamOn && createElement(VideoPlayer, { participantId, type: 'video', containerStyle: { height: 180, width: 320 } }), String(isLocal), track?.id);
}

export function Controls() {
  const { join, leave, toggleMic, toggleWebcam, participants, localParticipant, hlsState, startHls } = useMeeting({
    onMeetingJoined: () => {},
    onParticipantJoined: (p: { id: string; displayName: string }) => console.log(p.displayName),
    onEntryRequested: ({ participantId, allow }: { participantId: string; allow: () => void }) => (console.log(participantId), allow()),
    onHlsStateChanged: ({ status }: { status: string }) => console.log(status === Constants.hlsEvents.HLS_PLAYABLE),
    onError: ({ code, message }: { code: number | string; message: string }) => console.error(code, message),
  });
  const ids: string[] = [...participants.keys()];
  void startHls({ layout: { type: 'GRID', priority: 'SPEAKER', gridSize: 4 }, theme: 'DARK', mode: 'video-and-audio', quality: 'high', orientation: 'landscape' });
  const { publish, messages } = usePubSub('CHAT', { onMessageReceived: (m) => console.log(m.senderName, m.message) });
  void publish('hi', { persist: true });
  const { getCameras } = useMediaDevice({ onDeviceChanged: (devices) => void devices.then((d) => d.length) });
  void getCameras();
  return createElement('div', null, ids.length, localParticipant.id, hlsState, messages.length, [join, leave, toggleMic, toggleWebcam].length);
}

export const App = () =>
  createElement(
    MeetingProvider,
    { config: { meetingId: 'm', micEnabled: true, webcamEnabled: true, name: 'Ada', debugMode: false }, token: 't', joinWithoutUserInteraction: true },
    createElement(MeetingConsumer, { onMeetingLeft: () => {}, children: () => createElement(Controls) }),
  );

describe('VideoSDK-typed app code', () => {
  it('compiles against @roomkit/react (tsc) and its components are functions', () => {
    expect([ParticipantView, Controls, App].every((f) => typeof f === 'function')).toBe(true);
  });
});
