// Call quality: what an SDK may report of its own WebRTC getStats() (the `qualityReport` signaling
// message), and the figures every stored sample carries. The server samples RTCP itself; this
// message only adds what the browser alone knows (frame rate, its own RTT estimate, device).
import { z } from 'zod';

export const QUALITY_KINDS = ['audio', 'video', 'share'] as const;
export type QualityKind = (typeof QUALITY_KINDS)[number];

/** One direction of one kind, over the reporter's last interval. */
export const qualityFiguresSchema = z
  .object({
    /** Packets lost over the interval, percent 0..100. */
    lossPct: z.number().min(0).max(100),
    jitterMs: z.number().min(0).max(60_000),
    bitrateBps: z.number().min(0).max(1e9),
    rttMs: z.number().min(0).max(60_000).optional(),
    /** Video: frames per second decoded (recv) or encoded (send). */
    framesPerSecond: z.number().min(0).max(240).optional(),
  })
  .strict();
export type QualityFigures = z.infer<typeof qualityFiguresSchema>;

const byKind = z
  .object({ audio: qualityFiguresSchema.optional(), video: qualityFiguresSchema.optional(), share: qualityFiguresSchema.optional() })
  .strict();

const label = z.string().min(1).max(64);

/**
 * Client → server, optional: a summary of the SDK's getStats() since its previous report. The
 * server keeps at most one per participant every QUALITY_REPORT_MIN_INTERVAL_MS (faster ones are
 * answered RATE_LIMITED 4029 and dropped) and stores it beside its own samples (source `sdk`).
 */
export const qualityReportRequestSchema = z
  .object({
    t: z.literal('qualityReport'),
    rid: z.number().int().nonnegative(),
    send: byKind.optional(),
    recv: byKind.optional(),
    /** What the participant runs, for the participant stats' deviceInfo / sdkInfo. */
    device: z.object({ name: label, version: label }).strict().optional(),
    sdk: z.object({ name: label, version: label }).strict().optional(),
  })
  .strict();
export type QualityReportRequest = z.infer<typeof qualityReportRequestSchema>;

export const QUALITY_REPORT_MIN_INTERVAL_MS = 2000;
