// Shapes the rooms layer shares with its callers (signaling, later the REST API).
import type { IceServer, Mode, ServerEvent, StreamKind } from '@roomkit/protocol';

/** Where a participant's events go: its signaling connection. */
export interface ParticipantSink {
  send(event: ServerEvent): void;
  /** The server is done with this participant (after a final `meetingLeft`). */
  disconnect(): void;
}

export interface JoinParams {
  meetingId: string;
  participantId?: string;
  name: string;
  metaData: Record<string, unknown> | null;
  mode: Mode;
  permissions: readonly string[];
  /** An egress compositor: not announced, not in lists or timelogs, does not keep a meeting alive. */
  hidden?: boolean;
  /** The join token pins `participantId` (its `participantId` claim): it may take that id over. */
  pinnedId?: boolean;
  /** A fingerprint of the join token: a rejoin with the same token may take its own id back. */
  credential?: string;
  /** Who asks (a client address): rooms a join creates are rate-limited per key. */
  creatorKey?: string;
}

export interface PublishedStream {
  id: string;
  kind: StreamKind;
  codec: string;
  /** Video: the publisher's capture size, if it told us. */
  width?: number;
  height?: number;
  /** Media transport and producer id (one transport per published track). */
  transportId: string;
}

export interface RoomsOptions {
  maxParticipantsPerRoom: number;
  /** Askers waiting in one lobby at once (default 100). */
  maxLobbyAskersPerRoom?: number;
  /** Live rooms on this node (default: no limit). */
  maxRooms?: number;
  /** Rooms a join to an unknown id may create per creatorKey per minute (0 or absent: no limit). */
  roomsCreatedByJoinPerMinute?: number;
  /** PubSub topics one participant may subscribe to (default 100). */
  pubsubTopicsPerParticipant?: number;
  /** How long a participant whose socket dropped waits for a `resume` (0: leaves at once). */
  reconnectGraceSeconds?: number;
  /** ICE servers (STUN, TURN with credentials minted for this participant) for join and resume results. */
  iceServersFor?: (participantId: string) => IceServer[];
  /** Seconds between call quality samples (default 5; 0: no sampling). */
  qualitySampleSeconds?: number;
}
