// Request and response shapes the client adds to @roomkit/protocol: paging options and the egress
// request bodies and recording shapes (after API.md and VideoSDK's REST API v2); RTMP and HLS job
// responses are re-exported from the protocol package.
import type { PageInfo, Paged } from '@roomkit/protocol/rest';
import type { HlsCaptureResponse, HlsResponse, LivestreamDestination, LivestreamResponse, StartParticipantRecordingBody, StartTrackRecordingBody, TrackRecordingKind } from '@roomkit/protocol';

export type { PageInfo, Paged };
/** The RTMP and HLS job shapes are the server's own (packages/protocol/src/streaming.ts). */
export type { HlsCaptureResponse, HlsResponse, LivestreamDestination, LivestreamResponse };
/** Participant and track recording bodies are the server's own (packages/protocol/src/rest.ts). */
export type { StartParticipantRecordingBody, StartTrackRecordingBody };
/** VideoSDK's track kinds: `audio`, `video`, `screen_audio`, `screen_video`. */
export type TrackKind = TrackRecordingKind;

export interface PageOptions {
  /** 1-based. */
  page?: number;
  /** At most 100. */
  perPage?: number;
}

/** Composite recording / livestream / HLS layout (VideoSDK `config`). */
export interface EgressConfig {
  /** `gridSize` 1..25; a numeric string (`"20"`) is accepted too, as VideoSDK does. */
  layout?: { type?: 'GRID' | 'SPOTLIGHT' | 'SIDEBAR'; priority?: 'SPEAKER' | 'PIN'; gridSize?: number | `${number}` };
  theme?: 'DARK' | 'LIGHT' | 'DEFAULT';
  mode?: 'video-and-audio' | 'audio';
  quality?: 'low' | 'med' | 'high';
  orientation?: 'landscape' | 'portrait';
  [key: string]: unknown;
}

export interface StartRecordingBody {
  roomId: string;
  config?: EgressConfig;
  webhookUrl?: string;
  awsDirPath?: string;
}

export interface RecordingFile {
  fileUrl: string;
  /** Bytes. */
  size: number;
  /** Seconds. */
  duration: number;
  [key: string]: unknown;
}

export interface RecordingResponse {
  id: string;
  roomId: string;
  sessionId: string;
  /** ISO 8601. */
  start: string;
  end: string | null;
  file: RecordingFile | null;
  [key: string]: unknown;
}

export interface LivestreamOutput {
  url: string;
  streamKey: string;
}

export interface StartLivestreamBody {
  roomId: string;
  outputs: LivestreamOutput[];
  config?: EgressConfig;
}

export interface StartHlsBody {
  roomId: string;
  config?: EgressConfig & { recording?: { enabled: boolean } };
}

/** `POST /v2/hls/capture`: `time` seconds from the stream's start (absent: now); size 16..3840 × 16..2160 (absent: the stream's). */
export interface HlsCaptureBody {
  roomId: string;
  time?: number;
  width?: number;
  height?: number;
  format?: 'jpg';
}

/** List filters of the egress endpoints. */
export type EgressListOptions = PageOptions & { roomId?: string; sessionId?: string };
