// Public face of @roomkit/client-core: the platform-neutral meeting core that @roomkit/client
// (browser) and @roomkit/node-client (Node) extend. Apps use those packages, not this one.
export { MeetingCore } from './MeetingCore.js';
export type { Phase } from './MeetingCore.js';
export type {
  AnyParticipant,
  BaseMeetingOptions,
  CoreMeetingEvents,
  EntryDecision,
  JoinRequestFields,
  LeaveInfo,
  MeetingCoreOptions,
  MeetingError,
  MeetingJoinedInfo,
  MeetingMedia,
  PinType,
} from './coreTypes.js';
export { ParticipantBase } from './ParticipantBase.js';
export type { ParticipantBaseEvents, ParticipantCoreHost, PinState, StreamLike } from './ParticipantBase.js';
export { EventEmitter } from './EventEmitter.js';
export type { EventMap, Listener } from './EventEmitter.js';
export { Logger, isLogLevel, sdkLogLevel, setSdkLogLevel } from './Logger.js';
export { SignalingClient } from './SignalingClient.js';
export type { RequestBody, SignalingHandlers } from './SignalingClient.js';
export { Reconnector } from './Reconnector.js';
export type { ReconnectorHost } from './Reconnector.js';
export { PubSub } from './PubSub.js';
export type { PubSubCallback, PubSubMessage, PubSubPublishOptions, PubSubListeners, PubSubSubscribeOptions } from './PubSub.js';
export { Moderation } from './Moderation.js';
export type { ModerationAction, ModerationHost } from './Moderation.js';
export { EgressClient } from './EgressClient.js';
export type { EgressHost, StartEgressOptions } from './EgressClient.js';
export { dispatchServerEvent, PRE_JOIN_EVENTS } from './serverEvents.js';
export type { ServerEventHandlers, ServerEventOf } from './serverEvents.js';
export { SOCKET_CONNECTING, SOCKET_OPEN } from './platform.js';
export type { MeetingPlatform, SocketFactory, WebSocketLike } from './platform.js';
export { LEAVE_WAIT_MS, LOBBY_WAIT_MS, PING_INTERVAL_MS, PING_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './constants.js';
