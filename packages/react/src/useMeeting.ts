// useMeeting(callbacks?): the meeting's state and actions in VideoSDK's shape, re-rendered on every
// meeting event, with VideoSDK's event callbacks.
import { useEffect, useMemo, useRef } from 'react';
import type { Meeting, Participant } from '@roomkit/client';
import { Constants } from '@roomkit/client';
import { useMeetingContext } from './MeetingContext.js';
import { subscribeCallbacks, type MeetingCallbacks } from './meetingCallbacks.js';

export function useMeeting(callbacks: MeetingCallbacks = {}) {
  const { meeting, joined, version } = useMeetingContext('useMeeting');
  const latest = useRef(callbacks);
  latest.current = callbacks;
  useEffect(() => subscribeCallbacks(meeting, () => latest.current), [meeting]);
  const actions = useMemo(() => meetingActions(meeting), [meeting]);
  return useMemo(() => ({ ...meetingState(meeting, joined), ...actions }), [meeting, joined, version, actions]);
}

/** The local participant first, then the remote ones (VideoSDK includes the local one once joined). */
function participantsOf(meeting: Meeting, joined: boolean): Map<string, Participant> {
  const all = new Map<string, Participant>();
  if (joined) all.set(meeting.localParticipant.id, meeting.localParticipant);
  for (const [id, p] of meeting.participants) if (!p.local) all.set(id, p);
  return all;
}

function meetingState(meeting: Meeting, joined: boolean) {
  const local = meeting.localParticipant;
  const participants = participantsOf(meeting, joined);
  const { recordingState, livestreamState, hlsState, hlsUrls } = meeting;
  return {
    meetingId: meeting.id,
    meeting,
    baseUrl: '',
    localParticipant: local,
    mainParticipant: (meeting.mainParticipantId && participants.get(meeting.mainParticipantId)) || local,
    activeSpeakerId: meeting.activeSpeakerId,
    participants,
    characters: new Map<string, never>(),
    pinnedParticipants: new Map(meeting.pinnedParticipants),
    presenterId: meeting.activePresenterId,
    localMicOn: local.micOn,
    localWebcamOn: local.webcamOn,
    localScreenShareOn: local.screenShareOn,
    isRecording: recordingState === Constants.recordingEvents.RECORDING_STARTED,
    isLiveStreaming: livestreamState === Constants.livestreamEvents.LIVESTREAM_STARTED,
    isHls: hlsState === Constants.hlsEvents.HLS_STARTED || hlsState === Constants.hlsEvents.HLS_PLAYABLE,
    isMeetingJoined: joined,
    messages: [] as unknown[],
    recordingState,
    livestreamState,
    hlsState,
    hlsUrls: { downstreamUrl: hlsUrls.playbackHlsUrl, playbackHlsUrl: hlsUrls.playbackHlsUrl, livestreamUrl: hlsUrls.livestreamUrl },
    transcriptionState: meeting.transcriptionState,
    translationState: 'TRANSLATION_STOPPED',
    selectedCameraDevice: meeting.selectedCameraDevice ?? undefined,
    selectedMicrophoneDevice: meeting.selectedMicrophoneDevice ?? undefined,
    connections: new Map(meeting.connections),
  };
}

type Track = MediaStream | undefined;

function meetingActions(m: Meeting) {
  const local = m.localParticipant;
  return {
    join: () => m.join(),
    leave: () => m.leave(),
    end: () => m.end(),
    muteMic: () => m.muteMic(),
    unmuteMic: (track?: Track) => m.unmuteMic(track),
    toggleMic: (track?: Track) => (local.micOn ? m.muteMic() : m.unmuteMic(track)),
    enableWebcam: (track?: Track) => m.enableWebcam(track),
    disableWebcam: () => m.disableWebcam(),
    toggleWebcam: (track?: Track) => (local.webcamOn ? m.disableWebcam() : m.enableWebcam(track)),
    enableScreenShare: (track?: Track) => m.enableScreenShare(track),
    disableScreenShare: () => m.disableScreenShare(),
    toggleScreenShare: (track?: Track) => (local.screenShareOn ? m.disableScreenShare() : m.enableScreenShare(track)),
    /** VideoSDK declares Promise<boolean>: true once sent. */
    send: (payload: Parameters<Meeting['send']>[0], options?: Parameters<Meeting['send']>[1]) => m.send(payload, options).then(() => true),
    enableAdaptiveSubscription: () => m.enableAdaptiveSubscription(),
    disableAdaptiveSubscription: () => m.disableAdaptiveSubscription(),
    pauseAllStreams: (kind?: Parameters<Meeting['pauseAllStreams']>[0] | 'all') => m.pauseAllStreams(kind === 'all' ? undefined : kind),
    resumeAllStreams: (kind?: Parameters<Meeting['resumeAllStreams']>[0] | 'all') => m.resumeAllStreams(kind === 'all' ? undefined : kind),
    startRecording: (webhookUrl?: string, awsDirPath?: string, config?: Record<string, unknown>, _transcription?: unknown) => m.startRecording(webhookUrl, awsDirPath, config),
    stopRecording: () => m.stopRecording(),
    startLivestream: (outputs: { url: string; streamKey: string }[], config?: Record<string, unknown>) => m.startLivestream(outputs, config),
    stopLivestream: () => m.stopLivestream(),
    startHls: (config?: Record<string, unknown>, _transcription?: unknown) => m.startHls(config),
    stopHls: () => m.stopHls(),
    switchTo: (options: { meetingId: string; token?: string }) => m.switchTo(options),
    getMics: () => m.getMics(),
    getWebcams: () => m.getWebcams(),
    changeMic: (device: string | MediaStream) => m.changeMic(device),
    changeWebcam: (device: string | MediaStream) => m.changeWebcam(device),
    replaceWebcamStream: (stream: MediaStream) => m.replaceWebcamStream(stream),
    changeMode: (mode: Parameters<Meeting['changeMode']>[0]) => m.changeMode(mode),
    requestMediaRelay: (options: object) => m.requestMediaRelay(options),
    stopMediaRelay: (id: string) => m.stopMediaRelay(id),
    respondEntry: (participantId: string, decision: string) => m.respondEntry(participantId, decision === 'allowed' ? 'allowed' : 'denied'),
  };
}
