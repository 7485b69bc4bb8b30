// Every signaling message, defined once as a zod schema; server and clients infer their types here.
//
// Wire format: one JSON object per WebSocket text frame, discriminated by `t`.
// A client request carries `rid` (a number chosen by the client); the server answers it with
// `{t:'res', rid, ok:true, data}` or `{t:'res', rid, ok:false, error:{code, message}}`.
// Everything else the server sends is an unsolicited event.
import { z } from 'zod';
import { compositeConfigSchema, egressKindSchema, rtmpOutputSchema, type EgressStateInfo } from './egress.js';
import { qualityReportRequestSchema } from './quality.js';
import { RELIABILITY_MODES, REALTIME_STORE_MAX_KEY_LENGTH, REALTIME_STORE_MAX_VALUE_BYTES, utf8Length, type Reliability } from './collab.js';

export const STREAM_KINDS = ['audio', 'video', 'share', 'shareAudio'] as const;
export const streamKindSchema = z.enum(STREAM_KINDS);
export type StreamKind = z.infer<typeof streamKindSchema>;

export const MODES = ['SEND_AND_RECV', 'SIGNALLING_ONLY', 'RECV_ONLY'] as const;
export const modeSchema = z.enum(MODES);
export type Mode = z.infer<typeof modeSchema>;

export const QUALITIES = ['low', 'med', 'high'] as const;
export const qualitySchema = z.enum(QUALITIES);
export type Quality = z.infer<typeof qualitySchema>;

/** Ids: letters, digits, `-` and `_`, 1..64 characters (what VideoSDK room ids look like). */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, "-" and "_"');

const sdpSchema = z.string().min(10).max(60_000);
const rid = z.number().int().nonnegative();

// ---- shared shapes ------------------------------------------------------------------------

const videoSize = z.number().int().positive().max(16_384);

export const streamInfoSchema = z.object({
  id: z.string(),
  kind: streamKindSchema,
  codec: z.string(),
  /** Video: the publisher's full size (its top simulcast layer), when it said so in `publish`. */
  width: videoSize.optional(),
  height: videoSize.optional(),
});
export type StreamInfo = z.infer<typeof streamInfoSchema>;

export const participantInfoSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  mode: modeSchema,
  metaData: z.record(z.unknown()).nullable(),
  streams: z.array(streamInfoSchema),
});
export type ParticipantInfo = z.infer<typeof participantInfoSchema>;

export const pubSubMessageSchema = z.object({
  id: z.string(),
  topic: z.string(),
  message: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  timestamp: z.string(),
  payload: z.unknown().optional(),
});
export type PubSubMessage = z.infer<typeof pubSubMessageSchema>;

export const errorInfoSchema = z.object({ code: z.number().int(), message: z.string() });
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

// ---- client → server ----------------------------------------------------------------------

export const joinRequestSchema = z
  .object({
    t: z.literal('join'),
    rid,
    /** Optional in the schema so a missing token is reported as INVALID_TOKEN, not a shape error. */
    token: z.string().max(8192).optional(),
    meetingId: idSchema,
    participantId: idSchema.optional(),
    name: z.string().max(128).optional(),
    metaData: z.record(z.unknown()).optional(),
    mode: modeSchema.optional(),
  })
  .strict();

/** Publish one local track on its own PeerConnection: `sdp` is the browser's offer (one m-line). */
export const publishRequestSchema = z
  .object({
    t: z.literal('publish'),
    rid,
    kind: streamKindSchema,
    sdp: sdpSchema,
    /** true when the offer carries rid-based simulcast encodings (camera with multiStream). */
    simulcast: z.boolean(),
    /** Video: the track's capture size (subscribers infer the layer they get from it). */
    width: videoSize.optional(),
    height: videoSize.optional(),
  })
  .strict();

export const unpublishRequestSchema = z
  .object({ t: z.literal('unpublish'), rid, kind: streamKindSchema })
  .strict();

export const subscriberAnswerRequestSchema = z
  .object({ t: z.literal('subscriberAnswer'), rid, sdp: sdpSchema })
  .strict();

export const setQualityRequestSchema = z
  .object({ t: z.literal('setQuality'), rid, participantId: idSchema, quality: qualitySchema })
  .strict();

export const PIN_TYPES = ['SHARE_AND_CAM', 'CAM', 'SHARE'] as const;
export type PinType = (typeof PIN_TYPES)[number];
/** Which of a participant's views are pinned, meeting-wide (VideoSDK `pinState`). */
export interface PinState {
  cam: boolean;
  share: boolean;
}

/** `participant.pin(type)` / `unpin(type)`: pins are meeting-wide; everyone gets `pinStateChanged`. */
export const setPinRequestSchema = z
  .object({ t: z.literal('setPin'), rid, participantId: idSchema, type: z.enum(PIN_TYPES), pinned: z.boolean() })
  .strict();

/** Stop (or restart) receiving one remote stream: `stream.pause()`, `pauseAllStreams()`. */
export const setStreamPausedRequestSchema = z
  .object({ t: z.literal('setStreamPaused'), rid, streamId: z.string().min(1).max(64), paused: z.boolean() })
  .strict();

export const pubsubPublishRequestSchema = z
  .object({
    t: z.literal('pubsubPublish'),
    rid,
    topic: z.string().min(1).max(128),
    message: z.string().max(16_384),
    persist: z.boolean().optional(),
    sendOnly: z.array(idSchema).max(1000).optional(),
    payload: z.unknown().optional(),
  })
  .strict();

export const pubsubSubscribeRequestSchema = z
  .object({ t: z.literal('pubsubSubscribe'), rid, topic: z.string().min(1).max(128) })
  .strict();

// The realtime store: a key/value store shared by the session (see collab.ts for the limits).
const storeKey = z.string().min(1).max(REALTIME_STORE_MAX_KEY_LENGTH);
export const realtimeStoreSetRequestSchema = z
  .object({
    t: z.literal('realtimeStoreSet'),
    rid,
    key: storeKey,
    /** null deletes the key. */
    value: z
      .string()
      .refine((v) => utf8Length(v) <= REALTIME_STORE_MAX_VALUE_BYTES, `at most ${REALTIME_STORE_MAX_VALUE_BYTES} bytes (UTF-8)`)
      .nullable(),
  })
  .strict();
export const realtimeStoreGetRequestSchema = z.object({ t: z.literal('realtimeStoreGet'), rid, key: storeKey }).strict();
/** Changes of `key` come as `realtimeStoreChanged` events from now on. */
export const realtimeStoreObserveRequestSchema = z.object({ t: z.literal('realtimeStoreObserve'), rid, key: storeKey }).strict();
export const realtimeStoreStopObservingRequestSchema = z.object({ t: z.literal('realtimeStoreStopObserving'), rid, key: storeKey }).strict();

/**
 * `meeting.send()`: a data message to everyone else in the meeting, relayed by the server (not
 * persisted). Bytes travel in base64 (`binary`). The handler checks the base64 and the 15 KiB limit
 * (checkDataPayload), so an over-size payload gets ERROR_PAYLOAD_TOO_LARGE (3072).
 */
export const sendDataRequestSchema = z
  .object({
    t: z.literal('sendData'),
    rid,
    payload: z.string().max(65_536),
    binary: z.boolean(),
    reliability: z.enum(RELIABILITY_MODES),
  })
  .strict();

// Moderation (allow_mod) and the lobby (ask_join askers admitted by allow_join/allow_mod holders).
export const MEDIA_KINDS_MODERATED = ['audio', 'video'] as const;
export const moderatedKindSchema = z.enum(MEDIA_KINDS_MODERATED);
export type ModeratedKind = z.infer<typeof moderatedKindSchema>;

export const removeParticipantRequestSchema = z
  .object({ t: z.literal('removeParticipant'), rid, participantId: idSchema })
  .strict();

/** Turn a remote participant's mic or camera off (enabled: false) or ask them to turn it on. */
export const setParticipantMediaRequestSchema = z
  .object({ t: z.literal('setParticipantMedia'), rid, participantId: idSchema, kind: moderatedKindSchema, enabled: z.boolean() })
  .strict();

export const respondEntryRequestSchema = z
  .object({ t: z.literal('respondEntry'), rid, participantId: idSchema, decision: z.enum(['allowed', 'denied']) })
  .strict();

// Reconnection: a new socket takes over a participant whose socket dropped, within the grace period.
/** `lastSeq`: the `seq` of the last event this client received; the server replays what follows. */
export const resumeRequestSchema = z
  .object({
    t: z.literal('resume'),
    rid,
    meetingId: idSchema,
    participantId: idSchema,
    resumeToken: z.string().min(16).max(128),
    lastSeq: z.number().int().nonnegative(),
  })
  .strict();

/** The subscriber PeerConnection failed: the server starts a fresh one and re-offers every stream. */
export const restartSubscriberRequestSchema = z.object({ t: z.literal('restartSubscriber'), rid }).strict();

/**
 * Switch between SEND_AND_RECV, RECV_ONLY and SIGNALLING_ONLY while joined. Leaving SEND_AND_RECV
 * unpublishes everything; SIGNALLING_ONLY stops receiving (the subscriber connection is closed), and
 * leaving it starts receiving (a fresh subscriber offer, then every stream). Everyone, the caller
 * included, gets `participantModeChanged` first.
 */
export const changeModeRequestSchema = z.object({ t: z.literal('changeMode'), rid, mode: modeSchema }).strict();

export const leaveRequestSchema = z.object({ t: z.literal('leave'), rid }).strict();
export const endRequestSchema = z.object({ t: z.literal('end'), rid }).strict();
export const pingRequestSchema = z.object({ t: z.literal('ping'), rid }).strict();

/**
 * Start a composite egress of the meeting (needs allow_mod). `kind` picks the output: recording
 * (`webhookUrl`, `awsDirPath`), livestream (`outputs`, 1..5 RTMP destinations) or hls.
 */
export const startEgressRequestSchema = z
  .object({
    t: z.literal('startEgress'),
    rid,
    kind: egressKindSchema,
    config: compositeConfigSchema.optional(),
    webhookUrl: z.string().url().max(512).optional(),
    awsDirPath: z.string().max(512).optional(),
    // Bounded here only against abuse: the 1..5 rule is the livestream handler's, so a 6th
    // destination gets INVALID_LIVESTREAM_CONFIG (4015) naming the field, as from REST.
    outputs: z.array(rtmpOutputSchema).max(64).optional(),
  })
  .strict();
export const stopEgressRequestSchema = z.object({ t: z.literal('stopEgress'), rid, kind: egressKindSchema }).strict();

export const clientMessageSchema = z.discriminatedUnion('t', [
  startEgressRequestSchema,
  stopEgressRequestSchema,
  joinRequestSchema,
  publishRequestSchema,
  unpublishRequestSchema,
  subscriberAnswerRequestSchema,
  setQualityRequestSchema,
  setPinRequestSchema,
  setStreamPausedRequestSchema,
  pubsubPublishRequestSchema,
  pubsubSubscribeRequestSchema,
  realtimeStoreSetRequestSchema,
  realtimeStoreGetRequestSchema,
  realtimeStoreObserveRequestSchema,
  realtimeStoreStopObservingRequestSchema,
  sendDataRequestSchema,
  changeModeRequestSchema,
  leaveRequestSchema,
  endRequestSchema,
  pingRequestSchema,
  removeParticipantRequestSchema,
  setParticipantMediaRequestSchema,
  respondEntryRequestSchema,
  resumeRequestSchema,
  restartSubscriberRequestSchema,
  qualityReportRequestSchema,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['t'];
export type ClientRequest<T extends ClientMessageType> = Extract<ClientMessage, { t: T }>;

// ---- server → client: responses -------------------------------------------------------------

/** An ICE server as RTCPeerConnection takes it: STUN, or TURN with a time-limited credential. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface JoinResult {
  participantId: string;
  sessionId: string;
  /** Everyone else already in the room, with the streams they publish. */
  participants: ParticipantInfo[];
  activeSpeakerId: string | null;
  activePresenterId: string | null;
  permissions: string[];
  /** Egress (recording, livestream, HLS) not STOPPED right now, so late joiners know. */
  egress?: EgressStateInfo[];
  /** Participants pinned right now (meeting-wide pins), so late joiners know. */
  pinnedParticipants?: Array<{ participantId: string; state: PinState }>;
  /** Secret for `resume` after a dropped socket (only this connection's client knows it). */
  resumeToken: string;
  /** How long the server keeps this participant after its socket drops, in seconds. */
  reconnectGraceSeconds: number;
  /**
   * STUN/TURN servers for this participant's peer connections (the server's `turnServers`, with
   * credentials minted for this participant); absent when none are configured.
   */
  iceServers?: IceServer[];
}
/** A resumed participant: the events it missed follow the response (`seq` > the request's lastSeq). */
export interface ResumeResult {
  participantId: string;
  sessionId: string;
  /** Events the server replays after this response. */
  replayed: number;
  /** Fresh ICE servers (new TURN credentials) for the peer connections made from now on. */
  iceServers?: IceServer[];
}
export interface PublishResult {
  streamId: string;
  /** The server's answer to the publish offer, with the server's ICE candidate in it. */
  sdp: string;
}
export interface PubSubSubscribeResult {
  messages: PubSubMessage[];
}
export interface PubSubPublishResult {
  message: PubSubMessage;
}

/** What each request type answers with. */
export interface ResponseData {
  join: JoinResult;
  publish: PublishResult;
  unpublish: Record<string, never>;
  subscriberAnswer: Record<string, never>;
  setQuality: Record<string, never>;
  setPin: Record<string, never>;
  setStreamPaused: Record<string, never>;
  pubsubPublish: PubSubPublishResult;
  pubsubSubscribe: PubSubSubscribeResult;
  realtimeStoreSet: Record<string, never>;
  realtimeStoreGet: { value: string | null };
  realtimeStoreObserve: Record<string, never>;
  realtimeStoreStopObserving: Record<string, never>;
  sendData: Record<string, never>;
  changeMode: Record<string, never>;
  leave: Record<string, never>;
  end: Record<string, never>;
  ping: Record<string, never>;
  removeParticipant: Record<string, never>;
  setParticipantMedia: Record<string, never>;
  respondEntry: Record<string, never>;
  startEgress: Record<string, never>;
  stopEgress: Record<string, never>;
  resume: ResumeResult;
  restartSubscriber: Record<string, never>;
  qualityReport: Record<string, never>;
}

export type ResponseMessage =
  | { t: 'res'; rid: number; ok: true; data: unknown }
  | { t: 'res'; rid: number; ok: false; error: ErrorInfo };

// ---- server → client: events ---------------------------------------------------------------

export type ServerEvent =
  | { t: 'participantJoined'; participant: ParticipantInfo }
  | { t: 'participantLeft'; participantId: string; reason: ErrorInfo }
  /** A participant (possibly the receiver itself) changed its mode (`changeMode`). */
  | { t: 'participantModeChanged'; participantId: string; mode: Mode }
  /** A participant started publishing a stream (information only; media arrives with `consume`). */
  | { t: 'streamEnabled'; participantId: string; stream: StreamInfo }
  | { t: 'streamDisabled'; participantId: string; streamId: string; kind: StreamKind }
  /** The server (re)negotiates the subscriber PeerConnection; answer with `subscriberAnswer`. */
  | { t: 'subscriberOffer'; sdp: string }
  /** The subscriber PeerConnection's transceiver `mid` now carries this remote stream. */
  | { t: 'consume'; participantId: string; streamId: string; kind: StreamKind; mid: string }
  | { t: 'speakerChanged'; participantId: string | null }
  /**
   * The server now forwards another simulcast layer of this participant's camera to you (its
   * bandwidth allocation or your setQuality): the SDK emits `video-quality-changed`.
   */
  | { t: 'videoQualityChanged'; participantId: string; streamId: string; quality: Quality }
  | { t: 'presenterChanged'; participantId: string | null }
  /** Someone pinned or unpinned a participant's camera/share for the whole meeting. */
  | { t: 'pinStateChanged'; participantId: string; state: PinState; pinnedBy: string }
  | { t: 'pubsubMessage'; message: PubSubMessage }
  /** A key this participant observes changed (value null: deleted). */
  | { t: 'realtimeStoreChanged'; key: string; value: string | null; updatedBy: string }
  /** Another participant's `meeting.send()`; `timestamp` in ms since the epoch, set by the server. */
  | { t: 'data'; from: string; timestamp: number; payload: string; binary: boolean; reliability: Reliability }
  /** The server removed this participant from the meeting (end, removal, duplicate id, ...). */
  | { t: 'meetingLeft'; reason: ErrorInfo }
  /**
   * The server lost this meeting's media (a media worker died) and rebuilt it elsewhere: publish
   * every local track again and restart the subscriber connection. Streams were disabled first.
   */
  | { t: 'mediaReset' }
  /**
   * Someone with ask_join waits in the lobby. Sent to participants holding allow_join/allow_mod,
   * and to the asker itself (whose `join` response comes after the decision).
   */
  | { t: 'entryRequested'; participantId: string; name: string }
  | { t: 'entryResponded'; participantId: string; decision: 'allowed' | 'denied' }
  /** A moderator turned this participant's mic/camera off: the server closed that stream. */
  | { t: 'mediaDisabledByModerator'; kind: ModeratedKind; byParticipantId: string }
  /** A moderator asks this participant to turn the mic/camera on (accept or reject locally). */
  | { t: 'mediaRequested'; kind: ModeratedKind; byParticipantId: string }
  /** A recording / livestream / HLS changed state (to every participant). */
  | ({ t: 'egressState' } & EgressStateInfo)
  /** An error not tied to one request (rate limit, media failure). */
  | { t: 'error'; error: ErrorInfo };

/**
 * On the wire every event to a joined participant carries `seq` (1, 2, ... per participant), so a
 * client that reconnects can say what it already has.
 */
export type SequencedEvent = ServerEvent & { seq?: number };
export type ServerMessage = ResponseMessage | SequencedEvent;
export type ServerEventType = ServerEvent['t'];
