// Egress (composite recording, RTMP livestream, HLS) as the signaling protocol and REST share it:
// the composite config, the state names per kind, and the state event every participant receives.
import { z } from 'zod';

export const EGRESS_KINDS = ['recording', 'livestream', 'hls'] as const;
export const egressKindSchema = z.enum(EGRESS_KINDS);
export type EgressKind = z.infer<typeof egressKindSchema>;

export const LAYOUT_TYPES = ['GRID', 'SPOTLIGHT', 'SIDEBAR'] as const;
export const EGRESS_QUALITIES = ['low', 'med', 'high'] as const;

/**
 * A number that may also arrive as a numeric string, as VideoSDK takes it (its react-hls quickstart
 * sends `gridSize: "20"`): `"20"` is read as 20 and then checked by `schema` with the same bounds;
 * any other string (`"twenty"`, `""`) is still refused by `schema` ("Expected number, received
 * string"), naming the field. Not `z.coerce`: that would also turn `""`, `null` and `true` into numbers.
 */
export function lenientNumber<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), schema);
}

/**
 * VideoSDK's `config` of startRecording / startLivestream / startHls. Unknown keys are rejected;
 * numeric fields take numeric strings too (`lenientNumber`), over REST and signaling alike.
 */
export const compositeConfigSchema = z
  .object({
    layout: z
      .object({
        type: z.enum(LAYOUT_TYPES).optional(),
        priority: z.enum(['SPEAKER', 'PIN']).optional(),
        gridSize: lenientNumber(z.number().int().min(1).max(25)).optional(),
      })
      .strict()
      .optional(),
    theme: z.enum(['DARK', 'LIGHT', 'DEFAULT']).optional(),
    mode: z.enum(['video-and-audio', 'audio']).optional(),
    quality: z.enum(EGRESS_QUALITIES).optional(),
    orientation: z.enum(['landscape', 'portrait']).optional(),
    /** HLS only: also record the HLS stream. */
    recording: z.object({ enabled: z.boolean() }).strict().optional(),
  })
  .strict();
export type CompositeConfig = z.infer<typeof compositeConfigSchema>;

/** Output size per quality and orientation (landscape; portrait swaps them). */
export const QUALITY_SIZE = {
  low: { width: 854, height: 480 },
  med: { width: 1280, height: 720 },
  high: { width: 1920, height: 1080 },
} as const;

export const EGRESS_STATES = {
  recording: ['RECORDING_STARTING', 'RECORDING_STARTED', 'RECORDING_STOPPING', 'RECORDING_STOPPED'],
  livestream: ['LIVESTREAM_STARTING', 'LIVESTREAM_STARTED', 'LIVESTREAM_STOPPING', 'LIVESTREAM_STOPPED'],
  hls: ['HLS_STARTING', 'HLS_STARTED', 'HLS_PLAYABLE', 'HLS_STOPPING', 'HLS_STOPPED'],
} as const;
export type EgressStatus = (typeof EGRESS_STATES)[EgressKind][number];

/** The state of one egress kind in a room, as sent in `egressState` and in the join result. */
export interface EgressStateInfo {
  kind: EgressKind;
  status: EgressStatus;
  /** HLS: where players fetch the stream (set from HLS_STARTED on). */
  playbackHlsUrl?: string;
  livestreamUrl?: string;
}

export const rtmpOutputSchema = z
  .object({
    // Emptiness and scheme are checked by validateRtmpOutputs (INVALID_LIVESTREAM_CONFIG, not a shape error).
    url: z.string().max(1024),
    streamKey: z.string().max(1024),
  })
  .strict();
export type RtmpOutput = z.infer<typeof rtmpOutputSchema>;
export const MAX_RTMP_OUTPUTS = 5;
