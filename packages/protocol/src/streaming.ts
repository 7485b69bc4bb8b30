// RTMP livestreams and HLS as the REST API and the SDK share them: the livestream destination
// rules (checked by the SDK before sending and by the server for every caller), the REST v2
// request schemas of /v2/livestreams and /v2/hls, and their responses.
import { z } from 'zod';
import { RoomkitError } from './errors.js';
import { MAX_RTMP_OUTPUTS, compositeConfigSchema, type RtmpOutput } from './egress.js';
import { idSchema } from './messages.js';

/**
 * Destinations: 1..5, rtmp:// or rtmps:// URLs with a host and no credentials, a non-empty stream
 * key. Every failure is INVALID_LIVESTREAM_CONFIG (4015) and names the field.
 */
export function validateRtmpOutputs(outputs: readonly RtmpOutput[] | undefined): RtmpOutput[] {
  const invalid = (message: string) => new RoomkitError('INVALID_LIVESTREAM_CONFIG', message);
  if (!outputs || outputs.length === 0) throw invalid('outputs: give at least one {url, streamKey} destination');
  if (outputs.length > MAX_RTMP_OUTPUTS) throw invalid(`outputs: at most ${MAX_RTMP_OUTPUTS} destinations, got ${outputs.length}`);
  return outputs.map((output, i) => {
    const url = typeof output?.url === 'string' ? output.url.trim() : '';
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'rtmp:' && parsed.protocol !== 'rtmps:') || !parsed.hostname) {
      throw invalid(`outputs[${i}].url: must be an rtmp:// or rtmps:// URL with a host, e.g. rtmp://a.rtmp.youtube.com/live2`);
    }
    if (parsed.username || parsed.password || parsed.search || parsed.hash) {
      throw invalid(`outputs[${i}].url: put credentials and parameters in streamKey, not in the URL`);
    }
    const streamKey = typeof output?.streamKey === 'string' ? output.streamKey.trim() : '';
    if (!streamKey) throw invalid(`outputs[${i}].streamKey: must not be empty`);
    if (/[\s|]/.test(streamKey)) throw invalid(`outputs[${i}].streamKey: must not contain spaces or "|"`);
    return { url, streamKey };
  });
}

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
