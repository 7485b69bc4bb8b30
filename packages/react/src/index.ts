// Public face of @roomkit/react: the names and shapes of @videosdk.live/react-sdk 1.1.1 over
// @roomkit/client, so a VideoSDK React app moves over by changing its import.
export { MeetingProvider } from './MeetingProvider.js';
export type { MeetingProviderProps } from './MeetingProvider.js';
export { MeetingConsumer } from './MeetingConsumer.js';
export type { MeetingConsumerProps } from './MeetingConsumer.js';
export { useMeeting } from './useMeeting.js';
export type { MeetingCallbacks } from './meetingCallbacks.js';
export { useParticipant } from './useParticipant.js';
export type { ParticipantCallbacks } from './useParticipant.js';
export { useAgentParticipant } from './useAgentParticipant.js';
export { useStream } from './useStream.js';
export { usePubSub } from './usePubSub.js';
export type { PubSubListeners, UsePubSubOptions } from './usePubSub.js';
export { useRealtimeStore } from './useRealtimeStore.js';
export { useMediaDevice } from './useMediaDevice.js';
export { useFile } from './useFile.js';
export { useWhiteboard } from './useWhiteboard.js';
export { useTranscription } from './useTranscription.js';
export { useTranslation } from './useTranslation.js';
export { useCharacter } from './useCharacter.js';
export { VideoPlayer } from './VideoPlayer.js';
export type { VideoPlayerProps } from './VideoPlayer.js';
export { AudioPlayer } from './AudioPlayer.js';
export type { AudioPlayerProps } from './AudioPlayer.js';
export { withAdaptiveObservers } from './withAdaptiveObservers.js';
export { createCameraVideoTrack, createMicrophoneAudioTrack, createScreenShareVideoTrack, runPreCallTest, setLogLevel } from './sdkFunctions.js';
export { Constants, CameraDeviceInfo, DeviceInfo, MicrophoneDeviceInfo, PreCallTestError, RoomkitError } from '@roomkit/client';
