// RTMP livestreams and HLS as the REST API and the SDK share them: the livestream destination
// rules (checked by the SDK before sending and by the server for every caller), the REST v2
// request schemas of /v2/livestreams and /v2/hls, and their responses.
import { z } from 'zod';
import { compositeConfigSchema } from './egress.js';
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
