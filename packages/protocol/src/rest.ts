// REST API v2 (shared/API.md): request schemas, defined once, and the response types, for the
// server's routes and every typed client.
import { z } from 'zod';
import { idSchema } from './messages.js';
import { compositeConfigSchema } from './egress.js';

/** Largest accepted request body, in bytes (larger → 413 ERROR_PAYLOAD_TOO_LARGE). */
export const REST_BODY_LIMIT_BYTES = 64 * 1024;
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

export const AUTO_CLOSE_TYPES = ['session-ends', 'session-end-and-deactivate'] as const;
export type AutoCloseType = (typeof AUTO_CLOSE_TYPES)[number];

/** Room ids, custom room ids, session and participant ids share the signaling id alphabet. */
export const restIdSchema = idSchema;

/** Every webhook event the server sends (API.md "Webhook events"). */
export const WEBHOOK_EVENTS = [
  'session-started',
  'session-ended',
  'participant-joined',
  'participant-left',
  'recording-starting',
  'recording-started',
  'recording-stopping',
  'recording-stopped',
  'recording-failed',
  'livestream-starting',
  'livestream-started',
  'livestream-stopping',
  'livestream-stopped',
  'livestream-failed',
  'hls-starting',
  'hls-started',
  'hls-playable',
  'hls-stopping',
  'hls-stopped',
  'hls-failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/**
 * True when `name` matches the subscription entry `pattern`: `*` stands for any run of characters,
 * all else is literal. A glob walk in O(pattern × name) steps, not a regular expression: a pattern
 * of many stars made the regex backtrack for seconds per request.
 */
export function matchesWebhookPattern(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** An entry of `webhook.events`: a known event name, or a `*` pattern that matches at least one. */
const webhookEventEntrySchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z*-]+$/, 'must be an event name or pattern like "session-*"')
  .superRefine((entry, ctx) => {
    const known = entry.includes('*')
      ? WEBHOOK_EVENTS.some((event) => matchesWebhookPattern(entry, event))
      : (WEBHOOK_EVENTS as readonly string[]).includes(entry);
    if (known) return;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: entry.includes('*')
        ? `"${entry}" matches no webhook event; events are ${WEBHOOK_EVENTS.join(', ')}`
        : `"${entry}" is not a webhook event; use one of ${WEBHOOK_EVENTS.join(', ')}, or a pattern like "recording-*"`,
    });
  });

export const webhookConfigSchema = z
  .object({
    endPoint: z
      .string()
      .max(512, 'must be at most 512 characters')
      .url('must be an http(s) URL')
      .refine((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL'),
    /** Event names (`session-started`) or patterns (`*`, `recording-*`) matching at least one event. */
    events: z.array(webhookEventEntrySchema).min(1).max(64),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export const autoCloseConfigSchema = z
  .object({
    type: z.enum(AUTO_CLOSE_TYPES),
    /** Minutes a session may last before it is closed (VideoSDK semantics); absent: until everyone leaves. */
    duration: z.number().int('must be a whole number of minutes').positive().max(7 * 24 * 60).optional(),
  })
  .strict();
export type AutoCloseConfig = z.infer<typeof autoCloseConfigSchema>;

/**
 * `POST /v2/rooms`. Creating with a `customRoomId` that exists returns the existing room; one that
 * is another room's `roomId` is refused (400), as ids are looked up by roomId first.
 */
export const createRoomBodySchema = z
  .object({
    customRoomId: restIdSchema.optional(),
    webhook: webhookConfigSchema.optional(),
    autoCloseConfig: autoCloseConfigSchema.optional(),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

/** `POST /v2/rooms/deactivate`. */
export const deactivateRoomBodySchema = z.object({ roomId: restIdSchema }).strict();
export type DeactivateRoomBody = z.infer<typeof deactivateRoomBodySchema>;

/** `POST /v2/sessions/end`: the room's live session, or the session named. */
export const endSessionBodySchema = z
  .object({ roomId: restIdSchema.optional(), sessionId: restIdSchema.optional() })
  .strict()
  .superRefine((body, ctx) => {
    if (body.roomId === undefined && body.sessionId === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['roomId'], message: 'required (or give sessionId)' });
    }
  });
export type EndSessionBody = z.infer<typeof endSessionBodySchema>;

/** `POST /v2/sessions/participants/remove`: removes from the room's live session. */
export const removeParticipantBodySchema = z
  .object({ roomId: restIdSchema, participantId: restIdSchema, sessionId: restIdSchema.optional() })
  .strict();
export type RemoveParticipantBody = z.infer<typeof removeParticipantBodySchema>;

const pageNumber = (max?: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(
      max === undefined
        ? z.number().int().min(1, 'must be a positive integer')
        : z.number().int().min(1, 'must be a positive integer').max(max, `must be at most ${max}`),
    );

/** `?page=&perPage=` of every list (query strings, so numbers arrive as text). */
export const pageQuerySchema = z.object({
  page: pageNumber().default(String(1)),
  perPage: pageNumber(MAX_PER_PAGE).default(String(DEFAULT_PER_PAGE)),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** `GET /v2/sessions?roomId=` (roomId optional: all sessions, newest first). */
export const listSessionsQuerySchema = pageQuerySchema.extend({ roomId: restIdSchema.optional() });
export type ListSessionsQuery = z.infer<typeof listSessionsQuerySchema>;

// ---- responses -------------------------------------------------------------------------------

export interface PageInfo {
  currentPage: number;
  perPage: number;
  lastPage: number;
  total: number;
}

export interface Paged<T> {
  pageInfo: PageInfo;
  data: T[];
}

export interface RoomLinks {
  get_room: string;
  get_session: string;
}

export interface RoomResponse {
  /** What clients pass as `meetingId` (generated: `abcd-efgh-ijkl`; or the id first joined). */
  roomId: string;
  /** Internal id of the room record. */
  id: string;
  customRoomId: string | null;
  disabled: boolean;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  webhook: WebhookConfig | null;
  autoCloseConfig: AutoCloseConfig | null;
  links: RoomLinks;
}

export interface TimelogEntry {
  /** ISO 8601. */
  start: string;
  /** ISO 8601; null while the participant is still in the session. */
  end: string | null;
}

export interface SessionParticipant {
  participantId: string;
  name: string;
  /** One entry per stay: a rejoin adds an entry. */
  timelog: TimelogEntry[];
}

export type SessionStatus = 'ongoing' | 'ended';

export interface SessionResponse {
  id: string;
  roomId: string;
  /** ISO 8601. */
  start: string;
  /** ISO 8601; null while ongoing. */
  end: string | null;
  status: SessionStatus;
  participants: SessionParticipant[];
  links: RoomLinks;
}

/** Every REST error: the HTTP status again, and an API.md code with a message naming the problem. */
export interface RestErrorBody {
  statusCode: number;
  error: { code: number; message: string };
}

export type ListRoomsResponse = Paged<RoomResponse>;
export type ListSessionsResponse = Paged<SessionResponse>;


// ---- recordings --------------------------------------------------------------------------------

/** `POST /v2/recordings/start`: records the room's ongoing session as one composite MP4. */
export const startRecordingBodySchema = z
  .object({
    roomId: restIdSchema,
    config: compositeConfigSchema.optional(),
    webhookUrl: z.string().max(512).url('must be an http(s) URL').refine((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL').optional(),
    /** Accepted for VideoSDK compatibility; files stay under the server's data dir. */
    awsDirPath: z.string().max(512).optional(),
  })
  .strict();
export type StartRecordingBody = z.infer<typeof startRecordingBodySchema>;

/** `POST /v2/recordings/end`. */
export const endRecordingBodySchema = z.object({ roomId: restIdSchema }).strict();
export type EndRecordingBody = z.infer<typeof endRecordingBodySchema>;

/** `GET /v2/recordings?roomId=&sessionId=`. */
export const listRecordingsQuerySchema = pageQuerySchema.extend({ roomId: restIdSchema.optional(), sessionId: restIdSchema.optional() });
export type ListRecordingsQuery = z.infer<typeof listRecordingsQuerySchema>;

export interface RecordingFile {
  /** Download URL (needs a REST token: `Authorization` header or `?token=`). */
  fileUrl: string;
  /** Bytes. */
  size: number;
  /** Seconds. */
  duration: number;
  /** `audio/mp4` for audio-only track recordings (`.m4a`). */
  type: 'video/mp4' | 'audio/mp4';
}

export interface RecordingResponse {
  id: string;
  roomId: string;
  sessionId: string;
  /** `recording` while running, then `completed` or `failed`. */
  status: 'recording' | 'completed' | 'failed';
  /** ISO 8601. */
  start: string;
  end: string | null;
  /** Null until the recording has ended with a usable file. */
  file: RecordingFile | null;
  links: { get_recording: string; get_room: string; get_session: string };
  /** Participant and track recordings: whose. */
  participantId?: string;
  /** Participant recordings: `audio_video`; track recordings: the track kind (VideoSDK's values). */
  kind?: 'audio_video' | TrackRecordingKind;
}

export type ListRecordingsResponse = Paged<RecordingResponse>;

// ---- participant and track recordings ----------------------------------------------------------

/** VideoSDK's track kinds: mic, camera, screen share, screen-share audio. */
export const TRACK_RECORDING_KINDS = ['audio', 'video', 'screen_audio', 'screen_video'] as const;
export type TrackRecordingKind = (typeof TRACK_RECORDING_KINDS)[number];

/** Size of the video of a participant/track recording (letterboxed into it); default `med`. */
export const participantRecordingConfigSchema = z
  .object({
    quality: z.enum(['low', 'med', 'high']).optional(),
    orientation: z.enum(['landscape', 'portrait']).optional(),
  })
  .strict();
export type ParticipantRecordingConfig = z.infer<typeof participantRecordingConfigSchema>;

const individualRecordingFields = {
  roomId: restIdSchema,
  participantId: restIdSchema,
  config: participantRecordingConfigSchema.optional(),
  webhookUrl: z.string().max(512).url('must be an http(s) URL').refine((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL').optional(),
  /** Accepted for VideoSDK compatibility; the file is always a (fragmented) MP4. */
  fileFormat: z.enum(['mp4', 'webm']).optional(),
  /** Accepted for VideoSDK compatibility; files stay under the server's data dir. */
  bucketDirPath: z.string().max(512).optional(),
};

/** `POST /v2/recordings/participant/start`: one participant's mic and camera in one MP4. */
export const startParticipantRecordingBodySchema = z.object(individualRecordingFields).strict();
export type StartParticipantRecordingBody = z.infer<typeof startParticipantRecordingBodySchema>;

/** `POST /v2/recordings/participant/stop`. */
export const stopParticipantRecordingBodySchema = z.object({ roomId: restIdSchema, participantId: restIdSchema }).strict();
export type StopParticipantRecordingBody = z.infer<typeof stopParticipantRecordingBodySchema>;

/** `POST /v2/recordings/participant/track/start`: one track of a participant. */
export const startTrackRecordingBodySchema = z.object({ ...individualRecordingFields, kind: z.enum(TRACK_RECORDING_KINDS) }).strict();
export type StartTrackRecordingBody = z.infer<typeof startTrackRecordingBodySchema>;

/** `POST /v2/recordings/participant/track/stop`: `kind` must be the one started. */
export const stopTrackRecordingBodySchema = z.object({ roomId: restIdSchema, participantId: restIdSchema, kind: z.enum(TRACK_RECORDING_KINDS) }).strict();
export type StopTrackRecordingBody = z.infer<typeof stopTrackRecordingBodySchema>;

/** `GET /v2/recordings/participant` and `/v2/recordings/participant/track`. */
export const listIndividualRecordingsQuerySchema = listRecordingsQuerySchema.extend({ participantId: restIdSchema.optional() });
export type ListIndividualRecordingsQuery = z.infer<typeof listIndividualRecordingsQuerySchema>;
