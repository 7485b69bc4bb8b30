// Public option and event shapes of the Node client.
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import type { SyntheticMedia, SyntheticMediaOptions } from './media/SyntheticMedia.js';
import type { Participant } from './Participant.js';
import type { BaseMeetingOptions, CoreMeetingEvents } from '@roomkit/client-core';

export type { Mode, Quality, StreamKind };

/**
 * The core's options (meetingId, participantId, name, micEnabled/webcamEnabled — the synthetic
 * Opus tone and VP8 camera here —, mode, multiStream over the layers of `media`, metaData,
 * debugMode, token) and Node's.
 */
export interface MeetingOptions extends BaseMeetingOptions {
  /** The Roomkit server, e.g. http://127.0.0.1:7880 (required: there is no page origin in Node). */
  signalingBaseUrl: string;
  /** Synthetic media to publish: loaded (and encoded once with ffmpeg) on first use. */
  media?: SyntheticMediaOptions | SyntheticMedia;
  /** Local address the client's PeerConnections bind to (e.g. 127.0.0.1). Default: all. */
  bindAddress?: string;
}

export type { LeaveInfo, MeetingError, PinState, PinType } from '@roomkit/client-core';

/** The core's events, named and shaped as the browser SDK's (lobby, moderator requests and pins included). */
export type MeetingEvents = CoreMeetingEvents<Participant>;

export type { Quality as VideoQuality };
export type KindToPublish = Extract<StreamKind, 'audio' | 'video'>;
