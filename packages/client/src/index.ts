// Public face of @roomkit/client, the VideoSDK-compatible browser SDK (served as /sdk/videosdk.js, a classic script, and /sdk/videosdk.mjs, an ES module; see src/bundle/).
export { VideoSDK } from './VideoSDK.js';
export { Meeting } from './Meeting.js';
export type { MeetingEvents } from './Meeting.js';
export { Participant } from './Participant.js';
export type { ParticipantEvents } from './Participant.js';
export { Stream } from './Stream.js';
export { PubSub } from './PubSub.js';
export type { PubSubCallback, PubSubMessage, PubSubPublishOptions } from './PubSub.js';
export { Constants } from './constants.js';
export type { HlsState, LivestreamState, MeetingState, RecordingState } from './constants.js';
export type { CameraTrackOptions, MicrophoneTrackOptions, ScreenShareTrackOptions } from './devices.js';
export type { StreamStats } from './stats.js';
export type { EventMap, Listener } from './EventEmitter.js';
export type { DeviceInfo, LeaveInfo, MeetingError, MeetingOptions, Mode, PinState, PinType, Quality, StreamKind } from './types.js';
export { RoomkitError } from './protocolRuntime.js';
