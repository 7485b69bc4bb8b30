// RTMP livestreams and HLS as the REST API and the SDK share them: the livestream destination
// rules (checked by the SDK before sending and by the server for every caller), the REST v2
// request schemas of /v2/livestreams and /v2/hls, and their responses.
import { z } from 'zod';
import { compositeConfigSchema, lenientNumber } from './egress.js';
import { idSchema } from './messages.js';
import { pageQuerySchema } from './rest.js';

export { validateRtmpOutputs } from './livestreamRules.js';

/** Loose shape only: the rules above give the 4015 errors, so the schema must not pre-empt them. */
const looseRtmpOutputSchema = z.object({ url: z.string().max(1024), streamKey: z.string().max(1024) }).strict();

/** `POST /v2/livestreams/start`. */
export const startLivestreamBodySchema = z
  .object({ roomId: idSchema, outputs: z.array(looseRtmpOutputSchema).max(64), config: compositeConfigSchema.optional() })
  .strict();
export type StartLivestreamBody = z.infer<typeof startLivestreamBodySchema>;

/** `POST /v2/hls/start`. `config.recording.enabled` keeps the stream (VOD playlist + MP4). */
export const startHlsBodySchema = z.object({ roomId: idSchema, config: compositeConfigSchema.optional() }).strict();
export type StartHlsBody = z.infer<typeof startHlsBodySchema>;

/** `POST /v2/livestreams/end`, `POST /v2/hls/end`: the room's running one. */
export const endStreamBodySchema = z.object({ roomId: idSchema }).strict();
export type EndStreamBody = z.infer<typeof endStreamBodySchema>;

export type StreamJobStatus = 'ongoing' | 'ended' | 'failed';

/** One destination of a livestream: the URL without its key, and how it is doing. */
export interface LivestreamDestination {
  url: string;
  status: 'connecting' | 'live' | 'failed' | 'ended';
  error?: string;
}

export interface LivestreamResponse {
  id: string;
  roomId: string;
  sessionId: string;
  /** ISO 8601. */
  start: string;
  end: string | null;
  status: StreamJobStatus;
  outputs: LivestreamDestination[];
  error?: string;
}

export interface HlsResponse {
  id: string;
  roomId: string;
  sessionId: string;
  start: string;
  end: string | null;
  status: StreamJobStatus;
  /** DVR playlist (every segment of the stream). */
  playbackHlsUrl: string;
  /** Live-edge playlist (the last segments only). */
  livestreamUrl: string;
  /** True once a player can start (two segments exist). */
  playable: boolean;
  /** With `config.recording.enabled`, the MP4 once the stream ended. */
  recordingUrl: string | null;
  error?: string;
}

/** `GET /v2/livestreams`, `GET /v2/hls`: `?roomId=&sessionId=&page=&perPage=`. */
export const listStreamsQuerySchema = pageQuerySchema.extend({ roomId: idSchema.optional(), sessionId: idSchema.optional() });
export type ListStreamsQuery = z.infer<typeof listStreamsQuerySchema>;

/** Bounds of `POST /v2/hls/capture` (a 4K frame at most; a week into the stream at most). */
export const HLS_CAPTURE_LIMITS = { minSide: 16, maxWidth: 3840, maxHeight: 2160, maxTimeSeconds: 7 * 24 * 3600 } as const;

/**
 * `POST /v2/hls/capture`: a thumbnail of the room's running HLS stream. `time`: seconds from the
 * stream's start (absent: the newest frame); `width`/`height` in pixels (absent: the stream's; one
 * alone keeps the aspect); `format`: only `jpg` (VideoSDK also has png and webp).
 */
export const hlsCaptureBodySchema = z
  .object({
    roomId: idSchema,
    time: lenientNumber(z.number().min(0).max(HLS_CAPTURE_LIMITS.maxTimeSeconds)).optional(),
    width: lenientNumber(z.number().int().min(HLS_CAPTURE_LIMITS.minSide).max(HLS_CAPTURE_LIMITS.maxWidth)).optional(),
    height: lenientNumber(z.number().int().min(HLS_CAPTURE_LIMITS.minSide).max(HLS_CAPTURE_LIMITS.maxHeight)).optional(),
    format: z.enum(['jpg'], { errorMap: () => ({ message: 'only "jpg" is supported' }) }).optional(),
  })
  .strict();
export type HlsCaptureBody = z.infer<typeof hlsCaptureBodySchema>;

/** VideoSDK's capture answer: where the image is (a public URL beside the stream's segments) and what it is. */
export interface HlsCaptureResponse {
  message: string;
  roomId: string;
  /** The HLS stream's id. */
  hlsId: string;
  fileName: string;
  /** Absolute URL of the JPEG. */
  filePath: string;
  /** Bytes. */
  fileSize: number;
  meta: { createdAt: string; width: number; height: number; format: 'jpg'; /** Seconds from the stream's start. */ time: number };
}
