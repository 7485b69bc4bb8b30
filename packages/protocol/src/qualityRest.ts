// `GET /v2/sessions/:sessionId/stats` and `.../participant/:participantId/stats`: VideoSDK's
// session-quality shapes, with Roomkit's additions named in the server README ("Call quality").
import { z } from 'zod';
import { restIdSchema, type PageInfo } from './rest.js';

export const sessionStatsParamsSchema = z.object({ sessionId: restIdSchema }).strict();
export const participantStatsParamsSchema = z.object({ sessionId: restIdSchema, participantId: restIdSchema }).strict();

/** Samples per page: VideoSDK answers every sample at once; we page so an answer stays bounded. */
export const DEFAULT_STATS_PER_PAGE = 1000;
export const MAX_STATS_PER_PAGE = 5000;

const positiveInt = (max?: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(max === undefined ? z.number().int().min(1, 'must be a positive integer') : z.number().int().min(1, 'must be a positive integer').max(max, `must be at most ${max}`));

export const statsQuerySchema = z
  .object({
    page: positiveInt().default('1'),
    perPage: positiveInt(MAX_STATS_PER_PAGE).default(String(DEFAULT_STATS_PER_PAGE)),
    /** Roomkit: `server` (default) the server's own RTCP samples, `sdk` the SDK's getStats reports. */
    source: z.enum(['server', 'sdk']).default('server'),
  })
  .strict();
export type StatsQuery = z.infer<typeof statsQuerySchema>;

/**
 * One point in time. Units: packet loss in percent, RTT and jitter in milliseconds, bitrates in
 * bits per second (as VideoSDK's). null: nothing of that kind flowed in that interval.
 */
export interface QualityStatsEntry {
  /** ISO 8601, the sample's time. */
  time: string;
  recvAudioPacketLost: number | null;
  recvVideoPacketLost: number | null;
  sendAudioPacketLost: number | null;
  sendVideoPacketLost: number | null;
  averageAudioRtt: number | null;
  averageVideoRtt: number | null;
  averageAudioJitter: number | null;
  averageVideoJitter: number | null;
  averageSendAudioBitrate: number | null;
  averageSendVideoBitrate: number | null;
  averageRecvAudioBitrate: number | null;
  averageRecvVideoBitrate: number | null;
  /** MOS-like, 1..5 (definitions in the server README). */
  qualityScore: { audio: number | null; video: number | null };
  /** Roomkit: screen share, as the video fields. */
  sendSharePacketLost: number | null;
  recvSharePacketLost: number | null;
  averageSendShareBitrate: number | null;
  averageRecvShareBitrate: number | null;
}

export interface SessionStatsResponse {
  sessionId: string;
  meetingId: string;
  stats: QualityStatsEntry[];
  pageInfo: PageInfo;
}

export interface ParticipantStatsResponse {
  sessionId: string;
  meetingId: string;
  participantId: string;
  participantName: string;
  deviceInfo: { deviceName: string; deviceVersion: string };
  sdkInfo: { sdkName: string; sdkVersion: string };
  location: { country: string; city: string; region: string };
  network: { asn: string; org: string };
  stats: QualityStatsEntry[];
  resolutionUsage: Array<Record<string, number | string>>;
  pageInfo: PageInfo;
}
