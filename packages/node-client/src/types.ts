// Public option and event shapes of the Node client.
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import type { SyntheticMedia, SyntheticMediaOptions } from './media/SyntheticMedia.js';
import type { Participant } from './Participant.js';
import type { CoreMeetingEvents } from '@roomkit/client-core';

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

export type { LeaveInfo, MeetingError, PinState, PinType } from '@roomkit/client-core';

/** The core's events, named and shaped as the browser SDK's (lobby, moderator requests and pins included). */
export type MeetingEvents = CoreMeetingEvents<Participant>;

export type { Quality as VideoQuality };
export type KindToPublish = Extract<StreamKind, 'audio' | 'video'>;
