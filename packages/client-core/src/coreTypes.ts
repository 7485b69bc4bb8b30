// Shapes shared by the meeting core and its platform layers: the core's events, the options it
// reads, and MeetingMedia — what a platform does with media when the server says so.
import type { Mode, ParticipantInfo, ServerEvent, StreamInfo } from '@roomkit/protocol';
import type { HlsState, LivestreamState, MeetingState, RecordingState } from '@roomkit/protocol/sdkConstants';
import type { Logger } from './Logger.js';
import type { ParticipantBase, PinState } from './ParticipantBase.js';
export type { PinType } from './ParticipantBase.js';
import type { MeetingPlatform } from './platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyParticipant = ParticipantBase<any, any>;
type EventOf<K extends ServerEvent['t']> = Extract<ServerEvent, { t: K }>;

export interface LeaveInfo {
  /** A Constants.leaveReason code. */
  reason: number;
  message: string;
}

export interface MeetingError {
  code: number;
  message: string;
}

export type EntryDecision = 'allowed' | 'denied';

/**
 * `meeting-joined` as VideoSDK's React SDK reads it: `messages` (spread into its chat state) and
 * `switchRoomId` (null: no room switch here) are required, `peers` are the remote participants
 * present at join, `poll` is always null (Roomkit has no polls).
 */
export interface MeetingJoinedInfo<P> {
  switchRoomId: string | null;
  peers: P[];
  poll: null;
  messages: unknown[];
}

/** Events the core emits, with the names and arguments of the browser SDK (VideoSDK's). */
export type CoreMeetingEvents<P> = {
  'meeting-joined': [info: MeetingJoinedInfo<P>];
  'meeting-left': [info: LeaveInfo];
  'meeting-state-changed': [info: { state: MeetingState }];
  'participant-joined': [participant: P];
  'participant-left': [participant: P, info: LeaveInfo];
  'participant-mode-changed': [info: { participantId: string; mode: Mode }];
  'speaker-changed': [activeSpeakerId: string | null];
  'presenter-changed': [activePresenterId: string | null];
  'pin-state-changed': [info: { participantId: string; state: PinState; pinnedBy: string }];
  'entry-requested': [info: { participantId: string; name: string; allow(): void; deny(): void }];
  'entry-responded': [participantId: string, decision: EntryDecision];
  'mic-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'webcam-requested': [info: { participantId: string; accept(): void; reject(): void }];
  'recording-state-changed': [info: { status: RecordingState }];
  'livestream-state-changed': [info: { status: LivestreamState }];
  'hls-state-changed': [info: { status: HlsState; playbackHlsUrl?: string; livestreamUrl?: string; downstreamUrl?: string }];
  /** Another participant's `send()`: text as a string, bytes as a Uint8Array. */
  data: [info: { from: string; timestamp: number; payload: string | Uint8Array; reliability: 'RELIABLE' | 'UNRELIABLE' }];
  error: [error: MeetingError];
};

/** The options every platform's initMeeting() takes; each adds its media options. */
export interface BaseMeetingOptions {
  /** Room id to join (letters, digits, `-`, `_`). */
  meetingId: string;
  /** Requested participant id; the server assigns one when omitted (or when the token pins one). */
  participantId?: string;
  /** Display name. */
  name?: string;
  /** Turn the microphone on at join. */
  micEnabled?: boolean;
  /** Turn the camera on at join. */
  webcamEnabled?: boolean;
  /** Default SEND_AND_RECV. */
  mode?: Mode;
  /** Camera simulcast (every layer). Default true; false sends one layer. */
  multiStream?: boolean;
  metaData?: Record<string, unknown>;
  /** Log signaling traffic to the console. */
  debugMode?: boolean;
  /** Overrides the token set with VideoSDK.config() for this meeting. */
  token?: string;
}

/** What `join` asks for (the token and meeting id are added by the core). */
export interface JoinRequestFields {
  mode?: Mode;
  participantId?: string;
  name?: string;
  metaData?: Record<string, unknown>;
}

export interface MeetingCoreOptions<P extends AnyParticipant> {
  meetingId: string;
  platform: MeetingPlatform;
  log: Logger;
  localParticipant: P;
  /** The token, read when join() starts (VideoSDK.config() may come after initMeeting()). */
  token(): string | undefined;
  /** The signaling WebSocket URL; may throw a RoomkitError (no server known). */
  signalingUrl(): string;
  /** Called with the token just before `join` is sent (the browser pins the id a token names). */
  joinRequest(token: string): JoinRequestFields;
  createParticipant(info: ParticipantInfo): P;
  /**
   * True (browser, as VideoSDK): join() resolves first and `meeting-joined` follows a task later, so
   * listeners added after `await join()` still see it. False (Node): emitted before join() resolves.
   */
  deferJoinedEvent: boolean;
  /** The server's URL: HLS URLs arrive as paths on it. */
  serverBaseUrl?(): string | undefined;
  /** Join progress, for timing (the Node client's `timings`). */
  joinProgress?(step: 'socketOpen' | 'joined'): void;
}

/** What the platform does with media; the core calls it as server events arrive. */
export interface MeetingMedia<P> {
  /** A remote participant (join result or participantJoined) and the streams it already publishes. */
  participantAdded(participant: P, streams: StreamInfo[]): void;
  participantGone(participant: P): void;
  streamEnabled(event: EventOf<'streamEnabled'>): void | Promise<void>;
  streamDisabled(event: EventOf<'streamDisabled'>): void | Promise<void>;
  subscriberOffer(event: EventOf<'subscriberOffer'>): void | Promise<void>;
  consume(event: EventOf<'consume'>): void | Promise<void>;
  /** Our own mode now receives media (false: SIGNALLING_ONLY). */
  setReceiving(receiving: boolean): void;
  /** The server rebuilt the meeting's media: receive anew and publish everything again. */
  mediaReset(): void;
  /** The signaling socket was resumed after a drop: repair what broke meanwhile. */
  resumed(): void;
  /** Joined (and announced): turn on the media the options ask for. */
  joined(): void;
  /** Our own mic/camera, off (a moderator closed it) or on (we accepted a moderator's request). */
  setOwnMedia(kind: 'audio' | 'video', enabled: boolean): Promise<void>;
  /** The meeting ended here: close every connection. */
  close(): void;
}
