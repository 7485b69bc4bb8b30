// Request and response shapes the client adds to @roomkit/protocol/rest: paging options, and the
// egress endpoints (recordings, RTMP livestreams, HLS) that have no server schema yet. The egress
// shapes follow API.md and VideoSDK's REST API v2; fields Roomkit may add pass through as unknown.
import type { PageInfo, Paged } from '@roomkit/protocol/rest';

export type { PageInfo, Paged };

export interface PageOptions {
  /** 1-based. */
  page?: number;
  /** At most 100. */
  perPage?: number;
}

/** Composite recording / livestream / HLS layout (VideoSDK `config`). */
export interface EgressConfig {
  layout?: { type?: 'GRID' | 'SPOTLIGHT' | 'SIDEBAR'; priority?: 'SPEAKER' | 'PIN'; gridSize?: number };
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

export interface StartParticipantRecordingBody {
  roomId: string;
  participantId: string;
  config?: EgressConfig;
}

export type TrackKind = 'audio' | 'video' | 'share' | 'shareAudio';

export interface StartTrackRecordingBody {
  roomId: string;
  participantId: string;
  kind: TrackKind;
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

/** One destination of a livestream: its URL (never the key) and how it is doing. */
export interface LivestreamDestination {
  url: string;
  status: 'connecting' | 'live' | 'failed' | 'ended';
  error?: string;
}

export interface LivestreamResponse {
  id: string;
  roomId: string;
  sessionId: string;
  start: string;
  end: string | null;
  status: 'ongoing' | 'ended' | 'failed';
  outputs: LivestreamDestination[];
  [key: string]: unknown;
}

export interface StartHlsBody {
  roomId: string;
  config?: EgressConfig & { recording?: { enabled: boolean } };
}

export interface HlsResponse {
  id: string;
  roomId: string;
  sessionId: string;
  start: string;
  end: string | null;
  status: 'ongoing' | 'ended' | 'failed';
  /** DVR playlist (every segment). */
  playbackHlsUrl: string;
  /** Live-edge playlist. */
  livestreamUrl: string;
  /** A player can start (two segments exist). */
  playable: boolean;
  /** With `config.recording.enabled`: the MP4 once the stream ended. */
  recordingUrl: string | null;
  [key: string]: unknown;
}

/** List filters of the egress endpoints. */
export type EgressListOptions = PageOptions & { roomId?: string; sessionId?: string };
