// Public option and event shapes of the Node client.
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import type { SyntheticMedia, SyntheticMediaOptions } from './media/SyntheticMedia.js';
import type { Participant } from './Participant.js';

export type { Mode, Quality, StreamKind };

export interface MeetingOptions {
  meetingId: string;
  /** The Roomkit server, e.g. http://127.0.0.1:7880 (required: there is no page origin in Node). */
  signalingBaseUrl: string;
  /** Overrides the token given to VideoSDK.config(). */
  token?: string;
  participantId?: string;
  name?: string;
  /** Publish the synthetic Opus tone on join. */
  micEnabled?: boolean;
  /** Publish the synthetic VP8 camera on join. */
  webcamEnabled?: boolean;
  mode?: Mode;
  /** Camera simulcast with every layer of `media` (default true); false sends the top layer only. */
  multiStream?: boolean;
  metaData?: Record<string, unknown>;
  /** Synthetic media to publish: loaded (and encoded once with ffmpeg) on first use. */
  media?: SyntheticMediaOptions | SyntheticMedia;
  /** Local address the client's PeerConnections bind to (e.g. 127.0.0.1). Default: all. */
  bindAddress?: string;
  debugMode?: boolean;
}

export interface LeaveInfo {
  reason: number;
  message: string;
}

export interface MeetingError {
  code: number;
  message: string;
}

export type MeetingEvents = {
  'meeting-joined': [];
  'meeting-left': [info: LeaveInfo];
  'meeting-state-changed': [info: { state: 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'FAILED' }];
  'participant-joined': [participant: Participant];
  'participant-left': [participant: Participant, info: LeaveInfo];
  'speaker-changed': [participantId: string | null];
  'presenter-changed': [participantId: string | null];
  'participant-mode-changed': [info: { participantId: string; mode: Mode }];
  'recording-state-changed': [info: { status: string }];
  'livestream-state-changed': [info: { status: string }];
  'hls-state-changed': [info: { status: string; playbackHlsUrl?: string; livestreamUrl?: string }];
  /** Another participant's `send()`: text as a string, bytes as a Uint8Array. */
  data: [info: { from: string; timestamp: number; payload: string | Uint8Array; reliability: 'RELIABLE' | 'UNRELIABLE' }];
  error: [error: MeetingError];
};

export type { Quality as VideoQuality };
export type KindToPublish = Extract<StreamKind, 'audio' | 'video'>;
