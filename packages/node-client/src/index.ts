// Public face of @roomkit/node-client: the Meeting API in Node with synthetic media.
export { VideoSDK, config, initMeeting, fetchDevToken } from './VideoSDK.js';
export { Constants } from '@roomkit/protocol/sdkConstants';
export { Meeting } from './Meeting.js';
export { Participant } from './Participant.js';
export type { ParticipantEvents } from './Participant.js';
export { Stream } from './Stream.js';
export type { LocalStreamStats } from './PublishConnection.js';
export type { ReceiveStats } from './receive/ReceiveStats.js';
export type { RtpListener } from './receive/StreamReceiver.js';
export type { RtpHeader } from './rtp/rtp.js';
export { DEFAULT_LAYERS, loadSyntheticMedia } from './media/SyntheticMedia.js';
export type { SyntheticMedia, SyntheticMediaOptions, VideoLayerSpec, VideoLayerSource } from './media/SyntheticMedia.js';
export type { LeaveInfo, MeetingError, MeetingEvents, MeetingOptions, PinState, PinType } from './types.js';
